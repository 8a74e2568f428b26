from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "samtale.org"
    label = "org"
