"""The daily digests. Counts and a link only: no action text ever leaves the app by e-mail."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from samtale.actions import policy
from samtale.actions.models import Action
from samtale.actions.selectors import OPEN, agreed, overdue_q
from samtale.notifications.outbox import Built, builder


def responsible_for(person) -> Q:
    """The actions a person answers for: as the employee, or as the leader who holds it."""
    employee_side = Q(employee=person) & Q(
        responsible__in=(Action.Responsible.EMPLOYEE, Action.Responsible.BOTH)
    )
    leader_side = Q(leader=person) & Q(
        responsible__in=(Action.Responsible.LEADER, Action.Responsible.BOTH)
    )
    return employee_side | leader_side


@builder("action_digest")
def action_digest(message) -> Built | None:
    person = message.to
    on = date.fromisoformat(message.ref["date"])
    mine = agreed(policy.actions_visible_to(person)).filter(
        responsible_for(person), status__literal_in=OPEN
    )
    overdue = mine.filter(overdue_q(on)).count()
    soon = mine.filter(
        deadline__gte=on, deadline__lte=on + timedelta(days=settings.ACTION_REMINDER_DAYS)
    ).count()
    if not overdue and not soon:
        return None
    return Built(
        template="actions/email/digest",
        context={
            "person": person,
            "overdue": overdue,
            "soon": soon,
            "days": settings.ACTION_REMINDER_DAYS,
            "path": reverse("my_actions"),
        },
    )


@builder("leader_digest")
def leader_digest(message) -> Built | None:
    person = message.to
    on = date.fromisoformat(message.ref["date"])
    overdue = agreed(policy.actions_visible_to(person)).filter(leader=person).filter(overdue_q(on))
    count = overdue.count()
    if not count:
        return None
    people = overdue.values("employee").distinct().count()
    return Built(
        template="actions/email/leader_digest",
        context={
            "person": person,
            "overdue": count,
            "people": people,
            "path": reverse("follow_up") + "?status=overdue",
        },
    )
