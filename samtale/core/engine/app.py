"""The Celery application and its one task, `run`: the row a message names, in the tenant it
names, exactly as the database worker (`manage.py worker`) would run it.

Fail closed: a message without a tenant, or naming one that is not registered or is
suspended, is refused with a logged error and runs nothing (a suspended tenant's rows wait
in its table; the sweep sends them again once it is served). A row is claimed with a
conditional UPDATE (READY to RUNNING) that exactly one caller wins, so a message sent twice,
or delivered again after a worker died, never runs a task twice. The worker's connections to
the tenant's database are closed after each task: the next may be another tenant's."""

import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from samtale.core import tenancy
from samtale.core.engine import kinds
from samtale.core.engine.broker import TASK, app, configured

if TYPE_CHECKING:
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

__all__ = ["TASK", "WORKER_ID", "app", "configured", "run"]

logger = logging.getLogger("samtale.core.engine")

WORKER_ID = f"engine:{socket.gethostname()}:{os.getpid()}"[:64]


class Refused(Exception):
    """A message that names no tenant this installation serves."""


def tenant_named(slug: Any) -> tenancy.Tenant:
    if not slug or not isinstance(slug, str):
        raise Refused("the message names no tenant")
    tenant = tenancy.by_slug(slug)
    if tenant is None:
        raise Refused(f"no tenant {slug!r} is registered")
    if tenant.suspended:
        raise Refused(f"tenant {slug!r} is suspended")
    return tenant


@app.task(name=TASK, ignore_result=True)  # type: ignore[untyped-decorator]  # Celery ships no types
def run(tenant: Any = None, result: Any = None) -> bool:
    """Run the task row `result` in the tenant `tenant` (its slug). True when it ran."""
    try:
        its = tenant_named(tenant)
        if not result:
            raise Refused("the message names no task")
    except Refused as error:
        logger.error("A message is refused, and nothing run: %s.", error)
        return False
    with tenancy.activated(its):
        try:
            return execute(str(result))
        finally:
            tenancy.connections.close_thread_connections()


def execute(result_id: str) -> bool:
    """Claim the row and run it, in the active tenant; then send this tenant's next rows of
    the kind when it is a heavy one. False when the row was not there to take (run already,
    taken by another worker, or not due)."""
    from samtale.core.engine import relay

    row = claim(result_id)
    if row is None:
        relay.dispatch_done(result_id, again_when_due=True)
        return False
    runner().run_task(row)
    relay.dispatch_done(result_id)
    kind = kinds.kind_of(row.task_path)
    if kind in kinds.HEAVY:
        relay.relay_next(kind)
    return True


def claim(result_id: str) -> "DBTaskResult[Any, Any] | None":
    """The row, claimed for this worker (RUNNING): by exactly one caller, on every database
    (a conditional UPDATE, not a lock). None when it is not ready and due."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.ready().filter(pk=result_id).first()
    if row is None:
        return None
    now = timezone.now()
    workers = [*row.worker_ids, WORKER_ID]
    won = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.READY).update(
        status=TaskResultStatus.RUNNING, started_at=now, worker_ids=workers
    )
    if not won:
        return None
    row.status, row.started_at, row.worker_ids = TaskResultStatus.RUNNING, now, workers
    return row


_runner: dict[str, Any] = {}


def runner() -> "Worker":
    """django-tasks-db's worker, for its run_task: the task called, its result or failure
    recorded on the row, the signals sent, as the database worker does."""
    if "worker" not in _runner:
        from django_tasks_db.management.commands.db_worker import Worker

        _runner["worker"] = Worker(
            queue_names=["*"],
            interval=0,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=WORKER_ID,
            excluded_queue_names=[],
        )
    worker: Worker = _runner["worker"]
    return worker
