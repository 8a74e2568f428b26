"""Periodic jobs of conversations (started by `manage.py scheduler`, run by the worker).

Safe to run twice: each reminder carries a dedupe key.
"""

from datetime import time

from django.tasks import task

from samtale.conversations import notices
from samtale.work.schedule import periodic


@periodic(daily_at=time(7, 0))
@task
def remind_steps() -> int:
    """Remind each person once of a step of a conversation handed to them some days ago
    (SAMTALE_STEP_REMINDER_DAYS) that they have not taken: the summary to write, to comment
    on and approve, or to sign."""
    return notices.step_reminders_due()
