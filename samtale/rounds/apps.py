from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "samtale.rounds"
    label = "rounds"

    def ready(self):
        # Registers the e-mail builders, the periodic jobs, the picker sources, what follows
        # the conversations' status and what follows a change of line manager.
        from samtale.rounds import emails, handover, jobs, pickers, receivers  # noqa: F401
