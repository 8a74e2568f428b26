from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The data protection rules: retention and deletion by policy, legal holds, and each
    person's copy of everything Samtale holds about them (GDPR art. 15 and 20)."""

    name = "samtale.privacy"
    label = "privacy"

    def ready(self):
        # Registers the daily retention job and the e-mails of the copies.
        from samtale.privacy import emails, jobs  # noqa: F401
