from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "samtale.org"
    label = "org"

    def ready(self):
        from samtale.org import emails  # noqa: F401 (registers the e-mail builders)
