from django.apps import AppConfig


class TenancyConfig(AppConfig):
    """The register of tenants (the control database), and how each request, task and command
    comes to run in one (docs/developing/decision-tenants.md)."""

    name = "samtale.tenancy"
    label = "tenancy"
