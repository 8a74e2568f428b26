from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "samtale.insight"
    label = "insight"

    def ready(self):
        # Registers the periodic count of the organization's figures, follows rounds, and
        # adds its check and the latest proof to each tenant's health.
        from samtale.insight import health, jobs, receivers  # noqa: F401
