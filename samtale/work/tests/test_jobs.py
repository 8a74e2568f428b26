from datetime import UTC, datetime, timedelta

import time_machine
from django_tasks_db.models import DBTaskResult

from samtale.work import jobs
from testkit.drain import task_row

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def result(status, started=None, finished=None, path="samtale.work.tasks.ping"):
    return task_row(
        status, due=NOW - timedelta(days=30), started=started, finished=finished, path=path
    )


def test_finished_tasks_are_deleted_after_the_days_kept(db, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    result("SUCCESSFUL", NOW - timedelta(days=15), NOW - timedelta(days=15))
    result("FAILED", NOW - timedelta(days=20), NOW - timedelta(days=20))
    recent = result("SUCCESSFUL", NOW - timedelta(days=13), NOW - timedelta(days=13))
    long_waiting = result("READY")  # never started: the worker will take it
    with time_machine.travel(NOW, tick=False):
        assert jobs.tidy_task_results() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, long_waiting.pk}  # the two older ones are gone


def test_the_housekeeping_runs_every_hour_as_a_task(db):
    from samtale.work.schedule import JOBS

    job = JOBS["samtale.work.jobs.tidy_tasks"]
    assert job.every == timedelta(hours=1)
    result("FAILED", NOW - timedelta(days=40), NOW - timedelta(days=40))
    with time_machine.travel(NOW, tick=False):
        assert jobs.tidy_tasks.call() == 1
