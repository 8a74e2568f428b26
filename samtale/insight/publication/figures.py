"""Reading what was published: a group's figure in a period, or why it is not shown, for the
status analysis, the answers page, the rating habits, the API and every export."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samtale.insight.anonymity import min_group
from samtale.insight.models import Publication, PublishedFigure
from samtale.insight.publication.measures import (
    BUCKETS,
    COMPETENCE,
    FOLLOW_UP,
    GOALS,
    KINDS,
    LIKERT,
    ORG,
    SATISFACTION,
    SIGNED,
    VALUES,
    YEARLY,
    family,
)
from samtale.insight.publication.periods import years_with_answers
from samtale.rounds.models import Round

# A figure withheld, and why (kept with it since issue 61; before, not kept: both said).
# "Beside": the other figures published, whether this reader sees them or not (a union
# representative reads a school's year withheld beside its round, which that page does
# not show), so the words name where they may be, never "next to it".
FEW = _("Fewer than %(k)s answered, and a figure is shown only where at least %(k)s have")
BESIDE = _(
    "At least %(k)s answered, but together with other published figures, here or elsewhere "
    "(such as the units above or below it, or a round of the same year), this one would "
    "give away the answers of fewer than %(k)s people"
)
WITHHELD = _(
    "Either fewer than %(k)s answered, or together with other published figures, here or "
    "elsewhere, this one would give away the answers of fewer than %(k)s people"
)
# An open period's figure for a group too small ever to be shown: fewer than k people
# are counted in it now (Analysis.with_answers), so "not yet" would promise a figure.
SMALL = _(
    "Fewer than %(k)s people are counted here now, and a figure is shown only where at "
    "least %(k)s have answered"
)
YEAR_OPEN = _("Published when the year has ended")
ROUND_OPEN = _("Published when the round is closed")
PENDING = _("Being published: shown within the hour")
PER_YEAR = _("Goal results are published per year, not per round")
EARLIER = _("Published only for the periods closed since this version of Samtale")


@dataclass(frozen=True)
class Withheld:
    """Why a figure from answers is not shown, in words (the same on the page, in CSV,
    Excel and the API); `label` is the word a table cell shows, with the words below it."""

    code: str  # "withheld", "small", "year_open", "round_open", "pending", "per_year", "earlier"
    text: str | Promise
    label: str | Promise
    cause: str = ""  # a withheld figure's: "few" answered, or "beside" others (or unknown)

    def __str__(self) -> str:
        return str(self.text)


HIDDEN = _("Hidden")
NOT_YET = _("Not yet published")
_REASONS = {
    "withheld": (WITHHELD, HIDDEN),
    "small": (SMALL, HIDDEN),
    "year_open": (YEAR_OPEN, NOT_YET),
    "round_open": (ROUND_OPEN, NOT_YET),
    "pending": (PENDING, NOT_YET),
    "per_year": (PER_YEAR, _("Per year")),
    "earlier": (EARLIER, _("Not published")),
}
# The measures published since issue 60: a period published before them (kept without a
# proof) has none, which is not "nothing to count".
LATER = (SIGNED, FOLLOW_UP)


_CAUSES = {"few": FEW, "beside": BESIDE}


def withheld(code: str, *, cause: str = "", k: int | None = None) -> Withheld:
    """Why a figure is not shown; a withheld one's in one sentence with the least number
    of people who must have answered (k, of the period it was published for) and whether
    fewer did or it was held back beside others (`cause`, kept when it was published)."""
    text: str | Promise
    text, label = _REASONS[code]
    if code == "withheld":
        text = _CAUSES.get(cause, WITHHELD) % {"k": k or min_group()}
    elif code == "small":
        text = SMALL % {"k": k or min_group()}
    return Withheld(code=code, text=text, label=label, cause=cause)


@dataclass(frozen=True)
class Figure:
    """A published figure: how many people answered, and the answers per value (1–5; for
    goal results: achieved, partly, not; for served goals: done, under way, not started;
    for competence needs: per kind), for goal results how many conversations, and for
    competence needs the estimated costs per kind."""

    people: int
    counts: tuple
    conversations: int | None = None
    costs: tuple | None = None

    @property
    def answers(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float:
        """The mean value (1–5; for goal results 3 achieved, 2 partly, 1 not)."""
        scores = VALUES if self.conversations is None else (3, 2, 1)
        return sum(v * n for v, n in zip(scores, self.counts, strict=True)) / self.answers

    def shares(self) -> tuple:
        """Each value's share of the answers, in percent."""
        return tuple(100 * n / self.answers for n in self.counts)


@dataclass(frozen=True)
class FollowUp:
    """The actions agreed in a group's signed conversations, as they stood when the period
    was published: per bucket (measures.BUCKETS: overdue, in progress, not started, done,
    dropped), and how many of the open ones nobody had touched for STALE_ACTION_DAYS."""

    people: int
    buckets: tuple
    untouched: int

    @property
    def actions(self) -> int:
        return sum(self.buckets)

    def __getattr__(self, bucket):
        if bucket in BUCKETS:
            return self.buckets[BUCKETS.index(bucket)]
        raise AttributeError(bucket)


@dataclass(frozen=True)
class Signed:
    """A group's conversations signed in the period: how many agreed goals, the median days
    from meeting to signature, and the talk where it was timed (seconds)."""

    people: int
    with_goals: int
    without_goals: int
    timed: int
    talk_leader: int
    talk_all: int
    median_days: int | None

    @property
    def conversations(self) -> int:
        return self.with_goals + self.without_goals

    @property
    def goals_share(self) -> float | None:
        return 100 * self.with_goals / self.conversations if self.conversations else None

    @property
    def talk_share(self) -> float | None:
        """The leader's share of the talk, over the conversations whose talk was timed."""
        return 100 * self.talk_leader / self.talk_all if self.talk_all else None


def _as_figure(people, values, measure: str, *, k: int | None = None):
    if people is None:
        cause = values.get("why", "") if isinstance(values, dict) else ""
        return withheld("withheld", cause=cause, k=k)
    if measure == FOLLOW_UP:
        return FollowUp(people=people, buckets=tuple(values[:-1]), untouched=values[-1])
    if measure == SIGNED:
        return Signed(people, *values)
    if measure == GOALS:
        return Figure(people=people, conversations=values[0], counts=tuple(values[1:]))
    if measure == COMPETENCE:
        n = len(KINDS)
        return Figure(people=people, counts=tuple(values[:n]), costs=tuple(values[n:]))
    return Figure(people=people, counts=tuple(values))


@dataclass(frozen=True)
class Periods:
    """The publications of some years and rounds, for the readers below."""

    years: dict  # year -> Publication (the published ones)
    rounds: dict  # round pk -> Publication
    latest_year: int | None  # the latest year published at all

    def reason(self, *, year: int | None, round: Round | None, now: datetime):
        """Why a period has no publication: a round still open, a year not ended, one
        closed that the worker has yet to publish; None for a year before any answers (a
        later year is published, and every year since the first answer is, empty or not)."""
        if round is not None:
            return withheld("pending" if round.closed_at is not None else "round_open")
        assert year is not None  # a year's, where no round's
        return self.reasons([year], now=now)[year]

    def reasons(self, years: Iterable[int], *, now: datetime) -> dict:
        """{year: why it has no publication} (reason()) of years without one, asking in one
        query whether the ended ones had answers: before an organization's first publication
        that is every ended year of the five a page shows (three queries a year before)."""
        years = list(years)
        this_year = timezone.localtime(now).year
        asked = [
            year
            for year in years
            if year < this_year and (self.latest_year is None or year >= self.latest_year)
        ]
        answered = years_with_answers(asked)
        return {
            year: withheld("year_open")
            if year >= this_year
            else (withheld("pending") if year in answered else None)
            for year in years
        }


def latest_published_year() -> int | None:
    """The latest year any period (a year, or a round that closed in it) was published for."""
    return Publication.objects.aggregate(y=Max("year"))["y"]


def latest_year() -> int | None:
    """The latest year published."""
    return Publication.objects.filter(kind=Publication.Kind.YEAR).aggregate(y=Max("year"))["y"]


def latest_satisfaction() -> tuple[int, Figure | Withheld | None] | None:
    """(year, figure) of the whole organization's satisfaction with the conversations in the
    latest year published (a figure frozen once published: the status analysis shows the
    same), or None before any year is."""
    published = periods(latest=True)
    year = published.latest_year
    if year is None:
        return None
    found = figures(
        measures=[SATISFACTION], groups=[unit_group(None)], years=[year], found=published
    )
    return year, found.get((year, SATISFACTION, unit_group(None)))


def periods(
    *, years: Iterable[int] = (), rounds: Iterable[Round] = (), latest: bool = False
) -> Periods:
    """The publications of these years and rounds (and of the latest year, if `latest`),
    and the latest year published at all: one query (the latest year's publication comes
    with the ones asked for)."""
    years, rounds = list(years), list(rounds)
    yearly = Publication.objects.filter(kind=Publication.Kind.YEAR)
    newest = yearly.order_by("-year").values("year")[:1]
    found = list(
        Publication.objects.filter(
            Q(kind=Publication.Kind.YEAR, year__in=years)
            | Q(round__in=[r.pk for r in rounds])
            | Q(kind=Publication.Kind.YEAR, year=Subquery(newest))
        )
    )
    by_year = [p for p in found if p.round_id is None]
    latest_year = max((p.year for p in by_year), default=None)
    return Periods(
        years={p.year: p for p in by_year if p.year in years or (latest and p.year == latest_year)},
        rounds={p.round_id: p for p in found if p.round_id is not None},
        latest_year=latest_year,
    )


def figures(
    *,
    measures: Iterable[str],
    groups: Iterable[str],
    years: Iterable[int] = (),
    round: Round | None = None,
    now: datetime | None = None,
    found: Periods | None = None,
) -> dict:
    """{(year or 0 for the round, measure, group): Figure, Withheld, or None (no answers)}:
    the published figures of some groups, each year's and the round's, in one query (and
    one for the periods, unless `found` has them). A period not published yet gives its
    reason for every group."""
    now = now or timezone.now()
    years, measures, groups = list(years), list(measures), list(groups)
    if found is None:
        found = periods(years=years, rounds=[round] if round is not None else [])
    wanted = {}  # publication pk -> the key's first part
    k_of = {}  # publication pk -> its k
    result: dict = {}
    why = found.reasons([year for year in years if year not in found.years], now=now)
    for year in years:
        publication = found.years.get(year)
        if publication is None:
            result.update({(year, m, g): why[year] for m in measures for g in groups})
        else:
            wanted[publication.pk], k_of[publication.pk] = year, publication.k
    if round is not None:
        publication = found.rounds.get(round.pk)
        if publication is None:
            reason = found.reason(year=None, round=round, now=now)
            result.update({(0, m, g): reason for m in measures for g in groups})
        else:
            wanted[publication.pk], k_of[publication.pk] = 0, publication.k
        for m in measures:
            if family(m) in YEARLY:
                result.update({(0, m, g): withheld("per_year") for g in groups})
    for when in wanted.values():
        for m in measures:
            for g in groups:
                result.setdefault((when, m, g), None)
    if wanted:
        for publication, measure, group, people, values in PublishedFigure.objects.filter(
            publication_id__in=list(wanted), measure__in=measures, group__in=groups
        ).values_list("publication_id", "measure", "group", "people", "values"):
            key = (wanted[publication], measure, group)
            if (
                key in result
                and isinstance(result[key], Withheld)
                and result[key].code == "per_year"
            ):
                continue
            result[key] = _as_figure(people, values, measure, k=k_of[publication])
        _earlier(result, wanted, found, measures, groups)
    return result


def _earlier(result: dict, wanted: dict, found: Periods, measures: list, groups: list) -> None:
    """The figures a period published before their measure existed has none of: why."""
    kept = [*found.years.values(), *found.rounds.values()]
    for publication in kept:
        if publication.pk not in wanted or publication.proof:
            continue
        when = wanted[publication.pk]
        for m in measures:
            if m in LATER:
                for g in groups:
                    if result.get((when, m, g)) is None:
                        result[(when, m, g)] = withheld("earlier")


def figures_of_kind(*, year: int, measure: str, prefix: str) -> tuple[dict, Withheld | None]:
    """({group: Figure or Withheld}, why none) of every group of one kind in a year (the
    rating habits: every leader's goal results)."""
    found = periods(years=[year])
    publication = found.years.get(year)
    if publication is None:
        return {}, found.reason(year=year, round=None, now=timezone.now())
    return {
        group: _as_figure(people, values, measure, k=publication.k)
        for group, people, values in PublishedFigure.objects.filter(
            publication=publication, measure=measure, group__startswith=prefix
        ).values_list("group", "people", "values")
    }, None


@dataclass(frozen=True)
class Competence:
    """A group's competence needs agreed in a year's conversations, as published: the
    year's figure once the year has ended; before that, or where the year's is withheld for
    the group, the sum of the figures of the year's rounds that were shown (each decided
    beside the others, so their sum is safe too).
    `counts` and `costs` per kind (measures.KINDS); `people` only for the year's own figure
    (over rounds one person could be counted twice); `reason` says why nothing is shown."""

    people: int | None
    counts: tuple
    costs: tuple
    rounds: tuple  # the names of the rounds summed ((): the year's own figure)
    withheld_rounds: int  # the rounds published with this group's figure withheld
    reason: Withheld | None
    year_ended: bool = False  # the year is published (its own figure withheld, if rounds)

    @property
    def shown(self) -> bool:
        return self.reason is None


def competence(
    *, group: str, year: int, served: Iterable[str] = (), now: datetime | None = None
) -> tuple[Competence | None, dict]:
    """The competence needs of one group (`unit_group`) in a year, or None when what was
    published has none for it; and the figures of the `served` measures (the agreed goals
    serving each of the unit's goals, per year only) for the group: {measure: Figure,
    Withheld or None}. Two queries: the year's and its rounds' publications, their figures."""
    now = now or timezone.now()
    served = list(served)
    publications = list(
        Publication.objects.filter(year=year).select_related("round").order_by("cutoff", "pk")
    )
    yearly = next((p for p in publications if p.round_id is None), None)
    rounds = [p for p in publications if p.round_id is not None]
    n = len(KINDS)
    empty = (0,) * n
    not_yet = withheld("year_open" if year >= timezone.localtime(now).year else "pending")
    if not publications:
        return Competence(None, empty, empty, (), 0, not_yet), dict.fromkeys(served, not_yet)
    found: dict = {}
    goals: dict = dict.fromkeys(served, None if yearly else not_yet)
    for publication, measure, people, values in PublishedFigure.objects.filter(
        publication__in=publications, measure__in=[COMPETENCE, *served], group=group
    ).values_list("publication_id", "measure", "people", "values"):
        if measure == COMPETENCE:
            found[publication] = (people, values)
        elif yearly is not None and publication == yearly.pk:
            goals[measure] = _as_figure(people, values, measure, k=yearly.k)
    return _competence(found, yearly, rounds, not_yet), goals


def _competence(found: dict, yearly, rounds: list, not_yet) -> Competence | None:
    n = len(KINDS)
    empty = (0,) * n
    if yearly is not None and found.get(yearly.pk, (None,))[0] is not None:
        people, values = found[yearly.pk]
        return Competence(people, tuple(values[:n]), tuple(values[n:]), (), 0, None, True)
    # The year not published yet, or its figure withheld for this group: the year's rounds
    # published so far, where they were shown (any figure published is safe to show).
    mine = [p for p in rounds if p.pk in found]
    shown = [found[p.pk][1] for p in mine if found[p.pk][0] is not None]
    held = len(mine) - len(shown)
    names = tuple(p.round.name for p in mine if found[p.pk][0] is not None)
    if not shown:
        if yearly is None and not mine:
            return Competence(None, empty, empty, (), 0, not_yet)
        if yearly is not None and yearly.pk not in found and not mine:
            return None  # nothing agreed in the group's conversations
        own = found.get(yearly.pk, (None, None))[1] if yearly is not None else None
        cause = own.get("why", "") if isinstance(own, dict) else ""
        k = (yearly or mine[0]).k if (yearly or mine) else None
        why = withheld("withheld", cause=cause, k=k)
        return Competence(None, empty, empty, (), held, why, yearly is not None)
    return Competence(
        people=None,
        counts=tuple(sum(values[i] for values in shown) for i in range(n)),
        costs=tuple(sum(values[n + i] for values in shown) for i in range(n)),
        rounds=names,
        withheld_rounds=held,
        reason=None,
        year_ended=yearly is not None,
    )


def likert_measures(years: Iterable[int]) -> list[str]:
    """The statements with figures published in these years: read off the whole
    organization's group, which every measure published has a row for (withheld or not),
    by the index on (publication, group); over every group it read 40,000 rows a year."""
    return list(
        PublishedFigure.objects.filter(
            publication__kind=Publication.Kind.YEAR,
            publication__year__in=list(years),
            measure__startswith=LIKERT,
            group=unit_group(None),
        )
        .values_list("measure", flat=True)
        .distinct()
        .order_by("measure")
    )


def published_at(
    *, years: Iterable[int] = (), round: Round | None = None, found: Periods | None = None
) -> datetime | None:
    """When the latest of these periods was published (of those `found`, if given)."""
    if found is None:
        found = periods(years=years, rounds=[round] if round is not None else [])
    else:
        wanted = set(years)
        found = Periods(
            years={y: p for y, p in found.years.items() if y in wanted},
            rounds={r: p for r, p in found.rounds.items() if round is not None and r == round.pk},
            latest_year=found.latest_year,
        )
    times = [p.published_at for p in (*found.years.values(), *found.rounds.values())]
    return max(times) if times else None


def unit_group(unit, *, leader: int | None = None, profession: str | None = None) -> str:
    """The key of a unit's group (`unit` a unit's id or "organization"/None for the top): HR's
    by the unit, or a leader's: the answers given below them in the line."""
    top = unit is None or unit == "organization"
    if leader is not None:
        return f"l:{leader}" if top else f"l:{leader}:{unit}"
    key = f"u:{ORG}" if top else f"u:{unit}"
    return f"{key}@{profession}" if profession else key


def alone(people: int, *, k: int | None = None) -> bool:
    """For groups no one sees beside another (the feedback on one leader in one round, each
    answer in one such group only): whether enough people answered to publish it."""
    return people >= (k or min_group())
