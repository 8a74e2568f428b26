from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samtale.notifications"
    label = "notifications"

    def ready(self):
        # Registers the outbox's sweep with the scheduler.
        from samtale.notifications import tasks  # noqa: F401
