from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samtale.core import health
from samtale.tenancy.commands import TenantAware
from samtale.work import schedule


class Command(TenantAware, BaseCommand):
    help = "Start the periodic jobs (digests, invitations, reminders) when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks.")

    def handle(
        self, *args: Any, once: bool = False, interval: int = 30, verbosity: int = 1, **options: Any
    ) -> None:
        limit = settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS
        if not once and "scheduler" in settings.SAMTALE_READY_REQUIRES and interval >= limit:
            # It beats once a tick: /health/ready would take it for dead between ticks.
            raise CommandError(
                f"--interval must be below SAMTALE_HEARTBEAT_LIMIT_SECONDS ({limit})."
            )
        # -v0 (make run): the jobs it starts are not news on a laptop; failures are logged.
        self.verbosity = verbosity
        if verbosity:
            self.stdout.write(f"Scheduler: {', '.join(sorted(schedule.JOBS)) or 'no jobs'}")
        if once:
            # A tick in every tenant, as the running scheduler's; a tenant passed over ends
            # the run with an error, for cron to report, once every other one has ticked.
            passed_over = schedule.tick_every_tenant(self.said)
            health.beat("scheduler")
            if passed_over:
                raise CommandError(f"Passed over (see the log): {', '.join(passed_over)}.")
            return
        schedule.run(interval=interval, started=self.said)

    def said(self, job: schedule.Periodic) -> None:
        if self.verbosity and not job.quiet:
            self.stdout.write(f"started {job.name}")
