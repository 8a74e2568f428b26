"""Periodic jobs: the registry and the scheduler's tick (the task queue's plumbing).

A job is a task (django.tasks) registered with `@periodic(...)` in the app that owns it (its
`jobs` module, loaded by the app's ready()): the registry lives here, at the bottom, the
jobs above it. The scheduler (`manage.py scheduler`) only decides that a job is due and
enqueues it; the worker runs it. Every job is safe to run twice: what it sends is
deduplicated.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from samtale.core.models import JobRun


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django.tasks Task
    daily_at: time | None = None  # local time, Europe/Oslo
    every: timedelta | None = None
    # Not said in the scheduler's output each time it starts (a sweep every minute would
    # push all else out of sight).
    quiet: bool = False

    def due(self, last: datetime | None, now: datetime) -> bool:
        if self.every is not None:
            return last is None or now - last >= self.every
        local = timezone.localtime(now)
        today_at = timezone.make_aware(datetime.combine(local.date(), self.daily_at))
        return now >= today_at and (last is None or last < today_at)


JOBS: dict[str, Periodic] = {}


def periodic(
    *, daily_at: time | None = None, every: timedelta | None = None, quiet: bool = False
) -> Callable:
    """Register a task to run every day at a local time, or at a fixed interval."""

    def register(task):
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


def _run(name: str):
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
