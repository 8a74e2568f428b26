from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The signed follow-up form as a document for the personnel file: PDF/A, a Noark 5
    package, and its delivery to the archive."""

    name = "samtale.archive"
    label = "archive"

    def ready(self):
        # Registers the employee's notice and the worker's periodic delivery, and follows
        # the signing.
        from samtale.archive import emails, jobs, receivers  # noqa: F401
