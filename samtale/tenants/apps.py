from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """The installation's register of its tenants (the control database), and how each
    request, task and command comes to run in one (docs/developing/decision-tenants.md)."""

    name = "samtale.tenants"
    label = "tenants"
