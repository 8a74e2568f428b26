"""Housekeeping of the background worker's own table (django-tasks-db's DBTaskResult), and
of the messages from outside set aside (core.setaside).

Every task leaves a row: an e-mail each, the outbox's sweep every minute. Without pruning
the table grows by half a million rows a year. (A task whose worker was killed is given
again by the transport's sweep: work.engine.runner.reclaim.)
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from samtale.work.schedule import periodic


def tidy_task_results(now: Any = None) -> int:
    """Delete finished tasks older than TASK_RESULTS_KEEP_DAYS; how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - keep).delete()
    return deleted


@periodic(every=timedelta(hours=1))
@task
def tidy_tasks() -> int:
    """Housekeeping of the worker's table (tidy_task_results)."""
    return tidy_task_results()


@periodic(every=timedelta(days=1))
@task
def prune_set_aside() -> int:
    """Forget the messages set aside longer ago than SAMTALE_SET_ASIDE_KEEP_DAYS."""
    from samtale.core.setaside import set_aside_prune

    return set_aside_prune()
