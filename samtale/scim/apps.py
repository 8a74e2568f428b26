from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "samtale.scim"
    label = "scim"
