from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "samtale.guides"
    label = "guides"
