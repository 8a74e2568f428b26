"""The status analysis (seed 004, the HR handbook): how the routine is carried out, per unit
and year, by the unit each employee is in now.

Counts of conversations, actions and people are not answers and are shown for any group;
goal results and the satisfaction rating are what people said about one conversation, so
they pass the anonymity rule (insight.anonymity) like the Likert answers. Each query is
grouped by unit and year in the database; the tree is summed up here, over a few hundred
units. Callers pass what the access policy lets the user count.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
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

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from samtale.insight.selectors import (
    Figure,
    Tree,
    figure_of,
    raw_answers,
    shown_groups,
    summed_up,
)
from samtale.org.models import Person
from samtale.rounds.selectors import add_months

YEARS = 5  # how far back the trend goes
UNTOUCHED_DAYS = 90  # an open action nobody has updated for this long
TALK_TARGET = 30  # the leader talks about 30 % of the time, the employee 70 % (seed 001)
OPEN = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
RESULTS = (Goal.Result.ACHIEVED, Goal.Result.PARTLY, Goal.Result.NOT_ACHIEVED)


@dataclass
class Status:
    """One group's figures for one year. `counts` holds what adds up over units (see
    _COUNTED); the days from meeting to signature are a histogram {days: conversations}."""

    counts: Counter = field(default_factory=Counter)
    goal_results: tuple | None = None  # (achieved, partly, not) when the rule lets it through
    satisfaction: Figure | None = None
    today: bool = False  # the current year, which alone has the coverage and the missing

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
    def missing(self) -> int:
        """Permanent employees now without an annual conversation planned this year."""
        return max(0, self.counts["permanent"] - self.counts["with_conversation"])

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
        if not self.goal_results or not sum(self.goal_results):
            return None
        total = sum(self.goal_results)
        return tuple(100 * n / total for n in self.goal_results)


_COUNTED = {
    "permanent",
    "covered",
    "planned",
    "held",
    "signed",
    "postponed",
    "with_goals",
    "with_conversation",
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
    raw: dict, *, tree: Tree, years: list[int], k: int, today: date | None = None
) -> dict[int, dict]:
    """raw_status's counts summed up the tree, goal results and ratings only for the groups the
    anonymity rule lets through (those who had a goal rated, those who rated)."""
    today = today or timezone.localdate()
    figures: dict[int, dict] = {}
    for year in years:
        own = raw.get(year, {})
        total = summed_up(tree, own, zero=Counter())
        rated = shown_groups(tree, own, key="goal_people", k=k)
        satisfied = shown_groups(tree, own, key="sat:people", k=k)
        figures[year] = {
            unit: Status(
                counts=counts,
                goal_results=tuple(counts[f"goal:{r}"] for r in RESULTS) if unit in rated else None,
                satisfaction=figure_of(counts, "sat:") if unit in satisfied else None,
                today=year == today.year,
            )
            for unit, counts in total.items()
        }
    return figures


def raw_status(
    scope, *, years: list[int], today: date | None = None, coverage: bool = True
) -> dict[int, dict]:
    """{year: {unit id (or None): Counter}}: what each unit counts of its own (by the unit
    each employee is in now), before the tree and the anonymity rule, of what the scope
    (access.status_scope_of) lets be counted. Six grouped queries.

    The year of a conversation is the year it was planned for (when_of); actions and goal results
    count in the year of the conversation that agreed them. The coverage (a signed annual
    conversation within SAMTALE_CONVERSATION_INTERVAL_MONTHS) and the missing conversations
    are as of today, so only the current year has them."""
    today = today or timezone.localdate()
    start, end = between(years)
    own: dict[int, dict] = {year: {} for year in years}
    conversations, actions, goals = scope.conversations, scope.actions, scope.goals

    def counter(year, unit) -> Counter:  # a year between those asked for is counted too
        return own.setdefault(year, {}).setdefault(unit, Counter())

    annual = (
        conversations.filter(kind=Conversation.Kind.ANNUAL)
        .exclude(status=Conversation.Status.CANCELLED)
        .annotate(when=when_of())
        .filter(when__gte=start, when__lt=end)
    )
    signed = Q(status=Conversation.Status.SIGNED)
    timed = Q(talk_leader_seconds__gt=0) | Q(talk_employee_seconds__gt=0)
    now_permanent = Q(
        employee__is_active=True, employee__employment_type=Person.EmploymentType.PERMANENT
    )
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
            with_conversation=Count("employee", distinct=True, filter=now_permanent),
            talk_leader=Sum("talk_leader_seconds", filter=timed),
            talk_all=Sum(F("talk_leader_seconds") + F("talk_employee_seconds"), filter=timed),
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        counter(year, unit).update({name: n or 0 for name, n in row.items()})

    days = ExpressionWrapper(
        TruncDate("signed_at") - TruncDate("held_at"), output_field=DurationField()
    )
    for unit, year, span, n in (
        annual.filter(signed, held_at__isnull=False, signed_at__isnull=False)
        .annotate(days=days, year=ExtractYear("when"))
        .values_list("employee__unit_id", "year", "days")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counter(year, unit)[f"days:{max(0, span.days)}"] += n

    current = years[-1]
    if coverage and current == today.year:
        interval = add_months(today, -settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS)
        covered_after = timezone.make_aware(datetime.combine(interval, datetime.min.time()))
        for row in (
            scope.people.filter(is_active=True, employment_type=Person.EmploymentType.PERMANENT)
            .values("unit_id")
            .annotate(
                permanent=Count("pk"),
                covered=Count("pk", filter=Q(last_signed_at__gte=covered_after)),
            )
            .order_by()
        ):
            unit = row.pop("unit_id")
            counter(current, unit).update(row)

    agreed = (
        actions.filter(goal__conversation__kind=Conversation.Kind.ANNUAL)
        .annotate(when=when_of("goal__conversation__"))
        .filter(when__gte=start, when__lt=end)
    )
    is_open = Q(status__in=OPEN)
    untouched_since = timezone.now() - timedelta(days=UNTOUCHED_DAYS)
    for row in (
        agreed.values(unit=F("employee__unit_id"), year=ExtractYear("when"))
        .annotate(
            actions=Count("pk"),
            actions_done=Count("pk", filter=Q(status=Action.Status.DONE)),
            actions_dropped=Count("pk", filter=Q(status=Action.Status.DROPPED)),
            actions_open=Count("pk", filter=is_open),
            actions_overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
            actions_untouched=Count("pk", filter=is_open & Q(updated_at__lt=untouched_since)),
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        counter(year, unit).update(row)

    # Goal results and ratings: said in or about one conversation, so status_figures shows
    # them only for groups the rule lets through.
    for row in (
        goals.filter(conversation__kind=Conversation.Kind.ANNUAL, result__in=RESULTS)
        .annotate(when=when_of("conversation__"))
        .filter(when__gte=start, when__lt=end)
        .values(unit=F("conversation__employee__unit_id"), year=ExtractYear("when"))
        .annotate(
            goal_people=Count("conversation__employee", distinct=True),
            **{f"goal:{r}": Count("pk", filter=Q(result=r)) for r in RESULTS},
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        counter(year, unit).update(row)
    ratings = raw_answers(
        scope.feedback.filter(conversation__kind=Conversation.Kind.ANNUAL, rating__isnull=False)
        .annotate(when=when_of("conversation__"))
        .filter(when__gte=start, when__lt=end),
        key=ExtractYear("when"),
        value=F("rating"),
        conversation="conversation__",
    )
    for year, units in ratings.items():
        for unit, counts in units.items():
            counter(year, unit).update(
                {f"sat:{key}": n for key, n in counts.items() if "@" not in key}
            )  # everyone's: the page per profession group keeps its own (insight.tallies)
    return own


def raw_round_status(scope, round) -> dict:
    """{unit: Counter}: raw_status of the round's conversations alone (the actions, goals and
    ratings of them), over whatever years they fall in; no coverage, which is of today."""
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
        goals=scope.goals.filter(conversation__round=round),
        feedback=scope.feedback.filter(conversation__round=round),
    )
