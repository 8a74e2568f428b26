from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "samtale.rounds"
    label = "rounds"

    def ready(self):
        # Registers the e-mail builders, the periodic jobs and the picker sources.
        from samtale.rounds import emails, jobs, pickers  # noqa: F401
