"""Worker processes sending to an SMTP server on loopback, killed with SIGKILL again and
again: every message arrives, and a second copy only from the window the outbox documents
(a worker killed after the server accepted a message and before it recorded that).

Real processes on the test's database (samtale.core.testing_live): three `manage.py
worker`s and a `manage.py scheduler` that runs the outbox's sweep every second, with a
lease of 8 s (four times the SMTP timeout, as the settings' check asks). The messages are
queued as the app queues them (email_queue in a transaction, the task enqueued on commit).
"""

import asyncio
import random
import signal
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from samtale.core.testing_live import app_env, manage, manage_run, shared_database
from samtale.notifications.testing import free_port

MESSAGES = 500
WORKERS = 3
KILL_SECONDS = 20
LEASE_SECONDS = 8
# The window, measured: the sink's acceptance of a copy that came again is followed by a
# kill within this many seconds (the client reads the 250, then one UPDATE commits; on
# SQLite that UPDATE may wait for another writer's lock). A copy sent twice with no kill
# that close after the first would be a bug, not the window.
WINDOW_SECONDS = 2.0

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
    """What the SMTP server accepted: (time, Message-ID) per message. It takes 20–60 ms over
    each, as a real server might, so that kills land in the middle of sends too."""

    def __init__(self):
        self.accepted: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.rng = random.Random(1)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        await asyncio.sleep(self.rng.uniform(0.02, 0.06))
        with self.lock:
            self.accepted.append((time.time(), message["Message-ID"]))
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_workers_killed_at_random_lose_no_message(people, tmp_path):
    database = shared_database(tmp_path)
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = app_env(
        database.url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="2",
        OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        OUTBOX_SWEEP_SECONDS="1",
        DB_CONN_MAX_AGE="0",
    )
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115 - closed in finally
    worker_args = ("worker", "--interval", "0.2", "--no-startup-delay", "--no-reload")
    workers = [manage(*worker_args, env=env, log=log) for _ in range(WORKERS)]
    scheduler = manage("scheduler", "--interval", "1", env=env, log=log)
    kills: list[float] = []
    rng = random.Random(16)
    try:
        assert "queued" in manage_run("shell", "-c", QUEUE, env=env)
        until = time.monotonic() + KILL_SECONDS
        while time.monotonic() < until:
            time.sleep(rng.uniform(0.2, 0.9))
            victim = rng.randrange(WORKERS)
            workers[victim].send_signal(signal.SIGKILL)
            kills.append(time.time())
            workers[victim].wait()
            workers[victim] = manage(*worker_args, env=env, log=log)
        sent_while_killing = len(sink.accepted)
        # Then no more kills: what the dead held comes back when its lease runs out.
        until = time.monotonic() + LEASE_SECONDS + 60
        while time.monotonic() < until and _open(database):
            time.sleep(0.5)
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait()
        controller.stop()
        log.close()

    rows = database.query("SELECT message_id, status, attempts FROM notifications_outboundemail")
    statuses = {status for _id, status, _attempts in rows}
    assert statuses <= {"sent", "skipped"}, (
        f"left behind: {[r for r in rows if r[1] not in ('sent', 'skipped')][:5]}\n"
        + (tmp_path / "processes.log").read_text()[-3000:]
    )
    ours = [r for r in rows if r[1] == "sent"]
    assert len(ours) >= MESSAGES
    arrived: dict[str, list[float]] = {}
    for at, message_id in sink.accepted:
        arrived.setdefault(message_id, []).append(at)
    never = [message_id for message_id, _s, _a in ours if message_id not in arrived]
    assert never == []
    duplicates = {m: times for m, times in arrived.items() if len(times) > 1}
    outside = [
        (m, times[0])
        for m, times in duplicates.items()
        if not any(0 <= kill - times[0] <= WINDOW_SECONDS for kill in kills)
    ]
    reclaimed = sum(1 for _m, _s, attempts in ours if attempts > 1)
    print(
        f"\noutbox under SIGKILL ({database.url.split(':')[0]}): {len(ours)} messages sent, "
        f"{len(kills)} kills, {reclaimed} taken again after a worker died, "
        f"{len(duplicates)} sent twice, all within {WINDOW_SECONDS} s before a kill; "
        f"{sent_while_killing} accepted while the kills went on"
    )
    assert outside == []
    assert len(kills) >= 15


def _open(database) -> int:
    [(n,)] = database.query(
        "SELECT COUNT(*) FROM notifications_outboundemail WHERE status = 'queued'"
    )
    return n
