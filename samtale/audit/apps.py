from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "samtale.audit"
    label = "audit"
