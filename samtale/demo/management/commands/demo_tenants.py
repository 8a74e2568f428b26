"""`make run`'s second municipality: Nordvik kommune, a tenant of its own at
nordvik.localhost, with its own demo people, rounds and conversations (demo_data
--organization nordvik). Idempotent: a second run migrates it and changes nothing else."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from samtale.core import tenancy
from samtale.tenants import services

SLUG = "nordvik"


class Command(BaseCommand):
    help = "Create the demo's second municipality (Nordvik, at nordvik.localhost) and load it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="make run's port.")

    def handle(self, *args, port: int, **options):
        url = f"http://{SLUG}.localhost:{port}"
        tenancy.forget()
        if tenancy.by_slug(SLUG) is None:
            services.tenant_create(
                slug=SLUG, name="Nordvik kommune", hosts=[f"{SLUG}.localhost"], url=url
            )
        else:
            services.tenants_migrate()
            services.tenant_set_url(SLUG, url)
        with tenancy.activated(services.tenant_get(SLUG)):
            call_command("demo_data", organization=SLUG, no_logins=True, skip_checks=True)
