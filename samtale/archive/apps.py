from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The signed follow-up form as a document for the personnel file: PDF/A, a Noark 5
    package, and its delivery to the archive."""

    name = "samtale.archive"
    label = "archive"

    def ready(self):
        # Registers the employee's notice, the worker's periodic delivery, the deployment
        # check of the archive's settings and the readiness check of its deliveries (for
        # /health/ready) and its figures in /metrics, and follows the signing.
        from samtale.archive import checks, emails, health, jobs, metrics  # noqa: F401
