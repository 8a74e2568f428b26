from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "samtale.actions"
    label = "actions"

    def ready(self):
        # Registers the digests' e-mail builders, the daily job, what follows the
        # conversations' status and a change of line manager.
        from samtale.actions import emails, handover, jobs  # noqa: F401
