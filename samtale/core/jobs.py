"""Housekeeping of the background worker's own table (django-tasks-db's DBTaskResult), and
of the messages from outside set aside (core.setaside).

Every task leaves a row: an e-mail each, the outbox's sweep every minute. Without pruning
the table grows by half a million rows a year. And a task whose worker was killed stays
"running" for ever: django-tasks-db never gives it to another worker and never ends it
(the outbox reclaims its own messages; samtale.notifications.outbox).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from samtale.core.schedule import periodic

# No task of ours runs for more than minutes (the longest, the insight count, under a
# minute at 50,000 people); one still "running" after this long lost its worker.
RUNNING_AT_MOST = timedelta(hours=6)


class WorkerGone(Exception):
    """The worker that took the task stopped before it finished (killed, or its machine
    went away); nothing will finish it."""


def tidy_task_results(now: Any = None) -> tuple[int, int]:
    """End the tasks whose worker is gone, as failed, and delete finished ones older than
    TASK_RESULTS_KEEP_DAYS. Returns (ended, deleted)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    hours = RUNNING_AT_MOST.total_seconds() / 3600
    gone = WorkerGone(
        f"Still running {hours:g} hours after it started: the worker that took it stopped."
    )
    ended = 0
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - RUNNING_AT_MOST)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            result = DBTaskResult.objects.select_for_update().running().filter(pk=pk).first()
            if result is not None:  # not finished meanwhile
                result.set_failed(gone)
                ended += 1
    keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - keep).delete()
    return ended, deleted


@periodic(every=timedelta(hours=1))
@task
def tidy_tasks() -> list[int]:
    """Housekeeping of the worker's table (tidy_task_results)."""
    return list(tidy_task_results())


@periodic(every=timedelta(days=1))
@task
def prune_set_aside() -> int:
    """Forget the messages set aside longer ago than SAMTALE_SET_ASIDE_KEEP_DAYS."""
    from samtale.core.setaside import set_aside_prune

    return set_aside_prune()
