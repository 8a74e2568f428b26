from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "samtale.insight"
    label = "insight"

    def ready(self):
        # Registers the periodic count of the organization's figures, and follows rounds.
        from samtale.insight import jobs, receivers  # noqa: F401
