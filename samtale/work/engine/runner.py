"""The one way a task row runs, whichever transport brought it (docs/developing/
decision-work-engine.md): the database transport's poller (work.engine.poller), the RabbitMQ
transport's Celery task (work.engine.app), and the test suite's drain (testkit.drain)
all call `run` or `run_row`.

- `run(slug, row)`: the tenant the work names, activated, failing closed (a tenant unknown
  or suspended runs nothing), and the row run there;
- `run_row(row)`: in the active tenant, the row claimed with a conditional UPDATE (READY to
  RUNNING, which exactly one caller wins, on SQLite as on PostgreSQL), its task called, and
  its result or failure recorded on the row, with Django's task signals;
- `reclaim()`: the rows whose worker is gone (killed, its machine away) made ready again, so
  a transport runs them; a row that lost its worker MAX_RECLAIMS times is ended as failed.

A worker is a process that runs rows: it says so by beating (core.health, process
"worker"), from a thread of its own, also while a task runs (`beating`). A row records the
worker that took it (`worker_id`: host and pid); a row whose worker has not beaten within
SAMTALE_HEARTBEAT_LIMIT_SECONDS lost it. Without heartbeats (SAMTALE_HEARTBEAT_SECONDS=0) a
row still running RUNNING_AT_MOST after it started did."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.tasks.base import TaskContext
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from samtale import tenancy
from samtale.core import health

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("samtale.work.engine")

# Without heartbeats, how long a row may run before its worker counts as gone: no task of
# ours runs for more than minutes (the longest, the insight count, under a minute at 50,000
# people).
RUNNING_AT_MOST = timedelta(hours=6)
# A row whose worker was lost this many times is ended as failed: a task that brings its
# worker down every time must not do so for ever.
MAX_RECLAIMS = 5


class Refused(Exception):
    """Work that names no tenant this installation serves."""


class WorkerGone(Exception):
    """The worker that took the task stopped before it finished (killed, or its machine
    went away), more often than a task is given again."""


def worker_id() -> str:
    """This process as a worker: its host and pid (a forked pool process is one of its own)."""
    return f"{health.HOST}:{os.getpid()}"[:64]


def tenant_named(slug: Any) -> tenancy.Tenant:
    if not slug or not isinstance(slug, str):
        raise Refused("the work names no tenant")
    tenant = tenancy.by_slug(slug)
    if tenant is None:
        raise Refused(f"no tenant {slug!r} is registered")
    if tenant.suspended:
        raise Refused(f"tenant {slug!r} is suspended")
    return tenant


def run(slug: Any, result_id: Any, *, after: Callable[[str, bool], None] | None = None) -> bool:
    """Run the row `result_id` in the tenant `slug` names. True when it ran; False, with a
    logged error, when the tenant or the row is refused, and when the row was not there to
    take (run already, taken by another worker, or not due). `after(row, ran)`: what the
    transport keeps of it, done in the tenant once the row is through."""
    try:
        its = tenant_named(slug)
        if not result_id:
            raise Refused("the work names no task")
    except Refused as error:
        logger.error("Work is refused, and nothing run: %s.", error)
        return False
    with tenancy.activated(its):
        try:
            ran = run_row(str(result_id))
        except DatabaseError as error:
            if not tenancy.refused_as_read_only(error):
                raise
            # Its database takes no writes (it is being moved): the row waits there, and
            # the register is read again, so that no more of its work is taken meanwhile.
            tenancy.forget()
            logger.warning("Tenant %s takes no writes now (being moved): its work waits.", its.slug)
            return False
        if after is not None:
            after(str(result_id), ran)
        return ran


def run_row(result_id: str) -> bool:
    """In the active tenant: claim the row and run it. False when it was not there to take."""
    row = claim(result_id)
    if row is None:
        return False
    call(row)
    return True


def claim(result_id: str) -> DBTaskResult[Any, Any] | None:
    """The row, claimed for this worker (RUNNING), by exactly one caller (a conditional
    UPDATE, not a lock). None when it is not ready and due."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.ready().filter(pk=result_id).first()
    if row is None:
        return None
    now = timezone.now()
    workers = [*row.worker_ids, worker_id()]
    won = DBTaskResult.objects.filter(
        pk=row.pk, status=TaskResultStatus.READY, worker_ids=row.worker_ids
    ).update(status=TaskResultStatus.RUNNING, started_at=now, worker_ids=workers)
    if not won:
        return None
    row.status, row.started_at, row.worker_ids = TaskResultStatus.RUNNING, now, workers
    return row


def call(row: DBTaskResult[Any, Any]) -> None:
    """Call the row's task and record what came of it on the row: its return value, or the
    failure with its traceback. Django's task signals are sent as each of its workers sends
    them (task_started, task_finished), so its log lines say the same."""
    try:
        task = row.task
        result = row.task_result
        backend = type(task.get_backend())
        task_started.send(sender=backend, task_result=result)
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = task.call(*result.args, **result.kwargs)
        # Inside the handler: a value that cannot be kept (not JSON) fails the row.
        row.set_successful(value)
        task_finished.send(sender=backend, task_result=row.task_result)
    except BaseException as error:  # noqa: BLE001 - recorded on the row, as every worker does
        row.set_failed(error)
        try:
            sender = type(row.task.get_backend())
            result = row.task_result
        except (ImportError, SuspiciousOperation):
            logger.exception("Task id=%s failed and names no task that can be loaded", row.pk)
        else:
            task_finished.send(sender=sender, task_result=result)
        if not isinstance(error, Exception):
            raise  # a process told to stop (SystemExit, KeyboardInterrupt) stops


def reclaim(now: datetime | None = None) -> list[str]:
    """In the active tenant: each running row whose worker is gone made ready again (or,
    lost MAX_RECLAIMS times, ended as failed). Returns the rows made ready."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(
        DBTaskResult.objects.running().values_list("pk", "worker_ids", "started_at")[:1000]
    )
    if not running:
        return []
    alive = _workers_alive(now)
    again: list[str] = []
    for pk, workers, started_at in running:
        last = workers[-1] if workers else ""
        if alive is None:
            gone = started_at is None or now - started_at >= RUNNING_AT_MOST
        else:
            gone = last not in alive and (started_at is None or now - started_at >= _limit())
        if not gone:
            continue
        mine = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, worker_ids=workers
        )
        if len(workers) >= MAX_RECLAIMS:
            row = mine.first()
            if row is not None:
                row.set_failed(
                    WorkerGone(
                        f"Its worker stopped before it finished, {len(workers)} times: "
                        "it is not given again."
                    )
                )
            continue
        if mine.update(status=TaskResultStatus.READY, started_at=None):
            again.append(str(pk))
            logger.warning(
                "Tenant %s: task %s is given again: its worker %s stopped before it finished.",
                tenancy.current().slug,
                pk,
                last,
            )
    return again


def _limit() -> timedelta:
    return timedelta(seconds=settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS)


def _workers_alive(now: datetime) -> set[str] | None:
    """The workers that have beaten within the limit, as `worker_id` names them; None
    without heartbeats (nothing then says a worker is alive)."""
    if not settings.SAMTALE_HEARTBEAT_SECONDS:
        return None
    from samtale.core.models import ProcessBeat

    beats = ProcessBeat.objects.filter(process="worker", beat_at__gte=now - _limit())
    return {f"{host}:{pid}"[:64] for host, pid in beats.values_list("host", "pid")}


def beating() -> None:
    """This process beats as a worker every SAMTALE_HEARTBEAT_SECONDS from a thread of its
    own, while it waits and while a task runs (a task that runs long is not a worker gone)."""
    every = settings.SAMTALE_HEARTBEAT_SECONDS
    if not every:
        return

    def beat() -> None:
        while True:
            health.beat("worker")
            time.sleep(every)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
