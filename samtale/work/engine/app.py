"""The RabbitMQ transport's consuming end: Celery's one task, `run`, which hands the row its
message names to the one runner (work.engine.runner.run: the tenant activated, failing
closed; the row claimed, run and recorded), then does what the relay keeps: the row's record
of being sent forgotten, and a heavy kind's next rows of the tenant's sent. The worker's
connections to the tenant's database are closed after each message: the next may be
another tenant's."""

from typing import Any

from celery import shared_task

from samtale import tenancy
from samtale.work.engine import runner
from samtale.work.engine.broker import TASK, configured

__all__ = ["TASK", "configured", "run"]


# Shared: every app the broker module makes (one per broker and queue prefix) runs it.
@shared_task(name=TASK, ignore_result=True)  # type: ignore[untyped-decorator]  # Celery ships no types
def run(tenant: Any = None, result: Any = None) -> bool:
    """Run the task row `result` in the tenant `tenant` (its slug). True when it ran."""
    from samtale.work.engine import relay

    try:
        return runner.run(tenant, result, after=relay.after_run)
    finally:
        tenancy.connections.close_thread_connections()
