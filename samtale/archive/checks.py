"""Deployment checks of the archive's settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def organization_number_check(app_configs, **kwargs):
    """The archive creator of every package is the organization number, and it is part of
    every id Samtale gives the archive: without it no package is made and nothing is filed
    (the archive queue says so)."""
    if settings.SAMTALE_ORGANIZATION_NUMBER:
        return []
    return [
        Warning(
            "SAMTALE_ORGANIZATION_NUMBER is not set: no signed form's package is made and "
            "none is filed in the archive until it is.",
            hint="Set it to the organization's 9-digit number in the Central Coordinating "
            "Register (Enhetsregisteret).",
            id="samtale.W005",
        )
    ]
