"""The daily digests, and a change of line manager. Names, counts and a link only: no action
text ever leaves the app by e-mail."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from samtale.actions import policy
from samtale.actions.models import Action, ActionUpdate
from samtale.actions.selectors import OPEN, agreed, overdue_q
from samtale.notifications.outbox import Built, builder
from samtale.org.models import LeaderChange


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


@builder("leader_changed")
def leader_changed(message) -> Built | None:
    """To the person, their earlier and their new line manager: who leads whom now, how many
    conversations moved, and whether the follow-up waits for the person. Names and counts."""
    change = (
        LeaderChange.objects.select_related("person", "old_manager", "new_manager")
        .filter(pk=message.ref.get("change"))
        .first()
    )
    if change is None:
        return None
    role = {
        change.person_id: "employee",
        change.old_manager_id: "old",
        change.new_manager_id: "new",
    }.get(message.to_id)
    if role is None:
        return None
    asked = change.follow_up == LeaderChange.FollowUp.ASKED
    if role == "employee":
        path = reverse("follow_up_handover", args=[change.pk]) if asked else reverse("home")
    else:
        path = reverse("follow_up") if role == "new" else reverse("home")
    return Built(
        template="actions/email/leader_changed",
        context={
            "recipient": message.to,
            "change": change,
            "role": role,
            "moved": len(change.moved),
            "asked": asked,
            "path": path,
        },
    )


@builder("follow_up_passed")
def follow_up_passed(message) -> Built | None:
    """To the new line manager: the person passed their follow-up on (how many actions)."""
    change = (
        LeaderChange.objects.select_related("person")
        .filter(pk=message.ref.get("change"), new_manager=message.to)
        .first()
    )
    if change is None:
        return None
    count = ActionUpdate.objects.filter(
        actor_id=change.person_id, leader_to=message.to, at__gte=change.at
    ).count()
    shared = change.person.conversations.filter(
        summary_shares__reader=message.to, summary_shares__shared_at__gte=change.at
    ).exists()
    return Built(
        template="actions/email/follow_up_passed",
        context={
            "recipient": message.to,
            "change": change,
            "count": count,
            "shared": shared,
            "path": reverse("follow_up"),
        },
    )
