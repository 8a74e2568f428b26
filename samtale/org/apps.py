from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "samtale.org"
    label = "org"

    def ready(self):
        # Registers the e-mail builders, the picker sources and the nightly job.
        from samtale.org import emails, jobs, pickers  # noqa: F401
