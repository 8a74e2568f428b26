from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "samtale.insight"
    label = "insight"

    def ready(self):
        # Registers the periodic count of the organization's figures.
        from samtale.insight import jobs  # noqa: F401
