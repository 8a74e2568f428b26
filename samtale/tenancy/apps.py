from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    """The register of tenants (the control database), and how each request, task and command
    comes to run in one (docs/developing/decision-tenants.md)."""

    name = "samtale.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from samtale.tenancy.seed import seeded_at_migrate

        # The installation's own tenant registered from the environment (tenancy.seed).
        post_migrate.connect(seeded_at_migrate, sender=self, dispatch_uid="tenancy.seed")
