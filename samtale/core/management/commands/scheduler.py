import time

from django.core.management.base import BaseCommand

from samtale.core.schedule import JOBS, tick


class Command(BaseCommand):
    help = "Start the periodic jobs (digests, invitations, reminders) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks.")

    def handle(self, *args, once=False, interval=30, **options):
        self.stdout.write(f"Scheduler: {', '.join(sorted(JOBS)) or 'no jobs'}")
        while True:
            for job in tick():
                if not job.quiet:
                    self.stdout.write(f"started {job.name}")
            if once:
                return
            time.sleep(interval)
