from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "samtale.rounds"
    label = "rounds"

    def ready(self):
        # Registers the e-mail builders, the periodic jobs, the picker sources and what
        # follows the conversations' status.
        from samtale.rounds import emails, jobs, pickers, receivers  # noqa: F401
