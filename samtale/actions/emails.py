"""The daily digests, a change of line manager, and the notices of one action to its employee.

The digests and a change of line manager carry names, counts and a link only. A notice of
one action (action_notice: the leader's reminder, comment or new deadline) names the action
by its title, as the employee asked to be told which one, and links to it; never the text of
a comment or of the conversation.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from samtale.actions import policy
from samtale.actions.models import Action, ActionUpdate
from samtale.actions.selectors import OPEN, agreed, is_overdue, overdue_q
from samtale.conversations.services import handover as conversations_handover
from samtale.notifications.outbox import Built, builder, email_queue
from samtale.org.models import LeaderChange, Person

# The outbox's kind for the notices of one action; which notice is in ref["notice"], one of
# the kinds a person turns off in their profile (conversations.notices.KINDS).
NOTICE_KIND = "action_notice"
REMINDER, COMMENT = "action_reminder", "action_comment"


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
    taken_over = []
    if role == "employee":
        path = reverse("follow_up_handover", args=[change.pk]) if asked else reverse("home")
    elif role == "new":
        # Each conversation that came, linked, with what waits for them in it.
        taken_over = conversations_handover.taken_over(leader=message.to, moved=change.moved)
        path = "" if taken_over else reverse("follow_up")
    else:
        path = reverse("home")
    return Built(
        template="actions/email/leader_changed",
        context={
            "recipient": message.to,
            "change": change,
            "role": role,
            "moved": len(change.moved),
            "taken_over": taken_over,
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


def action_notice(*, action: Action, notice: str, actor: Person, event: str, update=None) -> bool:
    """Queue one notice of an action to its employee, once per `event`, from `actor` (their
    leader): REMINDER, or COMMENT (an update of the history: a comment, a new deadline).

    False, nothing queued, when the employee is inactive or turned that notice off in their
    profile. Called inside the service's transaction: the outbox sends it after commit.
    """
    to = (
        Person.objects.filter(pk=action.employee_id, is_active=True).first()
        if action.employee_id is not None
        else None
    )
    if to is None or notice in (to.notices_off or []):
        return False
    ref = {"action": action.pk, "notice": notice, "by": actor.pk}
    if update is not None:
        ref["update"] = update.pk
    email_queue(to=to, kind=NOTICE_KIND, ref=ref, dedupe_key=f"{notice}:{action.pk}:{event}")
    return True


@builder(NOTICE_KIND)
def action_notice_mail(message) -> Built | None:
    """The notice as sent, or None (skipped) when it no longer holds: the recipient is not the
    action's employee any more, turned the notice off, or a reminded action is closed."""
    notice, person = message.ref.get("notice"), message.to
    if notice not in (REMINDER, COMMENT) or notice in (person.notices_off or []):
        return None
    action = (
        agreed(policy.actions_visible_to(person))
        .filter(pk=message.ref.get("action"), employee=person)
        .select_related("leader")
        .first()
    )
    if action is None or (notice == REMINDER and action.status not in OPEN):
        return None
    update = None
    if notice == COMMENT:
        update = (
            ActionUpdate.objects.filter(pk=message.ref.get("update"), action=action)
            .select_related("actor")
            .first()
        )
        if update is None:
            return None
    by = update.actor if update else Person.objects.filter(pk=message.ref.get("by")).first()
    return Built(
        template=f"actions/email/{notice}",
        context={
            "person": person,
            "action": action,
            "by": by or action.leader,
            "update": update,
            "overdue": is_overdue(action),
            "path": reverse("action_detail", args=[action.pk]),
            "profile_path": reverse("profile") + "#varsler",
        },
    )
