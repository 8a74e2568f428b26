from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samtale.accounts"
    label = "accounts"
