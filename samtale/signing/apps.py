from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "samtale.signing"
    label = "signing"
