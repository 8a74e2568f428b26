"""The worker of the database transport (docs/developing/decision-work-engine.md): rounds
over every tenant's task table, each due row run in its tenant through the one runner
(work.engine.poller, work.engine.runner). It outlasts a database restart, makes ready again
the rows of a worker that was killed, and beats (core.health) from a thread of its own, so
/health/ready sees a worker that is gone or stuck."""

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samtale.tenancy.commands import TenantAware
from samtale.work.engine import poller, runner


class Command(TenantAware, BaseCommand):
    help = "Run the background worker of the database transport (every tenant's tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when no task is due."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Stop once no tenant has a task due."
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many.")

    def handle(
        self, *args: Any, interval: float, batch: bool, max_tasks: int | None, **options: Any
    ) -> None:
        worker = poller.Poller(interval=interval, batch=batch, max_tasks=max_tasks)

        def stop(signum: int, frame: Any) -> None:
            # The task running finishes; then the worker stops (a second signal: at once).
            worker.running = False
            signal.signal(signum, signal.SIG_DFL)

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        runner.beating()
        worker.run()
