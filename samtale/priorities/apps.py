from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "samtale.priorities"
    label = "priorities"
