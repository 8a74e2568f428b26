import io
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from samtale import tenancy
from samtale.work.models import JobRun
from samtale.work.schedule import Periodic, claim

OSLO = ZoneInfo("Europe/Oslo")


def oslo(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=OSLO)


@pytest.fixture
def daily():
    return Periodic(name="test.daily", task=None, daily_at=time(7, 0))


def test_a_daily_job_is_due_at_its_local_time_once_a_day(db, daily):
    assert not claim(daily, oslo(2026, 11, 22, 6, 59))
    assert claim(daily, oslo(2026, 11, 22, 7, 0))
    assert not claim(daily, oslo(2026, 11, 22, 7, 1))
    assert not claim(daily, oslo(2026, 11, 22, 23, 59))
    assert claim(daily, oslo(2026, 11, 23, 7, 0, 30))


def test_a_daily_job_keeps_its_local_time_across_daylight_saving(db, daily):
    # Summer time ends in the night to 25 October 2026: 07:00 is 05:00 UTC before, 06:00 after.
    assert claim(daily, oslo(2026, 10, 24, 7, 0))
    assert not claim(daily, datetime(2026, 10, 25, 5, 30, tzinfo=ZoneInfo("UTC")))
    assert claim(daily, datetime(2026, 10, 25, 6, 0, tzinfo=ZoneInfo("UTC")))


def test_a_missed_daily_run_happens_when_the_scheduler_comes_back(db, daily):
    assert claim(daily, oslo(2026, 11, 22, 7, 0))
    # Down all of the 23rd until noon: the run for the 23rd still happens, once.
    assert claim(daily, oslo(2026, 11, 23, 12, 0))
    assert not claim(daily, oslo(2026, 11, 23, 12, 5))


def test_an_interval_job_runs_every_interval(db):
    job = Periodic(name="test.every", task=None, every=timedelta(minutes=15))
    start = oslo(2026, 11, 22, 9, 0)
    assert claim(job, start)
    assert not claim(job, start + timedelta(minutes=14))
    assert claim(job, start + timedelta(minutes=15))


def test_two_schedulers_claiming_at_once_start_one_run(db, daily):
    from samtale.work.models import JobRun

    now = oslo(2026, 11, 22, 7, 0)
    assert claim(daily, now)
    # A second process that read the old state before the first claimed:
    JobRun.objects.filter(name="test.daily").update(last_run_at=oslo(2026, 11, 21, 7, 0))
    run = JobRun.objects.get(name="test.daily")
    JobRun.objects.filter(pk=run.pk).update(last_run_at=now)  # the first process wins the race
    stale = run.last_run_at
    assert JobRun.objects.filter(pk=run.pk, last_run_at=stale).update(last_run_at=now) == 0


def test_the_scheduler_says_what_it_starts_but_not_the_outbox_sweep_every_minute(db):
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 11, 24, 8, 0, tzinfo=UTC), tick=False):
        call_command("scheduler", "--once", stdout=out)
    said = out.getvalue()
    assert "started samtale.rounds.jobs.invite_due" in said
    assert "started samtale.notifications.tasks.outbox_sweep" not in said
    assert JobRun.objects.filter(name="samtale.notifications.tasks.outbox_sweep").exists()


def test_the_scheduler_at_verbosity_0_says_nothing_but_starts_its_jobs(db):
    out = io.StringIO()
    with time_machine.travel(datetime(2026, 11, 24, 8, 0, tzinfo=UTC), tick=False):
        call_command("scheduler", "--once", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert JobRun.objects.filter(name="samtale.rounds.jobs.invite_due").exists()


@pytest.mark.parametrize(
    "job",
    [
        Periodic(name="test.daily", task=None, daily_at=time(7, 0)),
        Periodic(name="test.every", task=None, every=timedelta(minutes=15)),
    ],
)
def test_when_a_job_falls_due_is_when_it_is_due(job):
    # Across a day, and the night summer time ends (25 October 2026).
    lasts = [None, oslo(2026, 10, 24, 7, 0), oslo(2026, 10, 24, 23, 50), oslo(2026, 10, 25, 7, 0)]
    for last in lasts:
        for minutes in range(0, 48 * 60, 25):
            now = oslo(2026, 10, 24, 0, 0) + timedelta(minutes=minutes)
            if last is not None and now < last:
                continue
            assert job.due(last, now) == (now >= job.next_at(last, now)), (last, now)


def test_the_running_scheduler_touches_a_tenant_only_when_something_of_its_is_due(
    db, monkeypatch, django_assert_num_queries
):
    from samtale.work import schedule
    from samtale.work.tasks import ping

    job = Periodic(name="samtale.work.tasks.ping", task=ping, every=timedelta(hours=1))
    monkeypatch.setattr(schedule, "JOBS", {job.name: job})
    next_at, started = {}, []
    start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    slugs = [tenant.slug for tenant in tenancy.every_tenant()]  # main, and any the session has
    with time_machine.travel(start, tick=False):
        schedule.tick_every_tenant(started.append, next_at=next_at)
        assert started == [job] * len(slugs)
        assert next_at == dict.fromkeys(slugs, start + timedelta(hours=1))
    with (
        time_machine.travel(start + timedelta(seconds=30), tick=False),
        django_assert_num_queries(0),
    ):
        schedule.tick_every_tenant(started.append, next_at=next_at)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        schedule.tick_every_tenant(started.append, next_at=next_at)
    assert started == [job] * 2 * len(slugs)
