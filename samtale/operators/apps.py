from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The operators' work on the register (samtale.tenancy): making, configuring, moving,
    migrating, exporting and deleting tenants, and the operators' page."""

    name = "samtale.operators"
    # The label the app had as "tenants": it names its migrations and tables everywhere.
    label = "tenants"
