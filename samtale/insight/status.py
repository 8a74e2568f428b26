"""The status analysis (seed 004, the HR handbook): how the routine is carried out, per unit
and year, by the unit each employee is in now.

Counts of conversations, actions and people are not answers and are counted live for any
group. Goal results and the satisfaction rating are what people said about one
conversation: they are not counted here but read from what was published for the period
(insight.publication), by the unit and line where each was given. Each query is grouped by
unit and year in the database; the tree is summed up here, over a few hundred units.
Callers pass what the access policy lets the user count.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone

from samtale.actions.models import Action
from samtale.actions.selectors import OVERDUE, bucket_q, untouched_q
from samtale.conversations.models import Conversation
from samtale.core import tenancy
from samtale.insight.publication.figures import Figure, Withheld
from samtale.insight.selectors import Tree, summed_up
from samtale.rounds.coverage import add_months, coverage_limits, coverage_q, with_last_signed

YEARS = 5  # how far back the trend goes
TALK_TARGET = 30  # the leader talks about 30 % of the time, the employee 70 % (seed 001)
OPEN = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)


@dataclass
class Status:
    """One group's figures for one year. `counts` holds what adds up over units (see
    _COUNTED); the days from meeting to signature are a histogram {days: conversations}.
    `goals` and `satisfaction` are the published figures from answers
    (insight.publication): a Figure, why it is not shown (Withheld), or None (none given)."""

    counts: Counter = field(default_factory=Counter)
    today: bool = False  # the current year, which alone has the coverage and the missing
    goals: Figure | Withheld | None = None
    satisfaction: Figure | Withheld | None = None

    @property
    def coverage(self) -> tuple | None:
        """(permanent employees, those covered, those missing a conversation), or None for a
        past year."""
        return (self.permanent, self.covered, self.missing) if self.today else None

    def __getattr__(self, name):
        if name in _COUNTED:
            return self.counts[name]
        raise AttributeError(name)

    def share(self, part: str, whole: str) -> float | None:
        return 100 * self.counts[part] / self.counts[whole] if self.counts[whole] else None

    @property
    def covered_share(self):
        return self.share("covered", "permanent")

    @property
    def signed_share(self):
        return self.share("signed", "planned")

    @property
    def goals_share(self):
        return self.share("with_goals", "signed")

    @property
    def talk_share(self) -> float | None:
        """The leader's share of the talk, over the conversations whose talk was timed."""
        return self.share("talk_leader", "talk_all")

    @property
    def median_days(self) -> int | None:
        """The median of the days from meeting to signature (the lower middle one)."""
        histogram = sorted(
            (int(key[5:]), n) for key, n in self.counts.items() if key.startswith("days:")
        )
        middle = (sum(n for _, n in histogram) + 1) // 2
        for days, n in histogram:
            middle -= n
            if middle <= 0:
                return days
        return None

    @property
    def goal_results_share(self) -> tuple | None:
        """(achieved, partly, not) in percent of the goals rated, where published."""
        return self.goals.shares() if isinstance(self.goals, Figure) else None

    @property
    def satisfaction_figure(self) -> Figure | None:
        return self.satisfaction if isinstance(self.satisfaction, Figure) else None

    def why_not(self, measure: str) -> Withheld | None:
        """Why a figure from answers is not shown ("goals" or "satisfaction"), if it is not."""
        value = getattr(self, measure)
        return value if isinstance(value, Withheld) else None


_COUNTED = {
    "permanent",
    "covered",
    "planned",
    "held",
    "signed",
    "postponed",
    "with_goals",
    "missing",
    "talk_leader",
    "talk_all",
    "actions",
    "actions_done",
    "actions_dropped",
    "actions_open",
    "actions_overdue",
    "actions_untouched",
}


def when_of(conversation: str = ""):
    """When a conversation counts: the time it was planned for, else when it was held, else
    when it was made."""
    return Coalesce(
        f"{conversation}scheduled_at", f"{conversation}held_at", f"{conversation}created_at"
    )


def years_to(year: int) -> list[int]:
    return list(range(year - YEARS + 1, year + 1))


def between(years: list[int]) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(years[0], 1, 1))
    return start, timezone.make_aware(datetime(years[-1] + 1, 1, 1))


def status_figures(
    raw: dict, *, tree: Tree, years: list[int], today: date | None = None
) -> dict[int, dict]:
    """raw_status's counts summed up the tree: {year: {unit: Status}}, without the figures
    from answers (insight.analysis adds the published ones)."""
    today = today or timezone.localdate()
    return {
        year: {
            unit: Status(counts=counts, today=year == today.year)
            for unit, counts in summed_up(tree, raw.get(year, {}), zero=Counter()).items()
        }
        for year in years
    }


def raw_status(
    scope, *, years: list[int], today: date | None = None, coverage: bool = True
) -> dict[int, dict]:
    """{year: {unit id (or None): Counter}}: what each unit counts of its own (by the unit
    each employee is in now), before the tree and the anonymity rule, of what the scope
    (policy.status_scope_of) lets be counted. Six grouped queries.

    The year of a conversation is the year it was planned for (when_of); actions count in
    the year of the conversation that agreed them. The coverage (a signed annual
    conversation within SAMTALE_CONVERSATION_INTERVAL_MONTHS) and the missing conversations
    are as of today, so only the current year has them."""
    today = today or timezone.localdate()
    start, end = between(years)
    own: dict[int, dict] = {year: {} for year in years}
    annual = (
        scope.conversations.filter(kind=Conversation.Kind.ANNUAL)
        .exclude(status=Conversation.Status.CANCELLED)
        .annotate(when=when_of())
        .filter(when__gte=start, when__lt=end)
    )
    _count_conversations(own, annual)
    _count_days_to_signature(own, annual)
    current = years[-1]
    if coverage and current == today.year:
        _count_coverage(own, scope, current, today)
    _count_actions(own, scope.actions, start, end, today)
    return own


def _counter(own: dict, year, unit) -> Counter:
    """The counts of a unit in a year (a year between those asked for is counted too)."""
    return own.setdefault(year, {}).setdefault(unit, Counter())


def _count_conversations(own: dict, annual) -> None:
    signed = Q(status=Conversation.Status.SIGNED)
    timed = Q(talk_leader_seconds__gt=0) | Q(talk_employee_seconds__gt=0)
    for row in (
        annual.values(unit=F("employee__unit_id"), year=ExtractYear("when"))
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(held_at__isnull=False)),
            signed=Count("pk", filter=signed),
            postponed=Count(
                "pk", filter=Q(postponed_count__gt=0) | Q(status=Conversation.Status.POSTPONED)
            ),
            with_goals=Count("pk", filter=signed & Q(has_goals=True)),
            talk_leader=Sum("talk_leader_seconds", filter=timed),
            talk_all=Sum(F("talk_leader_seconds") + F("talk_employee_seconds"), filter=timed),
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        _counter(own, year, unit).update({name: n or 0 for name, n in row.items()})


def _count_days_to_signature(own: dict, annual) -> None:
    days = ExpressionWrapper(
        TruncDate("signed_at") - TruncDate("held_at"), output_field=DurationField()
    )
    for unit, year, span, n in (
        annual.filter(
            Q(status=Conversation.Status.SIGNED), held_at__isnull=False, signed_at__isnull=False
        )
        .annotate(days=days, year=ExtractYear("when"))
        .values_list("employee__unit_id", "year", "days")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        _counter(own, year, unit)[f"days:{max(0, span.days)}"] += n


def _count_coverage(own: dict, scope, current: int, today: date) -> None:
    interval = add_months(today, -tenancy.setting("SAMTALE_CONVERSATION_INTERVAL_MONTHS"))
    covered_after = timezone.make_aware(datetime.combine(interval, datetime.min.time()))
    # Missing a conversation: the coverage page's own rule (rounds.coverage.coverage_q).
    missing, _close = coverage_q(coverage_limits(today=today))
    for row in (
        with_last_signed(scope.people)
        .values("unit_id")
        .annotate(
            permanent=Count("pk"),
            covered=Count("pk", filter=Q(last_signed_at__gte=covered_after)),
            missing=Count("pk", filter=missing),
        )
        .order_by()
    ):
        unit = row.pop("unit_id")
        _counter(own, current, unit).update(row)


def _count_actions(own: dict, actions, start, end, today: date) -> None:
    agreed = (
        actions.filter(goal__conversation__kind=Conversation.Kind.ANNUAL)
        .annotate(when=when_of("goal__conversation__"))
        .filter(when__gte=start, when__lt=end)
    )
    is_open = Q(status__in=OPEN)
    # By the unit of the conversation's employee, who is the action's (actions.agreement):
    # joined once per conversation, not once per action (12,662 lookups for a leader's
    # leader's 1,281 conversations, 19 of the page's 83 ms).
    for row in (
        agreed.values(unit=F("goal__conversation__employee__unit_id"), year=ExtractYear("when"))
        .annotate(
            actions=Count("pk"),
            actions_done=Count("pk", filter=Q(status=Action.Status.DONE)),
            actions_dropped=Count("pk", filter=Q(status=Action.Status.DROPPED)),
            actions_open=Count("pk", filter=is_open),
            # The follow-up's own overdue bucket, as its pages and digests count it.
            actions_overdue=Count("pk", filter=bucket_q(OVERDUE, today)),
            actions_untouched=Count("pk", filter=untouched_q(timezone.now())),
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        _counter(own, year, unit).update(row)


def raw_round_status(scope, round) -> dict:
    """{unit: Counter}: raw_status of the round's conversations alone (and their actions),
    over whatever years they fall in; no coverage, which is of today."""
    narrowed = round_scope(scope, round)
    first = min(round.period_start.year, round.created_at.year) - 1
    years = list(range(first, max(round.period_end.year, timezone.localdate().year) + 2))
    merged: dict = {}
    for units in raw_status(narrowed, years=years, coverage=False).values():
        for unit, counts in units.items():
            merged.setdefault(unit, Counter()).update(counts)
    return merged


def round_scope(scope, round):
    """A status scope narrowed to one round's conversations."""
    return replace(
        scope,
        conversations=scope.conversations.filter(round=round),
        actions=scope.actions.filter(goal__conversation__round=round),
    )
