"""Publishing a closed period: its figures decided beside everything published before
(insight.anonymity), then kept, once, by one publisher at a time."""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from samtale.insight.anonymity import decide, min_group
from samtale.insight.models import Publication, PublishedFigure
from samtale.insight.publication import proof
from samtale.insight.publication.cells import (
    Cells,
    ancestors,
    current_tree,
    groups_of,
    in_publication,
    load,
)
from samtale.insight.publication.measures import (
    BUCKETS,
    COMPETENCE,
    FOLLOW_UP,
    GOALS,
    HAS_GOALS,
    KINDS,
    ORG,
    PROGRESS,
    RESULTS,
    SERVES,
    SIGNED,
    TALK,
    UNTOUCHED,
    VALUES,
    YEARLY,
    family,
    kinds_of,
)
from samtale.insight.publication.periods import Period, due, overlaps, rounds_in, years_of_round


@dataclass
class Decision:
    """What publishing a period decided: {measure: {group: figure, or why withheld}}, and
    for the proof every figure shown of each measure, this period's and those published
    before beside it: {measure: (the people per cell, [(group, its cells)])}."""

    period: Period
    figures: dict
    tree: dict
    k: int
    shown: dict = field(default_factory=dict)


def decide_period(period: Period, *, k: int | None = None) -> Decision:
    """Decide a period's figures beside everything published before (without writing)."""
    k = k or min_group()
    published = list(Publication.objects.select_related("round"))
    cutoffs = {p.round_id: p.cutoff for p in published if p.round_id is not None}
    if period.round is not None:
        cutoffs[period.round.pk] = period.cutoff
        years = years_of_round(period.round.pk, period.cutoff)
    else:
        years = {period.year}
        for round_id in rounds_in(period.year, cutoffs):
            years |= years_of_round(round_id, cutoffs[round_id])
    this_round = period.round.pk if period.round is not None else None
    by_measure = load(years, cutoffs)
    # The periods published before whose answers are among those loaded: their groups are
    # told again from their own tree, so the new period is decided beside them.
    before = [
        p
        for p in published
        if (p.round_id is not None and p.round_id != this_round and overlaps(p, years))
        or (p.round_id is None and p.year in years)
    ]
    # publication -> measure -> groups
    shown_before: defaultdict[int, defaultdict[str, set[Any]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for publication, measure, group in PublishedFigure.objects.filter(
        publication__in=before, people__isnull=False
    ).values_list("publication_id", "measure", "group"):
        shown_before[publication][measure].add(group)
    tree = current_tree()
    depth = _depths(tree)
    figures: dict = {}
    everything: dict = {}
    for measure, cells in by_measure.items():
        kinds = kinds_of(measure)
        if period.round is not None and family(measure) in YEARLY:
            continue  # published per year (a goal's result is recorded at the next one)
        fixed = _told_again(cells, before, shown_before, measure, kinds)
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
            group: _figure(cells, members, measure) if group in shown else _why(cells, members, k)
            for group, members in candidates.items()
        }
        everything[measure] = (
            cells.people,
            [*fixed.items(), *((group, candidates[group]) for group in shown)],
        )
    return Decision(period=period, figures=figures, tree=tree, k=k, shown=everything)


def _told_again(cells: Cells, before: list, shown_before: dict, measure: str, kinds: str) -> dict:
    """{(publication, group): its cells} of the measure's groups shown in the periods
    published before, told again from each one's own tree."""
    fixed: dict = defaultdict(list)
    for publication in before:
        shown = shown_before[publication.pk].get(measure, set())
        if not shown:
            continue
        for cell in cells.people:
            if in_publication(cell, publication):
                for group in groups_of(cell, publication.tree, kinds):
                    if group in shown:
                        fixed[(publication.pk, group)].append(cell)
    return fixed


# Why a group's figure is withheld, kept with it (PublishedFigure.values, people None):
# fewer than k answered, or enough did but the figure would let a smaller group be
# computed beside the others ("complementary suppression", insight.anonymity).
FEW, BESIDE = "few", "beside"


def _why(cells: Cells, members: list, k: int) -> dict:
    """A withheld figure: why, without how many answered (it could be subtracted)."""
    people = set().union(*(cells.people[c] for c in members)) if members else set()
    return {"why": FEW if len(people) < k else BESIDE}


def _figure(cells: Cells, members: list, measure: str) -> list:
    people: set = set()
    values: Counter = Counter()
    conversations: set = set()
    sums: Counter = Counter()
    for cell in members:
        people |= cells.people[cell]
        values.update(cells.values[cell])
        conversations |= cells.conversations.get(cell, set())
        sums.update(cells.sums.get(cell, {}))
    if measure == GOALS:
        return [len(people), len(conversations), *(values[r] for r in RESULTS)]
    if family(measure) == SERVES:
        return [len(people), *(values[p] for p in PROGRESS)]
    if measure == COMPETENCE:
        return [len(people), *(values[k] for k in KINDS), *(sums[k] for k in KINDS)]
    if measure == FOLLOW_UP:
        return [len(people), *(values[b] for b in BUCKETS), sums[UNTOUCHED]]
    if measure == SIGNED:
        return [
            len(people),
            *(values[v] for v in HAS_GOALS),
            *(sums[t] for t in TALK),
            _median(sums),
        ]
    return [len(people), *(values[v] for v in VALUES)]


def _median(sums: Counter) -> int | None:
    """The median of the days from meeting to signature (the lower middle one), of the
    histogram kept as sums {"days:N": conversations}."""
    histogram = sorted((int(key[5:]), n) for key, n in sums.items() if key.startswith("days:"))
    middle = (sum(n for _days, n in histogram) + 1) // 2
    for days, n in histogram:
        middle -= n
        if middle <= 0:
            return days
    return None


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
    return {unit: len(ancestors(int(unit), tree)) - 1 for unit in tree}


class Superseded(Exception):
    """Another period was published while this one was being decided: decide it again."""


def publish(period: Period) -> Publication:
    """Decide a closed period's figures, prove that nothing of fewer than k people can be
    computed from them and those beside them (publication.proof: Disclosed if it can), and
    keep them, once, with the proof's certificate. Decided outside the write transaction
    (it reads every answer of the period), kept only if nothing was published meanwhile,
    else decided again."""
    for _attempt in range(5):
        existing = _existing(period)
        if existing is not None:
            return existing
        seen = Publication.objects.aggregate(n=Max("pk"))["n"] or 0
        decision = decide_period(period)
        certificate = proof.prove(decision)
        try:
            return _keep(decision, certificate, seen=seen)
        except Superseded:
            continue
    raise RuntimeError(f"could not publish {period}: others kept publishing")


def _existing(period: Period) -> Publication | None:
    if period.round is not None:
        return Publication.objects.filter(round=period.round).first()
    return Publication.objects.filter(kind=Publication.Kind.YEAR, year=period.year).first()


@transaction.atomic
def _keep(decision: Decision, certificate: proof.Certificate, *, seen: int) -> Publication:
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
        proof=certificate.as_json(),
    )
    PublishedFigure.objects.bulk_create(
        (
            PublishedFigure(
                publication=publication,
                measure=measure,
                group=group,
                people=None if isinstance(figure, dict) else figure[0],
                values=figure if isinstance(figure, dict) else figure[1:],
            )
            for measure, groups in decision.figures.items()
            for group, figure in groups.items()
        ),
        batch_size=2000,
    )
    return publication


logger = logging.getLogger(__name__)

PUBLISH_LOCK = 0x5A4D_7075  # "SMpu": the advisory lock publishers take on PostgreSQL


def publish_due(now: datetime | None = None) -> list[Publication]:
    """Publish every closed period not yet published, in the order they closed. A period
    the proof refuses stops the ones after it (each is decided beside those before): it
    stays due, logged as an error, and the tenant's health says so (insight.health)."""
    published = []
    for period in due(now):
        try:
            published.append(publish(period))
        except proof.Disclosed as refused:
            logger.error("The proof refused to publish %s: %s", period, refused)
            break
    return published
