from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samtale.accounts"
    label = "accounts"

    def ready(self):
        # The sign-in log, the e-mail builders, the sign-in failures in /metrics.
        from samtale.accounts import audit, emails, metrics  # noqa: F401
