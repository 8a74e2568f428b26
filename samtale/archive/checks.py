"""Deployment checks of the archive's settings, run by `manage.py check --deploy`."""

from django.core.checks import Tags, Warning, register

from samtale import tenancy
from samtale.tenancy import seed


@register(Tags.compatibility, deploy=True)
def organization_number_check(app_configs, **kwargs):
    """The archive creator of every package is the organization number, and it is part of
    every id Samtale gives the archive: without it no package is made and nothing is filed
    (the archive queue says so). Each tenant has its own, so each tenant served is asked,
    from what the register holds, without reaching its database; the installation's own
    tenant as the next migrate registers it (the environment's number wins over the
    register's; before the first migrate, the environment's alone). A tenant whose row in
    the register cannot be read is not served (tenancy.register logs it), nor asked."""
    tenants = seed.as_migrate_registers(tenancy.every_tenant())
    without = [
        tenant.slug
        for tenant in tenants
        if not tenancy.TenantSettings(tenant).SAMTALE_ORGANIZATION_NUMBER
    ]
    if not without:
        return []
    return [
        Warning(
            f"SAMTALE_ORGANIZATION_NUMBER is not set for {', '.join(without)}: no signed "
            "form's package is made and none is filed in the archive until it is.",
            hint="Set it to the organization's 9-digit number in the Central Coordinating "
            "Register (Enhetsregisteret): the installation's own tenant's in the environment, "
            "another's "
            "with `manage.py tenants configure`.",
            id="samtale.W005",
        )
    ]
