from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samtale.core"
    label = "core"
