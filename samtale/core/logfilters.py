"""Logging filters named in settings.LOGGING."""

import logging


class QuietTaskProgress(logging.Filter):
    """Leaves out the task framework's progress lines ("state=RUNNING", "state=SUCCESSFUL"):
    two a task, so on a laptop a sent e-mail would take three lines instead of one.
    Warnings and failed tasks (logged as errors) pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.tasks" and record.levelno < logging.WARNING)
