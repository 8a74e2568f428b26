from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "samtale.notifications"
    label = "notifications"
