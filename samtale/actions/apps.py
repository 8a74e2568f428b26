from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "samtale.actions"
    label = "actions"

    def ready(self):
        # Registers the digests' e-mail builders, the daily job and what follows the
        # conversations' status.
        from samtale.actions import emails, jobs, receivers  # noqa: F401
