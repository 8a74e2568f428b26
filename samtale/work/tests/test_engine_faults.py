"""The faults of background work, on both transports, with real processes on the test's
database (testkit.live): the database transport's `manage.py worker`s and the
RabbitMQ transport's `manage.py engine_worker`s (on the real broker at 127.0.0.1:5672, on
queues of this run's own). Each gives the same answer: nothing lost, nothing doubled.

- a transaction rolled back: its task never runs; the one committed beside it runs once;
- a worker killed (SIGKILL) while it runs a task: the task runs again, to its end, once, on
  another worker (its row is given again once the dead worker's heartbeat stops), and every
  other task once;
- the RabbitMQ transport's broker stopped and started again while tasks wait and run: every
  task runs once. (The database transport has no broker: its carrier is the database, whose
  restart under load the load test's fault run covers, bench/load_faults.py.)

Half the tasks are the home municipality's and half a registered one's (Nordvik, with a
database of its own): each runs in its own, and a killed worker's is given again in its own.
The tasks (engine_tasks.mark) say in a file which process started and finished each, and in
which tenant."""

import json
import shutil
import signal
import subprocess
import time
import uuid
from collections import Counter

import psutil
import pytest

from samtale.operators.tests import conftest as tenants_tests
from testkit.live import manage, manage_run, shared_database

# Beside no other test of the broker: one of these restarts it.
pytestmark = pytest.mark.xdist_group("amqp")

# Where the tenants' tests make their tenants' databases (their fixture).

TASKS = 12
STUCK_SECONDS = 120

TRANSPORTS = {
    "database": (("worker", "--interval", "0.1"), {}),
    "rabbitmq": (
        ("engine_worker", "--concurrency", "1", "--pool", "threads"),
        {"SAMTALE_WORK_ENGINE": "celery"},
    ),
}

# Task n is the home municipality's when n is even, Nordvik's when it is odd.
ENQUEUE = """
from django.db import transaction
from samtale import tenancy
from samtale.work.tests.engine_tasks import mark
class RolledBack(Exception):
    pass
try:
    with transaction.atomic():
        mark.enqueue("rolled back")
        raise RolledBack
except RolledBack:
    pass
nordvik = tenancy.by_slug("nordvik")
for tenant in (tenancy.current(), nordvik):
    with tenancy.activated(tenant), transaction.atomic():
        for n in range(0 if tenant is not nordvik else 1, {tasks}, 2):
            mark.enqueue(f"task {{n}}", {seconds})
print("queued")
"""


def tenant_of(name: str) -> str:
    """The tenant ENQUEUE enqueued a task in (task n; the tasks enqueued while the broker is
    away are the home municipality's)."""

    n = int(name.split()[-1])
    return "nordvik" if n % 2 and name.startswith("task") else "main"


def ran_where_enqueued(marks) -> None:
    """Each task started and finished in the tenant it was enqueued in, and both tenants
    ran some."""
    places = {(m["name"], m["tenant"]) for m in marked(marks)}
    assert {(name, tenant_of(name)) for name, _ in places} == places
    assert len({tenant for _, tenant in places}) == 2


def environment(name: str, tmp_path):
    """(the worker command, the processes' environment, the marks file, the queues' prefix)
    of one transport, on a copy of the test's database."""
    command, extra = TRANSPORTS[name]
    database = shared_database(tmp_path)
    marks = tmp_path / "marks.jsonl"
    marks.touch()
    prefix = f"samtale_faults_{uuid.uuid4().hex[:8]}."
    env = database.env(
        SAMTALE_TEST_MARKS=str(marks),
        SAMTALE_WORK_QUEUE_PREFIX=prefix,
        SAMTALE_HEARTBEAT_SECONDS="1",
        SAMTALE_HEARTBEAT_LIMIT_SECONDS="4",
        SAMTALE_WORK_SWEEP_SECONDS="1",
        SAMTALE_WORK_RESEND_SECONDS="5",
        SAMTALE_READY_REQUIRES="none",
        DB_CONN_MAX_AGE="0",
        **extra,
    )
    return command, env, marks, prefix


@pytest.fixture
def nordvik(transactional_db, tenant_databases):
    """Nordvik, registered for one test (the flush after it empties the register)."""
    with tenants_tests.nordvik_registered() as tenant:
        yield tenant


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request, transactional_db, people, nordvik, tmp_path):
    """(its name, the worker command, the processes' environment, the marks file)."""
    command, env, marks, prefix = environment(request.param, tmp_path)
    yield request.param, command, env, marks
    if request.param == "rabbitmq":
        _delete_queues(env, prefix)


def marked(marks) -> list[dict]:
    return [json.loads(line) for line in marks.read_text().splitlines() if line.strip()]


def until_done(marks, names: set[str], processes) -> Counter:
    """The tasks done, by name, once every one of `names` is (a bound for work that never
    finishes, not a timing assertion)."""
    last, progress = 0, time.monotonic()
    while True:
        done = Counter(m["name"] for m in marked(marks) if m["what"] == "done")
        if names <= set(done):
            time.sleep(1.5)  # what would run twice would have by now: counted again
            return Counter(m["name"] for m in marked(marks) if m["what"] == "done")
        if len(done) > last:
            last, progress = len(done), time.monotonic()
        assert time.monotonic() - progress < STUCK_SECONDS, (
            f"stuck: {sorted(names - set(done))[:5]} not done; "
            f"exit codes {[p.poll() for p in processes]}"
        )
        time.sleep(0.2)


def stop(processes) -> None:
    for process in processes:
        for child in _children(process.pid):
            child.kill()
        process.kill()
        process.wait()


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _delete_queues(env, prefix: str) -> None:
    manage_run(
        "shell",
        "-c",
        "from samtale.work.engine import kinds\n"
        "from samtale.work.engine.broker import configured\n"
        "with configured().connection() as c:\n"
        "    for k in kinds.EVERY_KIND:\n"
        "        c.default_channel.queue_delete(kinds.queue_of(k))\n",
        env=env,
    )


def test_a_rolled_back_enqueue_never_runs_and_a_committed_one_runs_once(transport, tmp_path):
    name, command, env, marks = transport
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115 - closed in finally
    workers = [manage(*command, env=env, log=log)]
    try:
        assert "queued" in manage_run("shell", "-c", ENQUEUE.format(tasks=3, seconds=0), env=env)
        done = until_done(marks, {f"task {n}" for n in range(3)}, workers)
    finally:
        stop(workers)
        log.close()
    print(f"\n{name}: {dict(done)}")
    assert done == Counter({f"task {n}": 1 for n in range(3)})
    assert not [m for m in marked(marks) if m["name"] == "rolled back"]
    ran_where_enqueued(marks)


def test_a_worker_killed_while_it_runs_a_task_loses_nothing_and_doubles_nothing(
    transport, tmp_path
):
    name, command, env, marks = transport
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115 - closed in finally
    workers = [manage(*command, env=env, log=log) for _ in range(2)]
    killed: list[str] = []  # the tasks the kills cut short
    try:
        assert "queued" in manage_run(
            "shell", "-c", ENQUEUE.format(tasks=TASKS, seconds=0.3), env=env
        )
        # A worker killed in the middle of a task of the home municipality's, and one in the
        # middle of one of Nordvik's, a new worker started after each. Which task a kill cut
        # short is read from the marks after the kill (the victim may have finished the task
        # it was seen in and begun another): killed again until both tenants had one cut.
        home = tenant_of("task 0")
        while {tenant_of(n) for n in killed} != {home, "nordvik"} and len(killed) < 6:
            wanted = home if home not in {tenant_of(n) for n in killed} else "nordvik"
            victim = _running_a_task(marks, workers, wanted)
            for process in [*workers]:
                if victim in (process.pid, *(c.pid for c in _children(process.pid))):
                    for child in _children(process.pid):
                        child.send_signal(signal.SIGKILL)
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    workers.remove(process)
                    workers.append(manage(*command, env=env, log=log))
            killed.extend(_cut_short(marks, victim))
        done = until_done(marks, {f"task {n}" for n in range(TASKS)}, workers)
    finally:
        stop(workers)
        log.close()
    started = Counter(m["name"] for m in marked(marks) if m["what"] == "start")
    interrupted = [n for n, times in started.items() if times > done[n]]
    print(
        f"\n{name}: {TASKS} tasks, {len(killed)} cut short by a killed worker, "
        f"{sum(done.values())} runs to the end, interrupted and run again: {interrupted}"
    )
    assert done == Counter({f"task {n}": 1 for n in range(TASKS)})
    assert sorted(interrupted) == sorted(killed)
    assert {tenant_of(name) for name in interrupted} == {tenant_of("task 0"), "nordvik"}
    ran_where_enqueued(marks)


def _cut_short(marks, pid: int) -> list[str]:
    """The tasks a killed process had started and not finished."""
    entries = [m for m in marked(marks) if m["pid"] == pid]
    done = Counter(m["name"] for m in entries if m["what"] == "done")
    started = Counter(m["name"] for m in entries if m["what"] == "start")
    return sorted((started - done).elements())


def _running_a_task(marks, workers, tenant: str) -> int:
    """The pid of a worker process in the middle of a task of `tenant`'s (started, not
    done)."""
    deadline = time.monotonic() + STUCK_SECONDS
    while time.monotonic() < deadline:
        entries = marked(marks)
        done = {(m["name"], m["pid"]) for m in entries if m["what"] == "done"}
        running = [
            m["pid"]
            for m in entries
            if m["what"] == "start" and m["tenant"] == tenant and (m["name"], m["pid"]) not in done
        ]
        alive = {p.pid for w in workers for p in [psutil.Process(w.pid), *_children(w.pid)]}
        for pid in running:
            if pid in alive:
                return pid
        time.sleep(0.05)
    raise AssertionError("no worker ever ran a task")


def test_the_broker_stopped_and_started_again_loses_nothing_and_doubles_nothing(
    transactional_db, people, nordvik, tmp_path
):
    """The RabbitMQ transport only (the database transport has no broker): stopped while
    tasks wait in its queues, run, and are enqueued; started again."""
    command, env, marks, prefix = environment("rabbitmq", tmp_path)
    log = open(tmp_path / "processes.log", "w")  # noqa: SIM115 - closed in finally
    workers = [manage(*command, env=env, log=log) for _ in range(2)]
    late = ENQUEUE.format(tasks=0, seconds=0) + (
        "for n in range(5):\n    mark.enqueue(f'while away {n}')\nprint('queued')\n"
    )
    try:
        assert "queued" in manage_run(
            "shell", "-c", ENQUEUE.format(tasks=TASKS, seconds=0.2), env=env
        )
        while len([m for m in marked(marks) if m["what"] == "done"]) < 3:
            time.sleep(0.1)
        _rabbitmq("stop_app")
        try:
            assert "queued" in manage_run("shell", "-c", late, env=env)
        finally:
            _rabbitmq("start_app")
        names = {f"task {n}" for n in range(TASKS)} | {f"while away {n}" for n in range(5)}
        done = until_done(marks, names, workers)
    finally:
        stop(workers)
        log.close()
        _delete_queues(env, prefix)
    print(f"\nrabbitmq restarted: {len(names)} tasks, {sum(done.values())} runs to the end")
    assert done == Counter(dict.fromkeys(names, 1))
    ran_where_enqueued(marks)


def _rabbitmq(what: str) -> None:
    control = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([control, "-q", what], check=True, capture_output=True, timeout=120)
