from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "samtale.insight"
    label = "insight"
