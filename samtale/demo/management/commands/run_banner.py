"""`make run`'s last words: the address and the demo logins, once the app is up.

The web server, the worker and the scheduler print their start-up lines, and the first
run's e-mails one line each; whatever was printed before them scrolls away. So this waits
until the app answers and the worker has nothing left to do, then prints what a person
needs to start, last.
"""

import os
import socket
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from samtale import tenancy
from samtale.core.models import ProcessBeat
from samtale.demo import org as org_demo
from samtale.demo.management.commands.demo_data import login_lines
from samtale.tenancy.commands import TenantAware

RULE = "─" * 72
# Seconds: a scheduler beat this much before the banner started counts as this run's.
STARTED_WITHIN = 10


def answers(url: str) -> bool:
    """Whether something listens at the URL's host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=1):
            return True
    except OSError:
        return False


def queue_busy() -> bool:
    """Whether the worker has tasks due or running in any tenant (the first run's e-mails)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    try:
        for tenant in tenancy.every_tenant():
            with tenancy.activated(tenant):
                if (DBTaskResult.objects.ready() | DBTaskResult.objects.running()).exists():
                    return True
    except DatabaseError:
        return False
    return False


def scheduler_ticked(*, since: datetime) -> bool:
    """Whether a scheduler has beaten since `since`: it beats after its first round, when
    the jobs that round started are in the queue (work.schedule.run)."""
    try:
        return ProcessBeat.objects.filter(process="scheduler", beat_at__gte=since).exists()
    except DatabaseError:
        return False


def writes_mail_to_files() -> bool:
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND", "")
    return backend.endswith("FileMailBackend")


class Command(TenantAware, BaseCommand):
    help = (
        "Wait until the app answers at --url and the worker is idle, then print the "
        "address and the demo logins (make run prints them last, so they stay in sight)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="Where the app is served.")
        parser.add_argument(
            "--wait", type=float, default=60.0, help="Seconds to wait at most (default 60)."
        )

    def handle(self, *args, url: str, wait: float, **options):
        url = url.rstrip("/") + "/"
        # The scheduler is started with this command: a beat since shortly before is its.
        since = timezone.now() - timedelta(seconds=STARTED_WITHIN)
        deadline = time.monotonic() + wait
        while not answers(url) and time.monotonic() < deadline:
            time.sleep(0.5)
        # Let the scheduler's first jobs reach the queue (`make run` starts it at a lower
        # priority than the web server, so it may come after the first page), then wait for
        # two quiet looks.
        time.sleep(1.5)
        while (
            settings.SAMTALE_HEARTBEAT_SECONDS
            and not scheduler_ticked(since=since)
            and time.monotonic() < deadline
        ):
            time.sleep(0.5)
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            quiet = 0 if queue_busy() else quiet + 1
            time.sleep(1)
        self.stdout.write("\n".join(self.lines(url)))

    def lines(self, url: str) -> list[str]:
        """One block per municipality (tenant): its address, then its logins."""
        lines = [RULE]
        for tenant in tenancy.every_tenant():
            lines += self.block(tenant, tenant.url.rstrip("/") + "/")
            lines.append("")
        if settings.SAMTALE_OPERATOR_HOSTS:
            port = urlsplit(url).port
            address = f"http://{settings.SAMTALE_OPERATOR_HOSTS[0]}:{port}/"
            lines += [
                f"Drift (alle kommunene, ikke innholdet): {address}  (drift / passordet over)",
                "",
            ]
        lines.append("Ctrl+C stopper appen, arbeideren og planleggeren.")
        if writes_mail_to_files():
            folder = os.path.relpath(settings.DEV_MAIL_DIR)
            lines.append(
                f"E-post sendes ikke: hver e-post skrives til {folder}/ (en mappe per kommune) "
                "og vises på …/utvikling/epost/ (logg inn som administrator)."
            )
        lines.append(RULE)
        return lines

    def block(self, tenant, url: str) -> list[str]:
        name = tenant.name or "Samtale"
        also = [
            f"http://{host}:{urlsplit(url).port}/"
            for host in tenant.hosts
            if host.endswith(".localhost") and host != urlsplit(url).hostname
        ]
        head = f"{name}: {url}" + (f"  (også {', '.join(also)})" if also else "")
        with tenancy.activated(tenant):
            org_demo.use(tenant.slug if tenant.slug in org_demo.PROFILES else "fjordvik")
            logins = org_demo.logins()
        lines = [head]
        if logins:
            lines += login_lines(logins, os.environ.get("SAMTALE_DEMO_PASSWORD", ""))
        return lines
