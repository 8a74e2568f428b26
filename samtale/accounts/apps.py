from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samtale.accounts"
    label = "accounts"

    def ready(self):
        from samtale.accounts import emails  # noqa: F401 (registers the e-mail builders)
