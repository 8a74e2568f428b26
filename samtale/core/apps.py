from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CoreConfig(AppConfig):
    name = "samtale.core"
    label = "core"

    def ready(self) -> None:
        from django.db.models import fields

        from samtale.core import (
            checks,  # noqa: F401 - registers the deployment checks
            queries,  # noqa: F401 - registers the literal_in lookup
        )

        # Django 6.1's first option of a required select has no bokmål or nynorsk in
        # Django's catalogue; as our own text it is extracted into ours and translated there.
        fields.BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")
