from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "samtale.needs"
    label = "needs"

    def ready(self):
        from samtale.needs import receivers  # noqa: F401 (follows the signing)
