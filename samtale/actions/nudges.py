"""The guide's seven pitfalls, where the data can show them, as nudges to the leader
and as counts for HR.

From "7 forhold som kan ødelegge for et godt resultat av medarbeidersamtalen":
1 postponement, 2 a badly prepared leader, 3 a conversation without goals,
5 a leader who talks too much, 7 no follow-up (overdue, or untouched for months).
Pitfalls 4 (focus on the negative) and 6 (too confidential) are not in the data.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.actions.models import Action, Goal
from samtale.actions.selectors import OPEN, agreed, overdue_q
from samtale.conversations.models import Conversation, Note, Preparation

S = Conversation.Status
UPCOMING = (S.PLANNED, S.INVITED, S.PREPARED)


@dataclass(frozen=True)
class Nudge:
    kind: str
    count: int
    text: str


TEXTS = {
    "postponed": _("Conversations postponed more than once. Give them a time and keep it."),
    "unprepared": _("Conversations within a day that you have not prepared for."),
    "no_goals": _("Conversations signed this year without any goal."),
    "talk": _("Conversations this year where you talked far more than 30 percent of the time."),
    "overdue": _("Actions past their deadline."),
    "stale": _("Open actions without any update for 90 days."),
}


# The same counts for HR, named without "you".
HR_TEXTS = {
    "postponed": _("Open conversations postponed more than once"),
    "unprepared": _("Conversations within a day without the leader's preparation"),
    "no_goals": _("Conversations signed this year without any goal"),
    "talk": _(
        "Conversations this year where the leader talked far more than 30 percent of the time"
    ),
    "overdue": _("Actions past their deadline"),
    "stale": _("Open actions without any update for 90 days"),
}


def _year_ago(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on - timedelta(days=365), time.min))


def pitfall_counts(
    *, conversations: QuerySet[Conversation], actions: QuerySet[Action], on: date
) -> dict[str, int]:
    """How often each pitfall shows, in two aggregate queries, over what the caller may count.

    Numbers only: HR sees these across the organization, a leader for what they hold.
    """
    now = timezone.now()
    tomorrow_end = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.max))
    year_ago = _year_ago(on)
    prepared = Exists(
        Preparation.objects.filter(conversation=OuterRef("pk"), author=OuterRef("leader")).filter(
            ~Q(checklist=[])
            | Exists(Note.objects.filter(preparation=OuterRef("pk")).exclude(text=""))
        )
    )
    has_goal = Exists(Goal.objects.filter(conversation=OuterRef("pk")))
    share = settings.TALK_SHARE_NUDGE_PERCENT
    counts = conversations.aggregate(
        postponed=Count(
            "pk", filter=Q(postponed_count__gte=2) & ~Q(status__in=(S.CANCELLED, S.SIGNED))
        ),
        unprepared=Count(
            "pk",
            filter=Q(status__in=UPCOMING, scheduled_at__gte=now, scheduled_at__lte=tomorrow_end)
            & ~Q(prepared),
        ),
        no_goals=Count("pk", filter=Q(status=S.SIGNED, held_at__gte=year_ago) & ~Q(has_goal)),
        # leader / (leader + employee) > share / 100, without dividing.
        talk=Count(
            "pk",
            filter=Q(held_at__gte=year_ago, talk_leader_seconds__gt=0)
            & Q(
                talk_leader_seconds__gt=(F("talk_leader_seconds") + F("talk_employee_seconds"))
                * share
                / 100
            ),
        ),
    )
    stale_before = now - timedelta(days=settings.STALE_ACTION_DAYS)
    counts |= agreed(actions).aggregate(
        overdue=Count("pk", filter=overdue_q(on)),
        stale=Count("pk", filter=Q(status__in=OPEN, updated_at__lt=stale_before)),
    )
    return counts


def leader_nudges(
    *, leader, conversations: QuerySet[Conversation], actions: QuerySet[Action], on: date
) -> list[Nudge]:
    """What the leader should look at now, in the conversations they hold."""
    counts = pitfall_counts(
        conversations=conversations.filter(leader=leader),
        actions=actions.filter(leader=leader),
        on=on,
    )
    return [
        Nudge(kind=kind, count=counts[kind], text=str(text))
        for kind, text in TEXTS.items()
        if counts[kind]
    ]
