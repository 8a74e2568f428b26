"""The guide's seven pitfalls, where the data can show them, as nudges to the leader
and as counts for HR, each with the list of what it counts.

From "7 forhold som kan ødelegge for et godt resultat av medarbeidersamtalen":
1 postponement, 2 a badly prepared leader, 3 a conversation without goals,
5 a leader who talks too much, 7 no follow-up (overdue, or untouched for months).
Pitfalls 4 (focus on the negative) and 6 (too confidential) are not in the data.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from samtale.actions.models import Action
from samtale.actions.selectors import agreed, overdue_q, untouched_q
from samtale.conversations.models import Conversation, Note, Preparation
from samtale.core.queries import counts

S = Conversation.Status
UPCOMING = (S.PLANNED, S.INVITED, S.PREPARED)


# Each pitfall's name in the URL of the list of what it counts.
SLUGS = {
    "postponed": "utsatt",
    "unprepared": "uforberedt",
    "no_goals": "uten-mal",
    "talk": "taletid",
    "overdue": "forfalt",
    "stale": "uten-oppdatering",
}
KINDS_BY_SLUG = {slug: kind for kind, slug in SLUGS.items()}
CONVERSATION_KINDS = ("postponed", "unprepared", "no_goals", "talk")
ACTION_KINDS = ("overdue", "stale")


@dataclass(frozen=True)
class Nudge:
    kind: str
    count: int
    text: str

    @property
    def slug(self) -> str:
        return SLUGS[self.kind]


# Each text follows its count ("1 action past its deadline"): `TEXTS[kind] % {"count": n}`.
TEXTS = {
    "postponed": ngettext_lazy(
        "Conversation postponed more than once. Give it a time and keep it.",
        "Conversations postponed more than once. Give them a time and keep it.",
        "count",
    ),
    "unprepared": ngettext_lazy(
        "Conversation within a day that you have not prepared for.",
        "Conversations within a day that you have not prepared for.",
        "count",
    ),
    "no_goals": ngettext_lazy(
        "Conversation signed this year without any goal.",
        "Conversations signed this year without any goal.",
        "count",
    ),
    "talk": ngettext_lazy(
        "Conversation this year where you talked far more than 30 percent of the time.",
        "Conversations this year where you talked far more than 30 percent of the time.",
        "count",
    ),
    "overdue": ngettext_lazy("Action past its deadline.", "Actions past their deadline.", "count"),
    "stale": ngettext_lazy(
        "Open action without any update for 90 days.",
        "Open actions without any update for 90 days.",
        "count",
    ),
}


# The same counts for HR, named without "you".
HR_TEXTS = {
    "postponed": ngettext_lazy(
        "Open conversation postponed more than once",
        "Open conversations postponed more than once",
        "count",
    ),
    "unprepared": ngettext_lazy(
        "Conversation within a day without the leader's preparation",
        "Conversations within a day without the leader's preparation",
        "count",
    ),
    "no_goals": ngettext_lazy(
        "Conversation signed this year without any goal",
        "Conversations signed this year without any goal",
        "count",
    ),
    "talk": ngettext_lazy(
        "Conversation this year where the leader talked far more than 30 percent of the time",
        "Conversations this year where the leader talked far more than 30 percent of the time",
        "count",
    ),
    "overdue": ngettext_lazy("Action past its deadline", "Actions past their deadline", "count"),
    "stale": ngettext_lazy(
        "Open action without any update for 90 days",
        "Open actions without any update for 90 days",
        "count",
    ),
}


def _year_ago(on: date) -> datetime:
    return timezone.make_aware(datetime.combine(on - timedelta(days=365), time.min))


def _conversation_conditions(on: date) -> dict[str, Q]:
    """Which conversations each conversation pitfall counts."""
    now = timezone.now()
    tomorrow_end = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.max))
    year_ago = _year_ago(on)
    prepared = Exists(
        Preparation.objects.filter(conversation=OuterRef("pk"), author=OuterRef("leader")).filter(
            ~Q(checklist=[])
            | Exists(Note.objects.filter(preparation=OuterRef("pk")).exclude(text=""))
        )
    )
    share = settings.TALK_SHARE_NUDGE_PERCENT
    return {
        "postponed": Q(postponed_count__gte=2) & ~Q(status__literal_in=Conversation.CLOSED),
        "unprepared": Q(status__in=UPCOMING, scheduled_at__gte=now, scheduled_at__lte=tomorrow_end)
        & ~Q(prepared),
        "no_goals": Q(status=S.SIGNED, held_at__gte=year_ago, has_goals=False),
        # leader / (leader + employee) > share / 100, without dividing.
        "talk": Q(held_at__gte=year_ago, talk_leader_seconds__gt=0)
        & Q(
            talk_leader_seconds__gt=(F("talk_leader_seconds") + F("talk_employee_seconds"))
            * share
            / 100
        ),
    }


def _action_conditions(on: date) -> dict[str, Q]:
    """Which agreed actions each action pitfall counts: open ones only (pitfall_counts reads
    just those)."""
    return {"overdue": overdue_q(on), "stale": untouched_q(timezone.now())}


def pitfall_counts(
    *, conversations: QuerySet[Conversation], actions: QuerySet[Action], on: date
) -> dict[str, int]:
    """How often each pitfall shows, in one query, over what the caller may count.

    Numbers only: HR sees these across the organization, a leader for what they hold. Each
    is counted over the few rows its kind can be among, from its own partial index: open
    conversations, those held in the last year (the signed ones without goals apart), and
    open actions by deadline and by last update.
    """
    return counts(**pitfall_querysets(conversations=conversations, actions=actions, on=on))


def pitfall_querysets(
    *, conversations: QuerySet[Conversation], actions: QuerySet[Action], on: date
) -> dict[str, QuerySet]:
    """What pitfall_counts counts, one queryset per pitfall."""
    open_ = ~Q(status__literal_in=Conversation.CLOSED)
    countable = {
        kind: conversations.filter(q & open_ if kind in ("postponed", "unprepared") else q)
        for kind, q in _conversation_conditions(on).items()
    }
    return countable | {
        kind: agreed(actions).filter(q) for kind, q in _action_conditions(on).items()
    }


def pitfall_conversations(
    *, kind: str, conversations: QuerySet[Conversation], on: date
) -> QuerySet[Conversation]:
    """The conversations one pitfall counts: pitfall_counts' condition over the same queryset."""
    return conversations.filter(_conversation_conditions(on)[kind])


def pitfall_actions(*, kind: str, actions: QuerySet[Action], on: date) -> QuerySet[Action]:
    """The agreed actions one pitfall counts: pitfall_counts' condition over the same queryset."""
    return agreed(actions).filter(_action_conditions(on)[kind])


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
        Nudge(kind=kind, count=counts[kind], text=text % {"count": counts[kind]})
        for kind, text in TEXTS.items()
        if counts[kind]
    ]


def leader_pitfall_conversations(
    *, leader, kind: str, conversations: QuerySet[Conversation], on: date
) -> QuerySet[Conversation]:
    """What one of leader_nudges counts, given the same conversations."""
    return pitfall_conversations(
        kind=kind, conversations=conversations.filter(leader=leader), on=on
    )


def leader_pitfall_actions(
    *, leader, kind: str, actions: QuerySet[Action], on: date
) -> QuerySet[Action]:
    """What one of leader_nudges counts, given the same actions."""
    return pitfall_actions(kind=kind, actions=actions.filter(leader=leader), on=on)
