"""Deployment checks of the archive's settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def organization_number_check(app_configs, **kwargs):
    """The archive creator of every package is the organization number: without it the
    archive gets the organization's name, which differs from what it registers others by."""
    if settings.SAMTALE_ORGANIZATION_NUMBER:
        return []
    return [
        Warning(
            "SAMTALE_ORGANIZATION_NUMBER is not set: the signed forms reach the archive with "
            "the organization's name as their archive creator (arkivskaperID).",
            hint="Set it to the organization's 9-digit number in the Central Coordinating "
            "Register (Enhetsregisteret).",
            id="samtale.W005",
        )
    ]
