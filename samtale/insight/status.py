"""The status analysis (seed 004, the HR handbook): how the routine is carried out, per unit
and year, by the unit each employee is in now.

Counted live, for any group: that conversations happen (planned, held, signed, postponed)
and who is covered or missing one. Not counted here but read from what was published for
the closed period (insight.publication), by the unit and line where each conversation was
signed: what the conversations agreed and how it went (goals agreed, days to signature, the
talk, the actions and where they stand), the goal results and the satisfaction, which
describe what two people said and did (docs/developing/decision-status-published.md). Each
query is grouped by unit and year in the database; the tree is summed up here, over a few
hundred units. Callers pass what the access policy lets the user count.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import (
    Count,
    F,
    Q,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.insight.publication.figures import Figure, FollowUp, Signed, Withheld
from samtale.insight.selectors import Tree, summed_up
from samtale.rounds.coverage import add_months, coverage_limits, coverage_q, with_last_signed
from samtale.tenancy import tenant_settings

YEARS = 5  # how far back the trend goes
TALK_TARGET = 30  # the leader talks about 30 % of the time, the employee 70 % (seed 001)


@dataclass
class Status:
    """One group's figures for one year. `counts` holds what adds up over units (see
    _COUNTED). The published figures (insight.publication; each the figure, why it is not
    shown (Withheld), or None (nothing to count)): `goals` the goal results, `satisfaction`
    the ratings, `signatures` the conversations signed (goals agreed, days to signature,
    talk), `follow_up` the actions agreed in them."""

    counts: Counter = field(default_factory=Counter)
    today: bool = False  # the current year, which alone has the coverage and the missing
    goals: Figure | Withheld | None = None
    satisfaction: Figure | Withheld | None = None
    signatures: Signed | Withheld | None = None
    follow_up: FollowUp | Withheld | None = None

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

    def published(self, measure: str):
        """The published figure ("goals", "satisfaction", "signatures", "follow_up"), or
        None where it is withheld or there is nothing to count."""
        value = getattr(self, measure)
        return None if value is None or isinstance(value, Withheld) else value

    @property
    def goals_share(self) -> float | None:
        figure = self.published("signatures")
        return figure.goals_share if figure else None

    @property
    def talk_share(self) -> float | None:
        figure = self.published("signatures")
        return figure.talk_share if figure else None

    @property
    def median_days(self) -> int | None:
        figure = self.published("signatures")
        return figure.median_days if figure else None

    @property
    def published_signatures(self) -> Signed | None:
        return self.published("signatures")

    @property
    def published_follow_up(self) -> FollowUp | None:
        return self.published("follow_up")

    @property
    def published_goals(self) -> Figure | None:
        return self.published("goals")

    @property
    def satisfaction_figure(self) -> Figure | None:
        return self.published("satisfaction")

    def why_not(self, measure: str) -> Withheld | None:
        """Why a published figure is not shown (Status.published's measures), if it is not."""
        value = getattr(self, measure)
        return value if isinstance(value, Withheld) else None


_COUNTED = {"permanent", "covered", "planned", "held", "signed", "postponed", "missing"}


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
    (policy.status_scope_of) lets be counted. Two grouped queries.

    The year of a conversation is the year it was planned for (when_of). The coverage (a
    signed annual conversation within SAMTALE_CONVERSATION_INTERVAL_MONTHS) and the missing
    conversations are as of today, so only the current year has them."""
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
    current = years[-1]
    if coverage and current == today.year:
        _count_coverage(own, scope, current, today)
    return own


def _counter(own: dict, year, unit) -> Counter:
    """The counts of a unit in a year (a year between those asked for is counted too)."""
    return own.setdefault(year, {}).setdefault(unit, Counter())


def _count_conversations(own: dict, annual) -> None:
    for row in (
        annual.values(unit=F("employee__unit_id"), year=ExtractYear("when"))
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(held_at__isnull=False)),
            signed=Count("pk", filter=Q(status=Conversation.Status.SIGNED)),
            postponed=Count(
                "pk", filter=Q(postponed_count__gt=0) | Q(status=Conversation.Status.POSTPONED)
            ),
        )
        .order_by()
    ):
        unit, year = row.pop("unit"), row.pop("year")
        _counter(own, year, unit).update({name: n or 0 for name, n in row.items()})


def _count_coverage(own: dict, scope, current: int, today: date) -> None:
    interval = add_months(today, -tenant_settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS)
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
        counted = dict(row)
        unit = counted.pop("unit_id")
        _counter(own, current, unit).update(counted)


def headcount(scope) -> dict:
    """{unit id (or None): active people} of those the scope (policy.status_scope_of) lets
    be counted: how many people a group of an open period can count, as far as is known
    now (someone who moves after signing counts where they signed). One query."""
    return dict(
        scope.people.filter(is_active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


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
