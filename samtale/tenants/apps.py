from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """The installation's register of its tenants (the control database), and how each
    request, task and command comes to run in one (docs/developing/decision-tenants.md)."""

    name = "samtale.tenants"
    label = "tenants"

    def ready(self) -> None:
        # The register's rows, for samtale.core.tenancy (which imports no domain app).
        from samtale.core.tenancy import register
        from samtale.tenants.models import Home, Tenant

        register.read_from(
            lambda: Tenant.objects.prefetch_related("hosts"),
            lambda slug: Home.objects.filter(slug=slug).exclude(state=Home.State.ACTIVE).exists(),
        )
