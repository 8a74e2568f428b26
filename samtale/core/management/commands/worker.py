"""The background worker: django-tasks-db's `db_worker`, kept running while the database
is away.

`db_worker` exits on any database error but a locked SQLite file, so a PostgreSQL restart
or failover would stop e-mail and every other background task until someone started it
again. This worker waits and tries again instead (every RETRY_SECONDS, saying so in the
log), and takes up its work when the database answers. A task that was running when the
database went away is not taken up again by django-tasks-db; the e-mail outbox reclaims
its messages itself (samtale.notifications.outbox). Same options as `db_worker`.

It beats (core.health) between tasks, so /health/ready sees a worker that is gone or stuck.

One worker serves every tenant (core.tenancy): each round it takes at most one task from
each tenant's queue, in that tenant, so a tenant with a thousand e-mails waiting does not
hold up another's one. A tenant whose database does not answer is said in one line and
passed over; the others go on.
"""

import logging
import time
from typing import Any

from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from samtale.core import health, tenancy
from samtale.core.commands import TenantAware

logger = logging.getLogger("django_tasks_db")

RETRY_SECONDS = 2


class Worker(db_worker.Worker):
    # db_worker's loop asks `self.running` at the top of each round (`while self.running:`),
    # after a task and after each wait for one: the heartbeat rides on that question, and is
    # written at most every SAMTALE_HEARTBEAT_SECONDS. Not while a task runs (the signal
    # handler asks too), so a task that runs longer than SAMTALE_HEARTBEAT_LIMIT_SECONDS
    # shows as a worker that stopped.
    @property
    def running(self) -> bool:
        if self._running and not getattr(self, "running_task", False):
            health.beat("worker")
        return self._running

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value

    def run(self) -> None:
        while True:
            try:
                return self._rounds()
            except DatabaseError as error:
                if not self._running:
                    raise
                logger.warning(
                    "The database is not answering (%s); trying again in %s s.",
                    _first_line(error),
                    RETRY_SECONDS,
                )
                close_old_connections()
                time.sleep(RETRY_SECONDS)

    def _rounds(self) -> None:
        """db_worker's loop, over the tenants: a round takes one task of each (--batch: until
        a round finds none; --max-tasks: until that many ran)."""
        while self.running:
            close_old_connections()
            ran = 0
            for tenant in tenancy.every_tenant():
                if not self._running:
                    break
                ran += self._one_of(tenant)
            if self.batch and not ran:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self._running and not ran:
                time.sleep(self.interval)

    def _one_of(self, tenant: Any) -> int:
        """Run one due task of the tenant's, in it; 1 if there was one."""
        try:
            with tenancy.activated(tenant):
                task = self._claim()
                if task is not None:
                    self.run_task(task)
                return int(task is not None)
        except DatabaseError as error:
            logger.warning(
                "Tenant %s: the database is not answering (%s).", tenant.slug, _first_line(error)
            )
            return 0
        except Exception as error:  # noqa: BLE001 - said; the other tenants' work goes on
            # A tenant that cannot be served (its database's settings refused, its
            # configuration unreadable) stops no other, the home tenant as any other.
            logger.error("Tenant %s is passed over: %s", tenant.slug, _first_line(error))
            return 0

    def _claim(self) -> DBTaskResult[Any, Any] | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task = tasks.get_locked()
            except DatabaseError as error:
                # It reads only the error's args, whatever the kind of DatabaseError.
                if is_locked_database_exception(error):  # type: ignore[arg-type]  # annotated for OperationalError alone
                    return None
                raise
            if task is not None:
                task.claim(self.worker_id)  # no other worker takes it
        return task


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class Command(TenantAware, db_worker.Command):
    help = "Run the background worker (db_worker that outlasts a database restart)."

    def handle(self, *args: Any, **options: Any) -> None:
        # db_worker.Command.handle builds its worker from the module's Worker class.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]  # the stubs' class is Django's module attribute, replaced here on purpose
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]  # as above
