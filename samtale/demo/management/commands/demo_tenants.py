"""`make run`'s second municipality: Nordvik kommune, a tenant of its own at
nordvik.localhost, with its own demo people, rounds and conversations (demo_data
--organization nordvik); and an operator, "drift", for the operators' page at
drift.localhost. Idempotent: a second run migrates it and changes nothing else."""

import os

from django.conf import settings
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand

from samtale import tenancy
from samtale.demo import fiks
from samtale.operators import operators, services
from samtale.tenancy.commands import TenantAware
from samtale.tenancy.models import Operator

SLUG = "nordvik"
OPERATOR = "drift"
# Its own sender and calendar address: its invitations' organizer, where its people's
# answers go (never another municipality's mailbox); and its own (fictitious, well-formed)
# organization number, under which its archive registers each signed form.
OWN = {
    "DEFAULT_FROM_EMAIL": "Nordvik kommune <samtale@nordvik.example>",
    "SAMTALE_CALENDAR_ADDRESS": "kalender@nordvik.example",
    "SAMTALE_ORGANIZATION_NUMBER": "315987709",
    # Its accessibility statement's contact for barriers: a team's mailbox, not the sender.
    "SAMTALE_ACCESSIBILITY_CONTACT": "uu@nordvik.example",
}


def _archive() -> dict[str, str]:
    """Its archive goes the way make run's does (SAMTALE_ARCHIVE_CHANNEL): on Fiks IO, its
    own accounts, integration and keys on the simulator (demo.fiks)."""
    channel = os.environ.get("SAMTALE_ARCHIVE_CHANNEL", "").strip() or "download"
    if channel == "fiks":
        return fiks.nordvik(settings.FIKS_DIR)
    return {"SAMTALE_ARCHIVE_CHANNEL": channel}


class Command(TenantAware, BaseCommand):
    help = "Create the demo's second municipality (Nordvik, at nordvik.localhost) and load it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="make run's port.")

    def handle(self, *args, port: int, **options):
        url = f"http://{SLUG}.localhost:{port}"
        tenancy.forget()
        own = {**OWN, **_archive()}
        if tenancy.by_slug(SLUG) is None:
            services.tenant_create(
                slug=SLUG, name="Nordvik kommune", hosts=[f"{SLUG}.localhost"], url=url, config=own
            )
        else:
            _steps, release = services.tenants_migrate()
            if release.failed or release.left_behind:
                raise CommandError(f"Not every tenant is current: {release.summary()}.")
            services.tenant_set_url(SLUG, url)
            services.tenant_configure(SLUG, own)  # one made before it had to have them
        with tenancy.activated(services.tenant_get(SLUG)):
            call_command("demo_data", organization=SLUG, no_logins=True, skip_checks=True)
        # The operators' page (drift.localhost): one operator with the demo password.
        password = os.environ.get("SAMTALE_DEMO_PASSWORD", "")
        if not Operator.objects.filter(username=OPERATOR).exists() and len(password) >= 12:
            operators.operator_set(OPERATOR, password)
