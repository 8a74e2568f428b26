from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """The operators' work on the register (samtale.tenancy): making, configuring, moving,
    migrating, exporting and deleting tenants, and the operators' page."""

    name = "samtale.tenants"
    label = "tenants"
