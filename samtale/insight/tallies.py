"""The organization's counts for the insight pages, kept in insight.Tally: counted by the
worker every hour (insight.jobs), or on the spot for a year not yet counted. Only for what
HR sees, the whole organization; a leader's line is counted on each visit, being small."""

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone

from samtale.actions.models import Goal
from samtale.conversations.models import Conversation, Feedback, LikertAnswer
from samtale.core import access
from samtale.insight import fairness, status
from samtale.insight.models import Tally
from samtale.insight.selectors import (
    SATISFACTION,
    by_profession,
    figures_from,
    raw_answers,
    raw_likert,
)
from samtale.privacy.selectors import add_retained_likert


def _dump(units: dict) -> list:
    """Each unit's Counter as kept: everyone's counts (those per profession group are kept
    apart, as by_profession gives them: only the filtered page reads them)."""
    return [
        [unit, {key: n for key, n in counts.items() if "@" not in key}]
        for unit, counts in units.items()
    ]


def _load(rows: list) -> dict:
    return {unit: Counter(counts) for unit, counts in rows}


def _store(kind: str, year: int, data, at: datetime) -> None:
    Tally.objects.update_or_create(
        kind=kind, year=year, round=None, defaults={"data": data, "counted_at": at}
    )


def count_status(years: list[int]) -> None:
    """Count the status analysis of the whole organization for these years, and keep it."""
    at = timezone.now()
    raw = status.raw_status(access.whole_organization_scope(), years=years)
    with transaction.atomic():
        for year in years:
            _store(Tally.Kind.STATUS, year, _dump(raw.get(year, {})), at)  # no professions


def count_likert(year: int) -> None:
    """Count the statements' answers of one year in the whole organization, and keep them:
    everyone's, and apart per profession group (with the ratings after signing, which the
    filtered page shows beside them)."""
    at = timezone.now()
    start, end = status.between([year])
    # With the answers of conversations whose content retention removed, kept as counts
    # (privacy.retention): the year's figures stay what they were.
    raw = add_retained_likert(
        raw_likert(
            LikertAnswer.objects.annotate(when=status.when_of("conversation__")).filter(
                when__gte=start, when__lt=end
            )
        ),
        year,
    )
    ratings = raw_answers(
        Feedback.objects.filter(conversation__kind=Conversation.Kind.ANNUAL, rating__isnull=False)
        .annotate(when=status.when_of("conversation__"))
        .filter(when__gte=start, when__lt=end),
        key=Value(SATISFACTION),
        value=F("rating"),
        conversation="conversation__",
    )
    with transaction.atomic():
        _store(
            Tally.Kind.LIKERT,
            year,
            {statement: _dump(units) for statement, units in raw.items()},
            at,
        )
        _store(
            Tally.Kind.LIKERT_PROFESSIONS,
            year,
            {
                statement: [[unit, groups] for unit, groups in units.items()]
                for statement, units in by_profession(raw | ratings).items()
            },
            at,
        )


def count_ratings(year: int) -> None:
    """Count the leaders' ratings of goal results in one year's conversations (the rating
    habits page), and keep them."""
    at = timezone.now()
    counts, conversations = fairness.raw_ratings(Goal.objects.all(), year=year)
    rows = [[leader, conversations.get(leader, 0), dict(c)] for leader, c in counts.items()]
    _store(Tally.Kind.RATINGS, year, rows, at)


def organization_ratings(year: int) -> tuple[dict, dict, datetime]:
    """(fairness.raw_ratings' two dicts, when counted) for a year; counted now if it was not."""
    tally = Tally.objects.filter(kind=Tally.Kind.RATINGS, year=year).first()
    if tally is None:
        count_ratings(year)
        tally = Tally.objects.get(kind=Tally.Kind.RATINGS, year=year)
    counts = {leader: Counter(c) for leader, _n, c in tally.data}
    conversations = {leader: n for leader, n, _c in tally.data}
    return counts, conversations, tally.counted_at


def count_round(round) -> None:
    """Count one round's status analysis of the whole organization, and keep it."""
    at = timezone.now()
    raw = status.raw_round_status(access.whole_organization_scope(), round)
    Tally.objects.update_or_create(
        kind=Tally.Kind.ROUND,
        round=round,
        defaults={"year": round.period_start.year, "data": _dump(raw), "counted_at": at},
    )


def refresh() -> None:
    """Counted again: the last five years, and any earlier year someone has looked at; the
    rounds someone has looked at, unless closed before they were last counted."""
    kept = set(Tally.objects.filter(round__isnull=True).values_list("year", flat=True))
    years = sorted(kept | set(status.years_to(timezone.localdate().year)))
    count_status(years)
    for year in years:
        count_likert(year)
        count_ratings(year)
    for tally in Tally.objects.filter(kind=Tally.Kind.ROUND).select_related("round"):
        closed = tally.round.closed_at
        if closed is None or closed > tally.counted_at:
            count_round(tally.round)


def organization_round(round) -> tuple[dict, datetime]:
    """({unit: Counter}, when counted) of a round over the whole organization; counted now
    the first time it is asked for."""
    tally = Tally.objects.filter(kind=Tally.Kind.ROUND, round=round).first()
    if tally is None:
        count_round(round)
        tally = Tally.objects.get(kind=Tally.Kind.ROUND, round=round)
    return _load(tally.data), tally.counted_at


def organization_status(years: list[int]) -> tuple[dict, datetime]:
    """({year: {unit: Counter}}, when counted) for the whole organization; the years not yet
    counted are counted now."""
    kept = {t.year: t for t in Tally.objects.filter(kind=Tally.Kind.STATUS, year__in=years)}
    missing = [year for year in years if year not in kept]
    if missing:
        count_status(missing)
        kept |= {t.year: t for t in Tally.objects.filter(kind=Tally.Kind.STATUS, year__in=missing)}
    return (
        {year: _load(t.data) for year, t in kept.items()},
        min(t.counted_at for t in kept.values()),
    )


def organization_likert(years: list[int], *, professions: bool = False) -> tuple[dict, datetime]:
    """({year: {statement: {unit: Counter}}}, when counted) for the whole organization; the
    years not yet counted are counted now. `professions`: the counts per profession group
    (and the ratings after signing as the statement SATISFACTION) instead of everyone's."""
    kind = Tally.Kind.LIKERT_PROFESSIONS if professions else Tally.Kind.LIKERT
    kept = {t.year: t for t in Tally.objects.filter(kind=kind, year__in=years)}
    missing = [year for year in years if year not in kept]
    for year in missing:
        count_likert(year)
    if missing:
        kept |= {t.year: t for t in Tally.objects.filter(kind=kind, year__in=missing)}
    load = _load_groups if professions else _load
    return (
        {
            year: {statement: load(rows) for statement, rows in t.data.items()}
            for year, t in kept.items()
        },
        min(t.counted_at for t in kept.values()),
    )


def _load_groups(rows: list) -> dict:
    return {unit: {g: tuple(counts) for g, counts in groups.items()} for unit, groups in rows}


# The figures drawn from the answers' tallies, by the tallies' versions (id and time
# counted), the tree, k and the profession group: the same for every visit until the worker
# counts again, so a process keeps the latest and reads the counts only when they changed.
_figures_kept: dict = {}
_FIGURES_KEPT = 64


def likert_figures(
    years: list[int], *, tree, k: int, profession: str | None = None
) -> tuple[dict, dict, datetime]:
    """({year: figures_from}, {year: the ratings' figures, by profession only}, when
    counted) of the organization's answers to the statements, for the years asked for."""
    kind = Tally.Kind.LIKERT_PROFESSIONS if profession else Tally.Kind.LIKERT
    versions = list(
        Tally.objects.filter(kind=kind, year__in=years).values_list("pk", "year", "counted_at")
    )
    if {year for _pk, year, _at in versions} != set(years):
        organization_likert(years, professions=profession is not None)  # counts the missing
        versions = list(
            Tally.objects.filter(kind=kind, year__in=years).values_list("pk", "year", "counted_at")
        )
    key = (tuple(sorted(versions)), tree.frozen, k, profession)
    if key not in _figures_kept:
        raw, _at = organization_likert(years, professions=profession is not None)
        ratings = {}
        if profession is not None:
            ratings = {y: {SATISFACTION: by_key.pop(SATISFACTION, {})} for y, by_key in raw.items()}
        figures = {
            y: figures_from(raw.get(y, {}), tree=tree, k=k, profession=profession) for y in years
        }
        rated = {
            y: figures_from(r, tree=tree, k=k, profession=profession).get(SATISFACTION, {})
            for y, r in ratings.items()
        }
        while len(_figures_kept) >= _FIGURES_KEPT:
            _figures_kept.pop(next(iter(_figures_kept)))
        _figures_kept[key] = (figures, rated)
    figures, rated = _figures_kept[key]
    return figures, rated, min(at for _pk, _year, at in versions)
