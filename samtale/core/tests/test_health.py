"""The health checks (/health/live, /health/ready), the heartbeats behind them, and the
scheduler that outlasts a database error."""

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

from samtale.core import health, schedule
from samtale.core.management.commands.worker import Worker
from samtale.core.models import Heartbeat, JobRun
from samtale.core.tasks import ping

EVERYTHING = {"database", "migrations", "tasks", "worker", "scheduler", "archive"}


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
        Heartbeat.objects.create(
            process=process, host="app-1", pid=100 + number, started_at=at, beat_at=at
        )


def ready(client) -> tuple[int, dict]:
    answer = client.get("/health/ready")
    return answer.status_code, json.loads(answer.content)


def waiting_task(*, enqueued_ago, run_after=None):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="samtale.core.tasks.ping",
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


def test_it_is_not_ready_while_a_migration_is_not_applied(db, client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    # The latest of core's migrations, as if the code were newer than the database.
    (latest,) = MigrationLoader(connection).graph.leaf_nodes("core")
    MigrationRecorder(connection).migration_qs.filter(app="core", name=latest[1]).delete()
    status, answer = ready(client)
    assert status == 503
    assert answer["status"] == "fail"
    assert answer["checks"]["database"] == "ok"
    assert answer["checks"]["migrations"] == "pending"
    # The rest stand on the tables the migrations make: not asked.
    assert answer["checks"]["tasks"] == "unknown"
    assert answer["checks"]["archive"] == "unknown"


def test_the_migrations_are_read_once_they_are_all_applied(db, client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    assert ready(client)[0] == 200
    with CaptureQueriesContext(connection) as queries:
        assert ready(client)[0] == 200
    assert not [q for q in queries if "django_migrations" in q["sql"]]
    assert len(queries) == 3  # the database, the tasks and the archive


def test_it_is_not_ready_when_a_task_has_waited_too_long(db, client, settings):
    settings.SAMTALE_READY_TASK_WAIT_SECONDS = 600
    # Put off until later: not waiting yet, however long ago it was enqueued.
    waiting_task(enqueued_ago=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=5))
    assert ready(client)[0] == 200
    waiting_task(enqueued_ago=timedelta(minutes=11))
    status, answer = ready(client)
    assert status == 503
    assert answer["checks"]["tasks"] == "behind"


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

    monkeypatch.setitem(health.CHECKS, "broken", health.ReadinessCheck("broken", broken))
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert json.loads(answer.content)["checks"]["broken"] == "error"
    assert b"kommune" not in answer.content and b"srv" not in answer.content


def test_a_web_process_beats_at_most_every_interval(transactional_db, production):
    client = Client()
    assert client.get("/tilgjengelighet/").status_code == 200
    beat = Heartbeat.objects.get(process="web")
    assert (beat.host, beat.pid) == (health.HOST, os.getpid())
    with CaptureQueriesContext(connection) as queries:
        client.get("/tilgjengelighet/")
    assert not [q for q in queries if "core_heartbeat" in q["sql"]]
    # 16 seconds later by the process's own clock: beats again, on the same row.
    health._last_beat[("web", os.getpid())] = time.monotonic() - 16
    client.get("/tilgjengelighet/")
    assert Heartbeat.objects.get(process="web").beat_at > beat.beat_at


def test_the_worker_beats_between_tasks(transactional_db, production):
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,  # until no task is left: here, one round
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    assert Heartbeat.objects.filter(process="worker", pid=os.getpid()).exists()


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
    with connection.execute_wrapper(_refuse_heartbeats):
        assert not health.beat("worker")
    assert not (tmp_path / "heartbeat").exists()


def _refuse_heartbeats(execute, sql, params, many, context):
    if "core_heartbeat" in sql:
        raise OperationalError("the connection is closed")
    return execute(sql, params, many, context)


def test_the_heartbeats_of_processes_gone_a_day_are_deleted(db):
    alive("worker", ago=timedelta(hours=25))
    alive("scheduler", ago=timedelta(hours=23))
    assert health.heartbeats_prune() == 1
    assert list(Heartbeat.objects.values_list("process", flat=True)) == ["scheduler"]


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
    job = schedule.Periodic(name="samtale.core.tasks.ping", task=ping, every=timedelta(hours=1))
    monkeypatch.setattr(schedule, "JOBS", {job.name: job})
    release = _a_real_database_fault()
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        release()  # the database answers again meanwhile

    started = []
    try:
        with caplog.at_level(logging.WARNING, logger="samtale.core.schedule"):
            schedule.run(interval=30, started=started.append, rounds=2, sleep=sleep)
    finally:
        if not slept:
            release()  # never reached the retry: let the database go all the same
    warnings = [r.getMessage() for r in caplog.records if r.name == "samtale.core.schedule"]
    assert len(warnings) == 1
    assert warnings[0].startswith("The database is not answering (")
    assert slept == [schedule.RETRY_SECONDS]
    assert started == [job]
    assert JobRun.objects.get(name=job.name).last_run_at is not None
    assert Heartbeat.objects.filter(process="scheduler").exists()
