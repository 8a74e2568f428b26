from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "samtale.rounds"
    label = "rounds"

    def ready(self):
        # Registers the e-mail builders and the periodic jobs.
        from samtale.rounds import emails, jobs  # noqa: F401
