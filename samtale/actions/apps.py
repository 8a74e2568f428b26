from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "samtale.actions"
    label = "actions"
