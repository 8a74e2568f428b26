"""The one runner (work.engine.runner): a row is claimed by exactly one caller, its result or
failure recorded; a row whose worker is gone is given again, by whichever transport's sweep
comes first, and one that lost its worker too often is ended as failed; work that names no
tenant this installation serves runs nothing."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from samtale.core import health
from samtale.core.models import ProcessBeat
from samtale.work.engine import runner
from testkit.core import outside_any_tenant
from testkit.drain import task_row

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(databases=["default", "control"])


def row(status="READY", *, started=None, workers=(), path="samtale.work.tasks.ping"):
    return task_row(
        status, due=NOW - timedelta(days=30), started=started, workers=workers, path=path
    )


def beating(worker: str, at: datetime) -> None:
    host, pid = worker.split(":")
    ProcessBeat.objects.create(process="worker", host=host, pid=int(pid), started_at=at, beat_at=at)


def test_a_row_runs_once_and_its_result_is_recorded():
    ready = row()
    assert runner.run_row(str(ready.pk))
    assert not runner.run_row(str(ready.pk))  # a second message, or a second worker
    ready.refresh_from_db()
    assert (ready.status, ready.return_value) == ("SUCCESSFUL", "pong")
    assert ready.worker_ids == [runner.worker_id()]


def test_a_failing_task_is_recorded_as_failed_with_its_traceback():
    broken = row(path="samtale.work.tasks.no_such_task")
    assert runner.run_row(str(broken.pk))
    broken.refresh_from_db()
    assert broken.status == "FAILED"
    assert "no_such_task" in broken.traceback


def test_a_claim_is_won_by_one_caller_only():
    ready = row()
    assert runner.claim(str(ready.pk)) is not None
    assert runner.claim(str(ready.pk)) is None


def test_work_naming_no_tenant_or_an_unknown_one_runs_nothing(caplog):
    ready = row()
    caplog.set_level(logging.ERROR, "samtale.work.engine")
    with outside_any_tenant():
        assert not runner.run(None, ready.pk)
        assert not runner.run("nowhere", ready.pk)
    assert DBTaskResult.objects.get(pk=ready.pk).status == "READY"
    assert "no tenant 'nowhere' is registered" in caplog.text


def test_a_row_whose_worker_stopped_beating_is_given_again_and_one_still_beating_is_not(settings):
    settings.SAMTALE_HEARTBEAT_SECONDS = 15
    settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS = 60
    beating("host-a:1", NOW - timedelta(seconds=10))
    beating("host-b:2", NOW - timedelta(minutes=5))  # killed four minutes ago
    working = row("RUNNING", started=NOW - timedelta(minutes=20), workers=["host-a:1"])
    lost = row("RUNNING", started=NOW - timedelta(minutes=20), workers=["host-b:2"])
    never_beat = row("RUNNING", started=NOW - timedelta(minutes=2), workers=["host-c:3"])
    just_taken = row("RUNNING", started=NOW - timedelta(seconds=5), workers=["host-d:4"])
    with time_machine.travel(NOW, tick=False):
        again = runner.reclaim()
    assert sorted(again) == sorted([str(lost.pk), str(never_beat.pk)])
    states = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert states[working.pk] == states[just_taken.pk] == "RUNNING"
    assert states[lost.pk] == states[never_beat.pk] == "READY"
    # Given again, it runs, once, and names both workers that took it.
    with time_machine.travel(NOW, tick=False):
        assert runner.run_row(str(lost.pk))
    lost.refresh_from_db()
    assert lost.status == "SUCCESSFUL"
    assert lost.worker_ids == ["host-b:2", runner.worker_id()]


def test_a_row_that_lost_its_worker_too_often_is_ended_as_failed(settings):
    settings.SAMTALE_HEARTBEAT_SECONDS = 15
    workers = [f"gone:{n}" for n in range(runner.MAX_RECLAIMS)]
    poison = row("RUNNING", started=NOW - timedelta(hours=1), workers=workers)
    with time_machine.travel(NOW, tick=False):
        assert runner.reclaim() == []
    poison.refresh_from_db()
    assert poison.status == "FAILED"
    assert poison.exception_class_path == "samtale.work.engine.runner.WorkerGone"


def test_without_heartbeats_a_row_counts_as_lost_only_after_hours(settings):
    settings.SAMTALE_HEARTBEAT_SECONDS = 0
    old = row("RUNNING", started=NOW - timedelta(hours=7), workers=["w:1"])
    recent = row("RUNNING", started=NOW - timedelta(hours=1), workers=["w:2"])
    with time_machine.travel(NOW, tick=False):
        assert runner.reclaim() == [str(old.pk)]
    assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"


def test_this_process_as_a_worker_is_named_as_its_heartbeat_is():
    assert runner.worker_id() == f"{health.HOST}:{__import__('os').getpid()}"[:64]
