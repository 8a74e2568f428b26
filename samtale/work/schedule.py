"""Periodic jobs: the registry and the scheduler's tick (the task queue's plumbing).

A job is a task (django.tasks) registered with `@periodic(...)` in the app that owns it (its
`jobs` module, loaded by the app's ready()): the registry lives here, at the bottom, the
jobs above it. The scheduler (`manage.py scheduler`) only decides that a job is due and
enqueues it; the worker runs it. Every job is safe to run twice: what it sends is
deduplicated.

The scheduler's loop (`run`) outlasts the database: a PostgreSQL restart ("the connection
is closed") or a SQLite file locked past its busy timeout is said in one line, the
connection dropped, and the next tick tried a few seconds later. Before, the first such
error ended the process, and every periodic job stopped without a word. It beats after
each tick (core.health), so /health/ready sees a scheduler that is gone or stuck.

Each tick is one in every tenant (tenancy), each in its own database; the running
scheduler keeps when each tenant's next job falls due, and touches a tenant only when one
is (or its health record), so a tick of every tenant a second costs queries only where there
is work. What runs the jobs it enqueues, and sweeps for work lost on the way, is the
transport's (work.engine): the scheduler does not ask which one runs.
"""

import contextlib
import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from samtale import tenancy
from samtale.core import health
from samtale.work.models import JobRun

logger = logging.getLogger(__name__)

# Seconds before the next try after a database error.
RETRY_SECONDS = 5


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Any  # a django.tasks Task
    daily_at: time | None = None  # local time, Europe/Oslo
    every: timedelta | None = None
    # Not said in the scheduler's output each time it starts (a sweep every minute would
    # push all else out of sight).
    quiet: bool = False

    def due(self, last: datetime | None, now: datetime) -> bool:
        if self.every is not None:
            return last is None or now - last >= self.every
        assert self.daily_at is not None  # every job has one of the two (periodic)
        local = timezone.localtime(now)
        today_at = timezone.make_aware(datetime.combine(local.date(), self.daily_at))
        return now >= today_at and (last is None or last < today_at)

    def next_at(self, last: datetime | None, now: datetime) -> datetime:
        """When it falls due, as of `now` (`now` or earlier: due): `due` is `now >= next_at`."""
        if self.every is not None:
            return now if last is None else last + self.every
        assert self.daily_at is not None  # every job has one of the two (periodic)
        local = timezone.localtime(now)
        today_at = timezone.make_aware(datetime.combine(local.date(), self.daily_at))
        if last is None or last < today_at:
            return today_at
        tomorrow = local.date() + timedelta(days=1)
        return timezone.make_aware(datetime.combine(tomorrow, self.daily_at))


JOBS: dict[str, Periodic] = {}


def periodic(
    *, daily_at: time | None = None, every: timedelta | None = None, quiet: bool = False
) -> Callable[..., Any]:
    """Register a task to run every day at a local time, or at a fixed interval."""

    def register(task: Any) -> Any:
        name = task.module_path
        JOBS[name] = Periodic(name=name, task=task, daily_at=daily_at, every=every, quiet=quiet)
        return task

    return register


def claim(job: Periodic, now: datetime) -> bool:
    """True for exactly one caller when the job is due."""
    run, created = _run(job.name)
    if not job.due(run.last_run_at, now):
        return False
    return bool(
        JobRun.objects.filter(pk=run.pk, last_run_at=run.last_run_at).update(last_run_at=now)
        if run.last_run_at is not None
        else JobRun.objects.filter(pk=run.pk, last_run_at__isnull=True).update(last_run_at=now)
    )


def _run(name: str) -> tuple[JobRun, bool]:
    try:
        with transaction.atomic():
            return JobRun.objects.get_or_create(name=name)
    except IntegrityError:
        return JobRun.objects.get(name=name), False


def tick(now: datetime | None = None) -> list[Periodic]:
    """Enqueue every job that is due; return them."""
    now = now or timezone.now()
    started = []
    for job in JOBS.values():
        if claim(job, now):
            job.task.enqueue()
            started.append(job)
    return started


def next_due(now: datetime) -> datetime:
    """When the active tenant's next job falls due (one query)."""
    last = dict(JobRun.objects.filter(name__in=list(JOBS)).values_list("name", "last_run_at"))
    times = (job.next_at(last.get(name), now) for name, job in JOBS.items())
    return min(times, default=now + HEALTH_EVERY)


def tick_every_tenant(
    started: Callable[[Periodic], None] = lambda job: None, *, next_at: dict[str, Any] | None = None
) -> list[str]:
    """A tick in each tenant, in it: its jobs claimed in its own database and enqueued in its
    own queue. A tenant whose database does not answer is said and passed over, the home
    tenant as any other: one tenant's database away, or refused, stops no other's jobs.
    Returns the tenants passed over.

    `next_at` (the running scheduler's: slug -> when that tenant's next job falls due, as
    last read): a tenant none of whose jobs or health record is due is not touched;
    a tick of 357 tenants a second is then a few queries a second, not 357."""
    passed_over = []
    for tenant in tenancy.every_tenant():
        now = timezone.now()
        if next_at is not None and not _touch_due(tenant.slug, next_at.get(tenant.slug), now):
            continue
        try:
            with tenancy.activated(tenant):
                # First, so that a tenant whose database is away is recorded as such.
                _health_record_due(tenant.slug)
                for job in tick(now):
                    started(job)
                if next_at is not None:
                    next_at[tenant.slug] = next_due(now)
        except Exception as error:  # noqa: BLE001 - said, and the next tenant's tick goes on
            logger.warning("Tenant %s is passed over (%s).", tenant.slug, _first_line(error))
            passed_over.append(tenant.slug)
    return passed_over


def _touch_due(slug: str, next_at: datetime | None, now: datetime) -> bool:
    """Whether the tenant has anything due: a job (or none read yet), or its health record."""
    checked = _health_at.get(slug)
    return next_at is None or now >= next_at or checked is None or now - checked >= HEALTH_EVERY


# How often each tenant's health is asked and kept (core.health.tenant_health_record), and
# when this process last did, by tenant.
HEALTH_EVERY = timedelta(minutes=1)
_health_at: dict[str, datetime] = {}


def _health_record_due(slug: str) -> None:
    """The tenant's health, asked and kept every HEALTH_EVERY; a failure to keep it (the
    control database away) is said and stops no job of the tenant's."""
    now = timezone.now()
    last = _health_at.get(slug)
    if last is None or now - last >= HEALTH_EVERY:
        _health_at[slug] = now
        try:
            health.tenant_health_record(now)
        except DatabaseError as error:
            logger.warning("Tenant %s's health is not kept (%s).", slug, _first_line(error))


def run(
    *,
    interval: float,
    started: Callable[[Periodic], None] = lambda job: None,
    rounds: int | None = None,
    sleep: Callable[[float], None] = clock.sleep,
) -> None:
    """The scheduler: tick every `interval` seconds, for ever (or `rounds` ticks, for the
    tests), telling `started` of each job it starts. A database error is said, the
    connection dropped and the tick tried again RETRY_SECONDS later."""
    done = 0
    next_at: dict[str, datetime] = {}  # by tenant: when its next job falls due, as last read
    while rounds is None or done < rounds:
        done += 1
        # What a request's end does in a web process: a connection past DB_CONN_MAX_AGE
        # is closed (this process has no requests to end).
        close_old_connections()
        try:
            tick_every_tenant(started, next_at=next_at)
            if health.beat("scheduler"):
                health.heartbeats_prune()
        except DatabaseError as error:
            logger.warning(
                "The database is not answering (%s); trying again in %s s.",
                _first_line(error),
                RETRY_SECONDS,
            )
            _drop_connection()
            sleep(RETRY_SECONDS)
            continue
        if rounds is None or done < rounds:
            sleep(interval)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _drop_connection() -> None:
    """Close the connection, whatever state it is in: the next query opens a new one.
    (close_old_connections keeps a connection that says it is usable, and a SQLite file's
    always says so, even closed underneath.)"""
    with contextlib.suppress(DatabaseError):
        connection.close()
