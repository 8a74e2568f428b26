from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samtale.notifications"
    label = "notifications"

    def ready(self):
        # Registers the outbox's sweep with the scheduler, and the outbox's figures in /metrics.
        from samtale.notifications import metrics, tasks  # noqa: F401
