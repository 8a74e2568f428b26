from django.apps import AppConfig


class CompetenceConfig(AppConfig):
    name = "samtale.competence"
    label = "competence"
