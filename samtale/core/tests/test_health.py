"""The health checks (/health/live, /health/ready: the installation's), each tenant's health
(asked inside it), the heartbeats behind them, and the scheduler that outlasts a database
error."""

import json
import logging
import os
import sqlite3
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from samtale import tenancy
from samtale.core import health
from samtale.core.models import ProcessBeat
from samtale.work import schedule
from samtale.work.models import JobRun
from samtale.work.tasks import ping
from testkit.core import worker_until_idle

EVERYTHING = {"control", "migrations", "worker", "scheduler"}
A_TENANTS = {"database", "migrations", "tasks", "archive", "fiks", "mail", "mailbox", "insight"}


def control():
    """This thread's connection to the control database, as it is now."""
    return connections[tenancy.CONTROL]


@pytest.fixture
def production(settings, monkeypatch):
    """Heartbeats and the processes a production installation requires; this test process
    has written no heartbeat yet."""
    settings.SAMTALE_HEARTBEAT_SECONDS = 15
    settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS = 60
    settings.SAMTALE_READY_REQUIRES = ["worker", "scheduler"]
    monkeypatch.setattr(health, "_last_beat", {})
    return settings


def alive(*processes, ago=timedelta(seconds=5)):
    for number, process in enumerate(processes):
        at = timezone.now() - ago
        ProcessBeat.objects.create(
            process=process, host="app-1", pid=100 + number, started_at=at, beat_at=at
        )


def ready(client) -> tuple[int, dict]:
    answer = client.get("/health/ready")
    return answer.status_code, json.loads(answer.content)


def waiting_task(*, enqueued_ago, run_after=None):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="samtale.work.tasks.ping",
        backend_name="default",
        run_after=run_after or get_date_max(),
        exception_class_path="",
        traceback="",
    )
    # enqueued_at is set on creation (auto_now_add): moved back by an update.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)
    return task


def test_it_answers_live_without_asking_the_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/health/live")
    assert answer.status_code == 200
    assert json.loads(answer.content) == {"status": "ok", "checks": {}}
    assert "no-store" in answer["Cache-Control"]
    assert client.get("/helse/").status_code == 200


def test_it_answers_a_load_balancer_by_the_process_address_over_plain_http(db, settings):
    # In production the app is reached by its name over HTTPS; the load balancer asks by
    # the process's own address, over HTTP. Every other page refuses that.
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.0.3.7:8000")
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200
    assert client.get("/tilgjengelighet/").status_code == 400


def test_it_refuses_a_post(db, client):
    assert client.post("/health/ready").status_code == 405
    assert client.head("/health/live").status_code == 200


def test_it_is_ready_when_all_is_well(db, client, production):
    alive("worker", "scheduler")
    waiting_task(enqueued_ago=timedelta(seconds=30))  # the worker is on its way to it
    status, answer = ready(client)
    assert status == 200
    assert answer == {"status": "ok", "checks": dict.fromkeys(EVERYTHING, "ok")}


def test_it_is_ready_without_the_worker_and_scheduler_where_they_are_not_required(db, client):
    status, answer = ready(client)
    assert status == 200
    assert set(answer["checks"]) == EVERYTHING - {"worker", "scheduler"}


def test_it_is_not_ready_while_the_control_database_misses_a_migration(db, client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    # The latest of core's migrations, as if the code were newer than the database.
    (latest,) = MigrationLoader(control()).graph.leaf_nodes("core")
    MigrationRecorder(control()).migration_qs.filter(app="core", name=latest[1]).delete()
    status, answer = ready(client)
    assert status == 503
    assert answer["status"] == "fail"
    assert answer["checks"]["control"] == "ok"
    assert answer["checks"]["migrations"] == "pending"


def test_it_is_not_ready_when_the_control_database_does_not_answer(db, client, production):
    with control().execute_wrapper(_refuse("SELECT 1")):
        status, answer = ready(client)
    assert status == 503
    # Every request looks its tenant up there: nothing else is asked.
    assert answer["checks"] == {
        "control": "unreachable",
        "migrations": "unknown",
        "worker": "unknown",
        "scheduler": "unknown",
    }


def test_readiness_asks_the_control_database_only_and_reads_the_migrations_once(
    db, client, monkeypatch
):
    monkeypatch.setattr(health, "_migrated", set())
    assert ready(client)[0] == 200
    with CaptureQueriesContext(control()) as theirs, CaptureQueriesContext(connection) as home:
        assert ready(client)[0] == 200
    assert [q["sql"] for q in theirs] == ["SELECT 1"]
    assert not home.captured_queries  # no tenant's database is asked


def test_a_tenant_whose_task_has_waited_too_long_is_behind_and_the_installation_ready(
    db, client, settings
):
    settings.SAMTALE_READY_TASK_WAIT_SECONDS = 600
    # Put off until later: not waiting yet, however long ago it was enqueued.
    waiting_task(enqueued_ago=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=5))
    assert health.tenant_health() == (True, dict.fromkeys(A_TENANTS, "ok"))
    waiting_task(enqueued_ago=timedelta(minutes=11))
    ok, answers = health.tenant_health()
    assert not ok and answers["tasks"] == "behind"
    assert ready(client)[0] == 200
    record = health.tenant_health_record()
    assert (record.tenant, record.ok, record.checks["tasks"]) == ("main", False, "behind")
    assert health.tenants_health()["main"].checks == answers


def test_a_tenant_missing_a_migration_is_asked_nothing_that_stands_on_it(db, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    (latest,) = MigrationLoader(connection).graph.leaf_nodes("core")
    MigrationRecorder(connection).migration_qs.filter(app="core", name=latest[1]).delete()
    ok, answers = health.tenant_health()
    assert not ok
    assert answers["database"] == "ok" and answers["migrations"] == "pending"
    # The rest stand on the tables the migrations make: not asked.
    assert answers["tasks"] == answers["archive"] == "unknown"


def test_it_is_not_ready_when_the_scheduler_has_not_beaten_within_the_limit(db, client, production):
    alive("worker")
    alive("scheduler", ago=timedelta(seconds=61))
    status, answer = ready(client)
    assert status == 503
    assert answer["checks"]["worker"] == "ok"
    assert answer["checks"]["scheduler"] == "no_heartbeat"


def test_a_failing_check_is_named_with_a_code_and_nothing_of_its_error(db, client, monkeypatch):
    def broken():
        raise OSError("could not reach db.kommune.internal as /srv/samtale/secret.key")

    monkeypatch.setitem(health.READINESS, "broken", health.Check("broken", broken))
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert json.loads(answer.content)["checks"]["broken"] == "error"
    assert b"kommune" not in answer.content and b"srv" not in answer.content


def test_a_web_process_beats_at_most_every_interval(transactional_db, production):
    client = Client()
    assert client.get("/tilgjengelighet/").status_code == 200
    beat = ProcessBeat.objects.get(process="web")
    assert (beat.host, beat.pid) == (health.HOST, os.getpid())
    with CaptureQueriesContext(control()) as queries:
        client.get("/tilgjengelighet/")
    assert not [q for q in queries if "core_processbeat" in q["sql"]]
    # 16 seconds later by the process's own clock: beats again, on the same row.
    health._last_beat[("web", os.getpid())] = time.monotonic() - 16
    client.get("/tilgjengelighet/")
    assert ProcessBeat.objects.get(process="web").beat_at > beat.beat_at


def test_the_worker_beats_between_tasks(transactional_db, production):
    worker_until_idle()  # until no task is left: here, one round
    assert ProcessBeat.objects.filter(process="worker", pid=os.getpid()).exists()


def test_a_beat_also_touches_the_heartbeat_file_a_containers_health_check_reads(
    transactional_db, production, tmp_path
):
    production.SAMTALE_HEARTBEAT_FILE = str(tmp_path / "heartbeat")
    assert health.beat("worker")
    assert (tmp_path / "heartbeat").exists()
    # When the database does not take the beat, the file is not touched: the process is
    # not doing its work.
    (tmp_path / "heartbeat").unlink()
    health._last_beat.clear()
    with control().execute_wrapper(_refuse("core_processbeat")):
        assert not health.beat("worker")
    assert not (tmp_path / "heartbeat").exists()


def _refuse(part: str):
    """A database that does not answer the statements holding `part`."""

    def refuse(execute, sql, params, many, context):
        if part in sql:
            raise OperationalError("the connection is closed")
        return execute(sql, params, many, context)

    return refuse


def test_the_heartbeats_of_processes_gone_a_day_are_deleted(db):
    alive("worker", ago=timedelta(hours=25))
    alive("scheduler", ago=timedelta(hours=23))
    assert health.heartbeats_prune() == 1
    assert list(ProcessBeat.objects.values_list("process", flat=True)) == ["scheduler"]


def _a_real_database_fault():
    """Make the scheduler's next query fail for real; returns what lets the database go.

    SQLite: another process holds the write lock (as a file held past its busy timeout).
    PostgreSQL: a lock held past the connection's lock_timeout."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO core_jobrun (name) VALUES ('another process')")

        def release():
            other.execute("ROLLBACK")
            other.close()

        return release
    # PostgreSQL: another session holds the table the scheduler claims its jobs in, and the
    # scheduler's connections give up waiting for a lock after 200 ms (a real server error).
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("options")
    options["options"] = "-c lock_timeout=200"
    connection.close()
    other = connections.create_connection("default")
    other.set_autocommit(False)
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE core_jobrun IN ACCESS EXCLUSIVE MODE")

    def release():
        other.rollback()
        other.close()
        if before is None:
            options.pop("options")
        else:
            options["options"] = before

    return release


def test_the_scheduler_outlasts_a_database_fault_and_starts_the_next_due_job(
    transactional_db, production, monkeypatch, caplog
):
    job = schedule.Periodic(name="samtale.work.tasks.ping", task=ping, every=timedelta(hours=1))
    monkeypatch.setattr(schedule, "JOBS", {job.name: job})
    release = _a_real_database_fault()
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        release()  # the database answers again meanwhile

    started = []
    try:
        with caplog.at_level(logging.WARNING, logger="samtale.work.schedule"):
            schedule.run(interval=30, started=started.append, rounds=2, sleep=sleep)
    finally:
        if not slept:
            release()  # never reached the retry: let the database go all the same
    warnings = [r.getMessage() for r in caplog.records if r.name == "samtale.work.schedule"]
    # The home tenant's database is passed over as any tenant's would be, and ticks at the
    # next round.
    assert len(warnings) == 1
    assert warnings[0].startswith("Tenant main is passed over (")
    assert slept == [30]
    assert started == [job] * len(tenancy.every_tenant())  # main's at the second round
    assert JobRun.objects.get(name=job.name).last_run_at is not None
    assert ProcessBeat.objects.filter(process="scheduler").exists()
