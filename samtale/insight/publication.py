"""The one publication rule for every figure from people's answers: the statements' answers,
how satisfied people were with their conversation, and the goals' results. The status
analysis, the answers page, the rating habits, the API and every export read their figures
here, and nowhere else.

1. **Frozen periods.** Figures are published once per closed period and never change: a
   round when it closes (the answers of its conversations final before then), a year when
   it has ended (the answers final in it). An answer is final when it can no longer
   change: the statements when the conversation is signed, the satisfaction rating when it
   is given, a goal's result when it is recorded (recorded again later, it counts again in
   the period it was recorded in). Answers after a period closed count in the next one. The
   current year and an open round have no figures from answers: a live count would show
   one more answer arriving.
2. **Where the answer was given.** Each final answer carries where the employee stood at
   that moment (their unit, profession group and line: `counted_as`, org.selectors.
   position_of) and counts there for good: a move, a new line manager or an import never
   moves past answers.
3. **Complementary suppression.** Every figure anyone can see, of every period, is decided
   together (insight.anonymity): a group is published only when no atom of what can be
   computed from everything published holds 1 … k−1 people. Since each viewer sees only
   some of these groups, whatever one viewer (or one viewer in two roles) can fetch is safe
   too. Rounds close before their year ends, so their figures come first and a year's are
   published only where they add none or at least k people to its rounds'.

The groups, and who sees them (GROUPS): HR the units (by the unit the answer was given in,
and each profession group within them); a leader the answers given below them in the line
(their "everyone below you", and per unit); HR the goal results per leader who held the
conversation (the rating habits).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.actions.models import Goal
from samtale.conversations.models import Conversation, Feedback, LikertAnswer
from samtale.insight.anonymity import decide, min_group
from samtale.insight.models import Publication, PublishedFigure
from samtale.org.models import Unit
from samtale.org.selectors import positions
from samtale.rounds.models import Round

GOALS = "goals"
SATISFACTION = "satisfaction"
LIKERT = "likert:"  # + the statement's key
RESULTS = (Goal.Result.ACHIEVED, Goal.Result.PARTLY, Goal.Result.NOT_ACHIEVED)
VALUES = (1, 2, 3, 4, 5)

ORG = "org"
# The kinds of group each measure is decided for: u (units, for HR), p (units per profession
# group, HR's answers page), l (the line below a leader, the leader's status analysis),
# r (the conversations a leader held, HR's rating habits).
GROUPS = {GOALS: "ulr", SATISFACTION: "upl", LIKERT: "up"}

WITHHELD = _("Too few answers to show without revealing someone")
YEAR_OPEN = _("Published when the year has ended")
ROUND_OPEN = _("Published when the round is closed")
PENDING = _("Being published: shown within the hour")
PER_YEAR = _("Goal results are published per year, not per round")


def kinds_of(measure: str) -> str:
    return GROUPS[LIKERT if measure.startswith(LIKERT) else measure]


# Cells: the answers that belong to the same groups --------------------------------------


@dataclass(frozen=True)
class Cell:
    year: int
    round: int | None  # the published (or being published) round the answers are in
    unit: int | None
    profession: str = ""
    line: tuple = ()
    leader: int | None = None


@dataclass
class Cells:
    """One measure's answers, per cell: who answered, and how many answers had each value
    (for the goals also how many conversations)."""

    people: dict = field(default_factory=lambda: defaultdict(set))
    values: dict = field(default_factory=lambda: defaultdict(Counter))
    conversations: dict = field(default_factory=lambda: defaultdict(set))

    def add(self, cell: Cell, person: int, value, conversation: int | None = None) -> None:
        self.people[cell].add(person)
        self.values[cell][value] += 1
        if conversation is not None:
            self.conversations[cell].add(conversation)


def _year_of(moment: datetime) -> int:
    return timezone.localtime(moment).year


def year_bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))
    return start, timezone.make_aware(datetime(year + 1, 1, 1))


def _stamped(queryset: QuerySet, person: str, *fields: str) -> list[tuple]:
    """(pk, person, counted_as, *fields) of each row, the `counted_as` given now (and kept)
    to those that had none: rows made before the stamp existed, or by the demo and benchmark
    data. `person` is the lookup to the person who answered."""
    rows = list(queryset.values_list("pk", person, "counted_as", *fields))
    missing = {person_id for _pk, person_id, stamp, *_rest in rows if stamp is None}
    if not missing:
        return rows
    where = positions(person_ids=missing)
    model = queryset.model
    result, stamped = [], []
    for pk, person_id, stamp, *rest in rows:
        if stamp is None:
            stamp = where.get(person_id, {"unit": None, "profession": "", "line": []})
            stamped.append(model(pk=pk, counted_as=stamp))
        result.append((pk, person_id, stamp, *rest))
    model.objects.bulk_update(stamped, ["counted_as"], batch_size=500)
    return result


def load(years: Iterable[int], rounds: dict[int, datetime]) -> dict[str, Cells]:
    """{measure: Cells} of the answers final in these years. `rounds` maps the rounds that
    are published (or being published) to their cutoff: an answer of one of their
    conversations final before it is in that round."""
    by_measure: dict[str, Cells] = defaultdict(Cells)
    for year in sorted(set(years)):
        start, end = year_bounds(year)

        def in_round(round_id, at):
            cutoff = rounds.get(round_id)
            return round_id if cutoff is not None and at <= cutoff else None

        conversations = _stamped(
            Conversation.objects.filter(
                status=Conversation.Status.SIGNED, signed_at__gte=start, signed_at__lt=end
            ),
            "employee_id",
            "round_id",
            "signed_at",
        )
        where = {pk: (person, stamp, rnd, at) for pk, person, stamp, rnd, at in conversations}
        for conversation, key, value in LikertAnswer.objects.filter(
            conversation__status=Conversation.Status.SIGNED,
            conversation__signed_at__gte=start,
            conversation__signed_at__lt=end,
        ).values_list("conversation_id", "statement_key", "value"):
            person, stamp, rnd, at = where[conversation]
            cell = Cell(
                year=year,
                round=in_round(rnd, at),
                unit=stamp["unit"],
                profession=stamp["profession"],
            )
            by_measure[LIKERT + key].add(cell, person, value)
        feedback = _stamped(
            Feedback.objects.filter(
                rating__isnull=False,
                conversation__kind=Conversation.Kind.ANNUAL,
                at__gte=start,
                at__lt=end,
            ),
            "conversation__employee_id",
            "conversation__round_id",
            "at",
            "rating",
        )
        for _pk, person, stamp, rnd, at, rating in feedback:
            cell = Cell(
                year=year,
                round=in_round(rnd, at),
                unit=stamp["unit"],
                profession=stamp["profession"],
                line=tuple(stamp["line"]),
            )
            by_measure[SATISFACTION].add(cell, person, rating)
        goals = _stamped(
            Goal.objects.filter(
                conversation__kind=Conversation.Kind.ANNUAL,
                result__in=RESULTS,
                reviewed_at__gte=start,
                reviewed_at__lt=end,
            ),
            "conversation__employee_id",
            "conversation__leader_id",
            "conversation_id",
            "result",
        )
        for _pk, person, stamp, leader, conversation, result in goals:
            cell = Cell(
                year=year, round=None, unit=stamp["unit"], line=tuple(stamp["line"]), leader=leader
            )
            by_measure[GOALS].add(cell, person, result, conversation)
    return by_measure


# Groups ----------------------------------------------------------------------------------


def _ancestors(unit, tree: dict) -> list:
    """The unit and the units above it, in a tree {unit: parent} (keys as text, as JSON
    keeps them); none for a unit the tree does not know."""
    found, node = [], unit
    while node is not None and str(node) in tree and node not in found:
        found.append(node)
        node = tree[str(node)]
    return found


def groups_of(cell: Cell, tree: dict, kinds: str) -> Iterator[str]:
    """The keys of every group a cell's answers are in."""
    units = _ancestors(cell.unit, tree)
    if "u" in kinds:
        yield f"u:{ORG}"
        for unit in units:
            yield f"u:{unit}"
    if "p" in kinds and cell.profession:
        yield f"u:{ORG}@{cell.profession}"
        for unit in units:
            yield f"u:{unit}@{cell.profession}"
    if "l" in kinds:
        for leader in cell.line:
            yield f"l:{leader}"
            for unit in units:
                yield f"l:{leader}:{unit}"
    if "r" in kinds and cell.leader is not None:
        yield f"r:{cell.leader}"


def _in(cell: Cell, publication) -> bool:
    if publication.kind == Publication.Kind.ROUND:
        return cell.round == publication.round_id
    return cell.year == publication.year and publication.round_id is None


def _order(key: str, size: int, depth: dict) -> tuple:
    """The order groups are tried in: the units (the organization first, then down the
    tree, larger first), the lines, the leaders, then the profession groups."""
    kind, rest = key.split(":", 1)
    if kind == "u" and "@" in rest:
        unit, profession = rest.split("@", 1)
        return (3, profession, 0 if unit == ORG else 1 + depth.get(unit, 0), -size, key)
    if kind == "u":
        return (0, "", 0 if rest == ORG else 1 + depth.get(rest, 0), -size, key)
    if kind == "l":
        _leader, _, unit = rest.partition(":")
        return (1, "", 0 if not unit else 1 + depth.get(unit, 0), -size, key)
    return (2, "", 0, -size, key)


def _depths(tree: dict) -> dict:
    return {unit: len(_ancestors(int(unit), tree)) - 1 for unit in tree}


def current_tree() -> dict:
    """{unit: parent} of every unit, as JSON keeps it (keys as text)."""
    return {str(pk): parent for pk, parent in Unit.objects.values_list("pk", "parent_id")}


# Deciding and publishing --------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A period to publish: a year, or a round (closed) with its cutoff."""

    year: int
    round: Round | None = None

    @property
    def cutoff(self) -> datetime:
        return self.round.closed_at if self.round is not None else year_bounds(self.year)[1]

    def __str__(self) -> str:
        return f"round {self.round.pk}" if self.round is not None else f"year {self.year}"


def _span(round_id: int, cutoff: datetime) -> set[int]:
    """The years a round's answers (final before its cutoff) fall in."""
    years: set[int] = set()
    for bounds in (
        Conversation.objects.filter(
            round_id=round_id, status=Conversation.Status.SIGNED, signed_at__lte=cutoff
        ).aggregate(a=Min("signed_at"), b=Max("signed_at")),
        Feedback.objects.filter(
            conversation__round_id=round_id, rating__isnull=False, at__lte=cutoff
        ).aggregate(a=Min("at"), b=Max("at")),
    ):
        if bounds["a"] is not None:
            years.update(range(_year_of(bounds["a"]), _year_of(bounds["b"]) + 1))
    return years


def _rounds_in(year: int, cutoffs: dict[int, datetime]) -> set[int]:
    """The published rounds with answers final in a year."""
    start, end = year_bounds(year)
    found = set(
        Conversation.objects.filter(
            round_id__in=list(cutoffs),
            status=Conversation.Status.SIGNED,
            signed_at__gte=start,
            signed_at__lt=end,
        )
        .values_list("round_id", flat=True)
        .distinct()
    )
    found |= set(
        Feedback.objects.filter(
            conversation__round_id__in=list(cutoffs),
            rating__isnull=False,
            at__gte=start,
            at__lt=end,
        )
        .values_list("conversation__round_id", flat=True)
        .distinct()
    )
    return {r for r in found if r is not None and cutoffs[r] >= start}


def _overlaps(publication: Publication, years: set[int]) -> bool:
    """Whether a published round has answers final in any of these years."""
    return bool(_span(publication.round_id, publication.cutoff) & years)


@dataclass
class Decision:
    """What publishing a period decided: {measure: {group: figure, or None withheld}}."""

    period: Period
    figures: dict
    tree: dict
    k: int


def decide_period(period: Period, *, k: int | None = None) -> Decision:
    """Decide a period's figures beside everything published before (without writing)."""
    k = k or min_group()
    published = list(Publication.objects.select_related("round"))
    cutoffs = {p.round_id: p.cutoff for p in published if p.round_id is not None}
    if period.round is not None:
        cutoffs[period.round.pk] = period.cutoff
        years = _span(period.round.pk, period.cutoff)
    else:
        years = {period.year}
        for round_id in _rounds_in(period.year, cutoffs):
            years |= _span(round_id, cutoffs[round_id])
    this_round = period.round.pk if period.round is not None else None
    by_measure = load(years, cutoffs)
    # The periods published before whose answers are among those loaded: their groups are
    # told again from their own tree, so the new period is decided beside them.
    before = [
        p
        for p in published
        if (p.round_id is not None and p.round_id != this_round and _overlaps(p, years))
        or (p.round_id is None and p.year in years)
    ]
    shown_before = defaultdict(lambda: defaultdict(set))  # publication -> measure -> groups
    for publication, measure, group in PublishedFigure.objects.filter(
        publication__in=before, people__isnull=False
    ).values_list("publication_id", "measure", "group"):
        shown_before[publication][measure].add(group)
    tree = current_tree()
    depth = _depths(tree)
    figures: dict = {}
    for measure, cells in by_measure.items():
        kinds = kinds_of(measure)
        if period.round is not None and measure == GOALS:
            continue  # published per year (a goal's result is recorded at the next one)
        fixed: dict = defaultdict(list)
        for publication in before:
            shown = shown_before[publication.pk].get(measure, set())
            if not shown:
                continue
            for cell in cells.people:
                if _in(cell, publication):
                    for group in groups_of(cell, publication.tree, kinds):
                        if group in shown:
                            fixed[(publication.pk, group)].append(cell)
        candidates: dict = defaultdict(list)
        for cell in cells.people:
            if cell.round == this_round if this_round is not None else cell.year == period.year:
                for group in groups_of(cell, tree, kinds):
                    candidates[group].append(cell)
        ordered = sorted(
            candidates.items(),
            key=lambda item: _order(item[0], sum(len(cells.people[c]) for c in item[1]), depth),
        )
        shown = decide(cells.people, published=fixed.values(), candidates=ordered, k=k)
        figures[measure] = {
            group: _figure(cells, members, measure) if group in shown else None
            for group, members in candidates.items()
        }
    return Decision(period=period, figures=figures, tree=tree, k=k)


def _figure(cells: Cells, members: list, measure: str) -> list:
    people: set = set()
    values: Counter = Counter()
    conversations: set = set()
    for cell in members:
        people |= cells.people[cell]
        values.update(cells.values[cell])
        conversations |= cells.conversations.get(cell, set())
    if measure == GOALS:
        return [len(people), len(conversations), *(values[r] for r in RESULTS)]
    return [len(people), *(values[v] for v in VALUES)]


class Superseded(Exception):
    """Another period was published while this one was being decided: decide it again."""


def publish(period: Period) -> Publication:
    """Decide a closed period's figures and keep them, once. Decided outside the write
    transaction (it reads every answer of the period), kept only if nothing was published
    meanwhile, else decided again."""
    for _attempt in range(5):
        existing = _existing(period)
        if existing is not None:
            return existing
        seen = Publication.objects.aggregate(n=Max("pk"))["n"] or 0
        decision = decide_period(period)
        try:
            return _keep(decision, seen=seen)
        except Superseded:
            continue
    raise RuntimeError(f"could not publish {period}: others kept publishing")


def _existing(period: Period) -> Publication | None:
    if period.round is not None:
        return Publication.objects.filter(round=period.round).first()
    return Publication.objects.filter(kind=Publication.Kind.YEAR, year=period.year).first()


@transaction.atomic
def _keep(decision: Decision, *, seen: int) -> Publication:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one publisher at a time (SQLite: IMMEDIATE)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISH_LOCK])
    if Publication.objects.filter(pk__gt=seen).exists():
        raise Superseded
    period = decision.period
    publication = Publication.objects.create(
        kind=Publication.Kind.ROUND if period.round else Publication.Kind.YEAR,
        year=timezone.localtime(period.cutoff).year if period.round else period.year,
        round=period.round,
        cutoff=period.cutoff,
        k=decision.k,
        tree=decision.tree,
        published_at=timezone.now(),
    )
    PublishedFigure.objects.bulk_create(
        (
            PublishedFigure(
                publication=publication,
                measure=measure,
                group=group,
                people=None if figure is None else figure[0],
                values=None if figure is None else figure[1:],
            )
            for measure, groups in decision.figures.items()
            for group, figure in groups.items()
        ),
        batch_size=2000,
    )
    return publication


PUBLISH_LOCK = 0x5A4D_7075  # "SMpu": the advisory lock publishers take on PostgreSQL


def due(now: datetime | None = None) -> list[Period]:
    """The closed periods not yet published, in the order they closed: the years that have
    ended since the first answer, and the closed rounds."""
    now = now or timezone.now()
    this_year = timezone.localtime(now).year
    first = [
        Conversation.objects.filter(status=Conversation.Status.SIGNED).aggregate(
            a=Min("signed_at")
        )["a"],
        Feedback.objects.filter(rating__isnull=False).aggregate(a=Min("at"))["a"],
        Goal.objects.exclude(result="").aggregate(a=Min("reviewed_at"))["a"],
    ]
    first = [at for at in first if at is not None]
    done_years = set(
        Publication.objects.filter(kind=Publication.Kind.YEAR).values_list("year", flat=True)
    )
    periods = []
    if first:
        for year in range(_year_of(min(first)), this_year):
            if year not in done_years:
                periods.append(Period(year=year))
    published_rounds = Publication.objects.filter(round__isnull=False).values("round_id")
    for round in Round.objects.filter(closed_at__isnull=False, closed_at__lte=now).exclude(
        pk__in=published_rounds
    ):
        periods.append(Period(year=_year_of(round.closed_at), round=round))
    return sorted(periods, key=lambda p: (p.cutoff, p.round is not None))


def publish_due(now: datetime | None = None) -> list[Publication]:
    """Publish every closed period not yet published, in the order they closed."""
    return [publish(period) for period in due(now)]


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Withheld:
    """Why a figure from answers is not shown, in words (the same on the page, in CSV,
    Excel and the API); `label` is the word a table cell shows, with the words below it."""

    code: str  # "withheld", "year_open", "round_open", "pending", "per_year"
    text: str
    label: str

    def __str__(self) -> str:
        return str(self.text)


HIDDEN = _("Hidden")
NOT_YET = _("Not yet published")
_REASONS = {
    "withheld": (WITHHELD, HIDDEN),
    "year_open": (YEAR_OPEN, NOT_YET),
    "round_open": (ROUND_OPEN, NOT_YET),
    "pending": (PENDING, NOT_YET),
    "per_year": (PER_YEAR, _("Per year")),
}


def withheld(code: str) -> Withheld:
    text, label = _REASONS[code]
    return Withheld(code=code, text=text, label=label)


@dataclass(frozen=True)
class Figure:
    """A published figure: how many people answered, and the answers per value (1–5; for
    goal results: achieved, partly, not), and for goal results how many conversations."""

    people: int
    counts: tuple
    conversations: int | None = None

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


def _as_figure(people, values, measure: str):
    if people is None:
        return withheld("withheld")
    if measure == GOALS:
        return Figure(people=people, conversations=values[0], counts=tuple(values[1:]))
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
        if year >= timezone.localtime(now).year:
            return withheld("year_open")
        if self.latest_year is not None and year < self.latest_year:
            return None
        return withheld("pending") if _has_answers(year) else None


def _has_answers(year: int) -> bool:
    """Whether any answer was final in a year (the worker will publish it)."""
    start, end = year_bounds(year)
    return (
        Conversation.objects.filter(
            status=Conversation.Status.SIGNED, signed_at__gte=start, signed_at__lt=end
        ).exists()
        or Feedback.objects.filter(rating__isnull=False, at__gte=start, at__lt=end).exists()
        or Goal.objects.filter(
            result__in=RESULTS, reviewed_at__gte=start, reviewed_at__lt=end
        ).exists()
    )


def latest_year() -> int | None:
    """The latest year published."""
    return Publication.objects.filter(kind=Publication.Kind.YEAR).aggregate(y=Max("year"))["y"]


def latest_satisfaction() -> tuple[int, Figure | Withheld | None] | None:
    """(year, figure) of the whole organization's satisfaction with the conversations in the
    latest year published (a figure frozen once published: the status analysis shows the
    same), or None before any year is."""
    year = latest_year()
    if year is None:
        return None
    found = figures(measures=[SATISFACTION], groups=[unit_group(None)], years=[year])
    return year, found.get((year, SATISFACTION, unit_group(None)))


def periods(*, years: Iterable[int] = (), rounds: Iterable[Round] = ()) -> Periods:
    rounds = list(rounds)
    found = list(
        Publication.objects.filter(
            Q(kind=Publication.Kind.YEAR, year__in=list(years))
            | Q(round__in=[r.pk for r in rounds])
        )
    )
    return Periods(
        years={p.year: p for p in found if p.round_id is None},
        rounds={p.round_id: p for p in found if p.round_id is not None},
        latest_year=latest_year(),
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
    two for the periods, unless `found` has them). A period not published yet gives its
    reason for every group."""
    now = now or timezone.now()
    years, measures, groups = list(years), list(measures), list(groups)
    if found is None:
        found = periods(years=years, rounds=[round] if round is not None else [])
    wanted = {}  # publication pk -> the key's first part
    result: dict = {}
    for year in years:
        publication = found.years.get(year)
        if publication is None:
            reason = found.reason(year=year, round=None, now=now)
            result.update({(year, m, g): reason for m in measures for g in groups})
        else:
            wanted[publication.pk] = year
    if round is not None:
        publication = found.rounds.get(round.pk)
        if publication is None:
            reason = found.reason(year=None, round=round, now=now)
            result.update({(0, m, g): reason for m in measures for g in groups})
        else:
            wanted[publication.pk] = 0
        if GOALS in measures:
            result.update({(0, GOALS, g): withheld("per_year") for g in groups})
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
            result[key] = _as_figure(people, values, measure)
    return result


def figures_of_kind(*, year: int, measure: str, prefix: str) -> tuple[dict, Withheld | None]:
    """({group: Figure or Withheld}, why none) of every group of one kind in a year (the
    rating habits: every leader's goal results)."""
    found = periods(years=[year])
    publication = found.years.get(year)
    if publication is None:
        return {}, found.reason(year=year, round=None, now=timezone.now())
    return {
        group: _as_figure(people, values, measure)
        for group, people, values in PublishedFigure.objects.filter(
            publication=publication, measure=measure, group__startswith=prefix
        ).values_list("group", "people", "values")
    }, None


def likert_measures(years: Iterable[int]) -> list[str]:
    """The statements with figures published in these years."""
    return list(
        PublishedFigure.objects.filter(
            publication__kind=Publication.Kind.YEAR,
            publication__year__in=list(years),
            measure__startswith=LIKERT,
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


# The groups a viewer reads ------------------------------------------------------------------


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
