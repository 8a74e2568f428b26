from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samtale.audit"
    label = "audit"

    def ready(self):
        from samtale.audit import pickers  # noqa: F401 (registers the picker source)
        from samtale.audit.selectors import sentences_of
        from samtale.core.audit import sentences_register

        # The same words wherever entries are shown: the person's copy of their data too.
        sentences_register(sentences_of)
