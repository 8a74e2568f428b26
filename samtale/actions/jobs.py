from datetime import time, timedelta

from django.conf import settings
from django.tasks import task

from samtale.actions.models import Action
from samtale.actions.selectors import OPEN, agreed, overdue_q, today
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
from samtale.work.schedule import periodic


@periodic(daily_at=time(7, 0))
@task
def action_digests() -> int:
    """Queue today's digests: one per person with actions due soon or overdue, and one per
    leader whose reports have overdue actions. The dedupe key makes a second run a no-op.

    Returns how many were queued.
    """
    on = today()
    horizon = on + timedelta(days=settings.ACTION_REMINDER_DAYS)
    open_ = agreed(Action.objects.all()).filter(status__literal_in=OPEN, deadline__isnull=False)
    due = open_.filter(deadline__lte=horizon)
    as_employee = due.filter(responsible__in=("employee", "both")).values_list(
        "employee", flat=True
    )
    as_leader = due.filter(responsible__in=("leader", "both")).values_list("leader", flat=True)
    leaders = open_.filter(overdue_q(on)).values_list("leader", flat=True)
    queued = 0
    for kind, ids in (
        ("action_digest", {*as_employee, *as_leader}),
        ("leader_digest", set(leaders)),
    ):
        for person in Person.objects.filter(pk__in=ids, is_active=True):
            message = email_queue(
                to=person,
                kind=kind,
                ref={"date": on.isoformat()},
                dedupe_key=f"{kind}:{person.pk}:{on.isoformat()}",
            )
            queued += message is not None
    return queued
