from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "samtale.actions"
    label = "actions"

    def ready(self):
        # Registers the digests' e-mail builders and the daily job.
        from samtale.actions import emails, jobs  # noqa: F401
