from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "samtale.org"
    label = "org"

    def ready(self):
        # Registers the e-mail builders and the picker sources.
        from samtale.org import emails, pickers  # noqa: F401
