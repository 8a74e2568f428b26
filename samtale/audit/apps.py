from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samtale.audit"
    label = "audit"

    def ready(self):
        from samtale.audit import pickers  # noqa: F401 (registers the picker source)
