from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "samtale.needs"
    label = "needs"
