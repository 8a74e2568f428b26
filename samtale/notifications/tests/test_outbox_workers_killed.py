"""Worker processes sending to an SMTP server on loopback, killed with SIGKILL again and
again: every message arrives, and a second copy only from the window the outbox documents
(a worker killed after the server accepted a message and before it recorded that).

Real processes on the test's database (testkit.live): three `manage.py
worker`s and a `manage.py scheduler` that runs the outbox's sweep every second, with a
lease of 12 s (four times the SMTP timeout, as the settings' check asks). The messages are
queued as the app queues them (email_queue in a transaction, the task enqueued on commit).

The sink notes which worker process sent each copy, so the window is checked without a
clock: the first copy of a message that came twice was the last one its worker got
accepted before it was killed (it never moved on without recording it), or its worker saw
the send fail (a timeout after the server had it) and recorded that. However slow the
machine, nothing else explains a second copy.
"""

import asyncio
import contextlib
import random
import signal
import threading
import time
from email import message_from_bytes, policy

import psutil
import pytest
from aiosmtpd.controller import Controller

from testkit.live import manage, manage_run, shared_database
from testkit.mail import free_port

MESSAGES = 500
WORKERS = 3
KILL_SECONDS = 20
SMTP_TIMEOUT_SECONDS = 3
LEASE_SECONDS = 4 * SMTP_TIMEOUT_SECONDS
# When no message has been sent for this long after the kills, the rest are stuck.
STUCK_SECONDS = LEASE_SECONDS + 60
WORKER = ("worker", "--interval", "0.2")

QUEUE = f"""
from django.db import transaction
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
people = list(Person.objects.filter(is_active=True).exclude(email=""))
with transaction.atomic():
    for n in range({MESSAGES}):
        email_queue(to=people[n % len(people)], kind="password_reset")
print("queued")
"""


class Sink:
    """What the SMTP server accepted: (Message-ID, the sending process's pid or None) per
    message, in order. It takes 20–60 ms over each, as a real server might, so that kills
    land in the middle of sends too."""

    def __init__(self, pids):
        self.accepted: list[tuple[str, int | None]] = []
        self.lock = threading.Lock()
        self.rng = random.Random(1)
        self.pids = pids  # the workers' pids now

    def sender(self, port: int) -> int | None:
        """The worker whose socket is the client end of this connection (None: it is gone)."""
        for pid in self.pids():
            with contextlib.suppress(psutil.Error):
                if any(c.laddr.port == port for c in psutil.Process(pid).net_connections("tcp")):
                    return pid
        return None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        pid = self.sender(session.peer[1])
        await asyncio.sleep(self.rng.uniform(0.02, 0.06))
        with self.lock:
            self.accepted.append((message["Message-ID"], pid))
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_workers_killed_at_random_lose_no_message(people, tmp_path):
    database = shared_database(tmp_path)
    workers = []
    sink = Sink(lambda: [worker.pid for worker in list(workers)])
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = database.env(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT=str(SMTP_TIMEOUT_SECONDS),
        OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        OUTBOX_SWEEP_SECONDS="1",
        DB_CONN_MAX_AGE="0",
    )
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115 - closed in finally
    workers.extend(manage(*WORKER, env=env, log=log) for _ in range(WORKERS))
    scheduler = manage("scheduler", "--interval", "1", env=env, log=log)
    killed: set[int] = set()
    try:
        assert "queued" in manage_run("shell", "-c", QUEUE, env=env)
        _kill_at_random(workers, killed, env=env, log=log)
        sent_while_killing = len(sink.accepted)
        _wait_while_sending(database, sink)
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait()
        controller.stop()
        log.close()

    ours = _sent(database, tmp_path)
    assert len(ours) >= MESSAGES
    copies, duplicates, unexplained = _copies(sink, ours, killed)
    assert [message_id for message_id in ours if message_id not in copies] == []
    reclaimed = sum(1 for attempts, _failures in ours.values() if attempts > 1)
    unknown = sum(1 for _m, pid in sink.accepted if pid is None)
    print(
        f"\noutbox under SIGKILL ({database.url.split(':')[0]}): {len(ours)} messages sent, "
        f"{len(killed)} kills, {reclaimed} taken again after a worker died, "
        f"{len(duplicates)} sent twice, each explained (its worker was killed before it "
        "recorded it, or saw the send fail); "
        f"{sent_while_killing} accepted while the kills went on, {unknown} from a sender "
        "already gone"
    )
    assert unexplained == []
    # Every sender is known but for one per kill at most (killed while the sink looked).
    assert unknown <= len(killed)
    assert len(killed) >= 15


def _kill_at_random(workers: list, killed: set[int], *, env, log) -> None:
    """For KILL_SECONDS, a worker at random killed with SIGKILL every 0.2–0.9 s and a new
    one started in its place; the killed ones' pids added to `killed`."""
    rng = random.Random(16)
    until = time.monotonic() + KILL_SECONDS
    while time.monotonic() < until:
        time.sleep(rng.uniform(0.2, 0.9))
        victim = rng.randrange(WORKERS)
        workers[victim].send_signal(signal.SIGKILL)
        killed.add(workers[victim].pid)
        workers[victim].wait()
        workers[victim] = manage(*WORKER, env=env, log=log)


def _wait_while_sending(database, sink: Sink) -> None:
    """Then no more kills: what the dead held comes back when its lease runs out. Wait as
    long as messages keep arriving, however slow the machine."""
    progress, last_progress = len(sink.accepted), time.monotonic()
    while _open(database) and time.monotonic() - last_progress < STUCK_SECONDS:
        time.sleep(0.5)
        if len(sink.accepted) > progress:
            progress, last_progress = len(sink.accepted), time.monotonic()


def _sent(database, tmp_path) -> dict[str, tuple[int, int]]:
    """The sent messages' (attempts, failures) by Message-ID, once it is asserted that none
    was left behind (the processes' log says why, if one was)."""
    rows = database.query(
        "SELECT message_id, status, attempts, failures FROM notifications_outboundemail"
    )
    statuses = {row[1] for row in rows}
    assert statuses <= {"sent", "skipped"}, (
        f"left behind: {[r for r in rows if r[1] not in ('sent', 'skipped')][:5]}\n"
        + (tmp_path / "processes.log").read_text()[-3000:]
    )
    return {
        message_id: (attempts, failures)
        for message_id, status, attempts, failures in rows
        if status == "sent"
    }


def _copies(sink: Sink, ours: dict, killed: set[int]) -> tuple[dict, dict, list]:
    """(the index of each copy in sink.accepted by Message-ID, those sent more than once,
    those of them the outbox's window does not explain: the first copy was neither the last
    its worker got accepted before it was killed nor one whose send its worker saw fail)."""
    copies: dict[str, list[int]] = {}
    last_of: dict[int, int] = {}  # pid: the index of the last copy it got accepted
    for index, (message_id, pid) in enumerate(sink.accepted):
        copies.setdefault(message_id, []).append(index)
        if pid is not None:
            last_of[pid] = index
    duplicates = {m: indexes for m, indexes in copies.items() if len(indexes) > 1}
    unexplained = []
    for message_id, (first, *_again) in duplicates.items():
        pid = sink.accepted[first][1]
        # None: the sender was gone by the time the sink looked (killed in between).
        died_holding_it = pid is None or (pid in killed and last_of.get(pid) == first)
        saw_it_fail = ours.get(message_id, (0, 0))[1] > 0
        if not (died_holding_it or saw_it_fail):
            unexplained.append((message_id, pid, pid in killed))
    return copies, duplicates, unexplained


def _open(database) -> int:
    [(n,)] = database.query(
        "SELECT COUNT(*) FROM notifications_outboundemail WHERE status = 'queued'"
    )
    return n
