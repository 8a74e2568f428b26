"""What the home page reads about a change of line manager, which no one domain owns: org
records the change (LeaderChange), conversations moves what was not yet held, and actions
asks the employee about their follow-up. The new leader is told what came to them, and
the employee where their conversation went, for HANDOVER_DAYS days after the change.

Names, times and counts only: the new leader reads no note, and no action until the
employee passes it on."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, QuerySet
from django.utils import timezone

from samtale.actions import handover as actions_handover
from samtale.conversations import policy as conversations_policy
from samtale.conversations.services.handover import NOT_HELD
from samtale.org import policy as org_policy
from samtale.org import selectors as org_selectors
from samtale.org.models import LeaderChange

# How long a change of line manager is news on the home pages.
HANDOVER_DAYS = 14


def handover_since() -> datetime:
    return timezone.now() - timedelta(days=HANDOVER_DAYS)


def taken_over(user: Any) -> QuerySet[LeaderChange]:
    """The changes of line manager in the last HANDOVER_DAYS days that brought to `user`
    people they still lead."""
    reports = org_selectors.direct_reports(people=org_policy.people_visible_to(user), leader=user)
    return LeaderChange.objects.filter(
        new_manager_id=user.pk, at__gte=handover_since(), person__in=reports
    )


def moved_from_me(user: Any) -> QuerySet[LeaderChange]:
    """The person's own changes of line manager in the last HANDOVER_DAYS days."""
    return LeaderChange.objects.filter(person_id=user.pk, at__gte=handover_since())


def handover_annotations(user: Any, *, leader: bool) -> dict[str, Any]:
    """Whether either card has anything to say, read with the person (home's one query
    for them): the details are asked for only when it does."""
    found = {"moved_recently": Exists(moved_from_me(user))}
    if leader:
        found["taken_over_recently"] = Exists(taken_over(user))
    return found


def handed_over(user: Any) -> list[dict[str, Any]]:
    """For the new leader: each person who came to them, newest first, with whom they came
    from and when, the conversations that moved with them and are still to be held (each
    with its time, or none yet), and where their follow-up stands (how many open actions
    wait for the employee's word: a count, never the texts)."""
    changes = list(taken_over(user).select_related("person", "old_manager").order_by("-at", "-pk"))
    moved_ids = [new for change in changes for _old, new in change.moved]
    conversations = {
        c.pk: c
        for c in conversations_policy.conversations_visible_to(user).filter(
            pk__in=moved_ids, status__in=NOT_HELD
        )
    }
    asked = {row["person"].pk: row["count"] for row in actions_handover.waiting_for(user.pk)}
    rows, seen = [], set()
    for change in changes:
        if change.person_id in seen:  # changed twice: the latest tells
            continue
        seen.add(change.person_id)
        rows.append(
            {
                "change": change,
                "conversations": [
                    conversations[new] for _old, new in change.moved if new in conversations
                ],
                "actions_waiting": asked.get(change.person_id, 0),
            }
        )
    return rows


def without_time(handed: list[dict[str, Any]]) -> list[int]:
    """The conversations the hand-over card offers to set a time for (moved without one):
    the home page's list of what waits leaves them to the card."""
    return [c.pk for row in handed for c in row["conversations"] if not c.scheduled_at]


def my_conversation_moved(user: Any) -> dict[str, Any] | None:
    """For the employee: where their conversation went when their line manager changed
    (the latest change in the last HANDOVER_DAYS days that moved one still to be held)."""
    change = moved_from_me(user).select_related("new_manager", "old_manager").first()
    if change is None or not change.moved:
        return None
    conversation = (
        conversations_policy.conversations_visible_to(user)
        .filter(pk__in=[new for _old, new in change.moved], status__in=NOT_HELD)
        .order_by("pk")
        .first()
    )
    if conversation is None:
        return None
    return {"change": change, "conversation": conversation}
