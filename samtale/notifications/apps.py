from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samtale.notifications"
    label = "notifications"

    def ready(self):
        # Registers the outbox's sweep with the scheduler, the outbox's figures in /metrics,
        # and the mail's checks in each tenant's health.
        from samtale.notifications import health, metrics, tasks  # noqa: F401
