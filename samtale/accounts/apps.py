from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samtale.accounts"
    label = "accounts"

    def ready(self):
        from samtale.accounts import audit, emails  # noqa: F401 (the sign-in log, the e-mail builders)
