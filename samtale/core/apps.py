from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samtale.core"
    label = "core"

    def ready(self):
        from samtale.core import checks  # noqa: F401 - registers the deployment checks
