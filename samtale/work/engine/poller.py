"""The database transport: a worker that finds due rows by asking each tenant's task table,
and runs them through the one runner (work.engine.runner) — a laptop, SQLite, a few tenants;
the test suite drains the same table in-process (testkit.drain).

Each round takes at most one row from each tenant, in that tenant, so a tenant with a
thousand e-mails waiting does not hold up another's one; a tenant whose database does not
answer is said in one line and passed over, the others go on. The poller owns its sweep:
every SAMTALE_WORK_SWEEP_SECONDS it makes ready again, in each tenant, the rows whose worker
is gone (runner.reclaim), which its next rounds then run. A database that goes away (a
PostgreSQL restart or failover) is waited for, said in the log, and the rounds go on when it
answers."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from samtale import tenancy
from samtale.core import health
from samtale.work.engine import runner

logger = logging.getLogger("samtale.work.engine")

RETRY_SECONDS = 2


class Poller:
    """Rounds over the tenants until stopped (`batch`: until a round finds nothing;
    `max_tasks`: until that many ran)."""

    def __init__(
        self,
        *,
        interval: float = 1.0,
        batch: bool = False,
        max_tasks: int | None = None,
        housekeeping: Callable[[], None] = close_old_connections,
    ) -> None:
        self.interval = interval
        self.batch = batch
        self.max_tasks = max_tasks
        self.ran = 0
        self.running = True
        self.housekeeping = housekeeping
        self._swept_at: dict[str, datetime] = {}

    def run(self) -> None:
        while self.running:
            try:
                return self._rounds()
            except DatabaseError as error:
                logger.warning(
                    "The database is not answering (%s); trying again in %s s.",
                    _first_line(error),
                    RETRY_SECONDS,
                )
                close_old_connections()
                time.sleep(RETRY_SECONDS)

    def _rounds(self) -> None:
        while self.running:
            # What a request's end does in a web process: a connection past its age, or
            # broken, is closed (this process has no requests to end).
            self.housekeeping()
            health.beat("worker")  # at most every SAMTALE_HEARTBEAT_SECONDS (and its thread's)
            ran = sum(self._one_of(tenant) for tenant in tenancy.every_tenant() if self.running)
            if self.batch and not ran:
                return
            if self.max_tasks is not None and self.ran >= self.max_tasks:
                return
            if self.running and not ran:
                time.sleep(self.interval)

    def _one_of(self, tenant: tenancy.Tenant) -> int:
        """Run one due row of the tenant's, in it (its sweep first, when due); 1 if one ran."""
        try:
            with tenancy.activated(tenant):
                self._sweep_due(tenant.slug)
                ran = next_row_run()
        except DatabaseError as error:
            logger.warning(
                "Tenant %s: the database is not answering (%s).", tenant.slug, _first_line(error)
            )
            return 0
        except Exception as error:  # noqa: BLE001 - said; the other tenants' work goes on
            # A tenant that cannot be served (its database's settings refused, its
            # configuration unreadable) stops no other.
            logger.error("Tenant %s is passed over: %s", tenant.slug, _first_line(error))
            return 0
        self.ran += ran
        return ran

    def _sweep_due(self, slug: str) -> None:
        now = timezone.now()
        last = self._swept_at.get(slug)
        if last is None or now - last >= timedelta(seconds=settings.SAMTALE_WORK_SWEEP_SECONDS):
            self._swept_at[slug] = now
            runner.reclaim(now)


def next_row_run() -> int:
    """In the active tenant: run its next due row (by priority, then age) through the runner;
    1 if one ran. A row another worker claimed first is passed for the next."""
    from django_tasks_db.models import DBTaskResult

    due = DBTaskResult.objects.ready()  # its order: priority, then when it is due
    for result_id in due.values_list("pk", flat=True)[:5]:
        if runner.run_row(str(result_id)):
            return 1
    return 0


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def drain(*, housekeeping: Callable[[], None] = lambda: None) -> int:
    """Rounds over the tenants until none has a due row; how many ran (the tests' worker)."""
    poller = Poller(interval=0, batch=True, housekeeping=housekeeping)
    poller.run()
    return poller.ran
