"""The organization's status counts for the insight pages, kept in insight.Tally: counted by
the worker every hour (insight.jobs), or on the spot for a year not yet counted. Only for
what HR sees, the whole organization; a leader's line is counted on each visit, being
small. Counts of conversations, actions and people only: the figures from answers are
published once per period (insight.publication)."""

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from samtale.insight import policy, status
from samtale.insight.models import Tally


def _dump(units: dict) -> list:
    """Each unit's Counter as kept."""
    return [[unit, dict(counts)] for unit, counts in units.items()]


def _load(rows: list) -> dict:
    return {unit: Counter(counts) for unit, counts in rows}


def count_status(years: list[int], *, new: bool = False) -> dict[int, Tally]:
    """Count the status analysis of the whole organization for these years, and keep it: in
    a few statements whatever the number of years (the first visit of a municipality's
    insight page counts every year it shows, and update_or_create took four a year; `new`:
    years not counted before, one). The tallies kept, by year."""
    at = timezone.now()
    raw = status.raw_status(policy.whole_organization_scope(), years=years)
    counted = {
        year: Tally(kind=Tally.Kind.STATUS, year=year, data=_dump(raw.get(year, {})), counted_at=at)
        for year in years
    }
    if new:
        # Counted by another process at the same moment: one of the two kept, the same.
        Tally.objects.bulk_create(counted.values(), ignore_conflicts=True)
        return counted
    with transaction.atomic():
        kept = {
            t.year: t
            for t in Tally.objects.select_for_update().filter(
                kind=Tally.Kind.STATUS, round__isnull=True, year__in=years
            )
        }
        for year, tally in kept.items():
            tally.data, tally.counted_at = counted[year].data, at
        Tally.objects.bulk_update(kept.values(), ["data", "counted_at"])
        Tally.objects.bulk_create(
            [t for year, t in counted.items() if year not in kept], ignore_conflicts=True
        )
    return {**counted, **kept}


def count_round(round, *, new: bool = False) -> Tally:
    """Count one round's status analysis of the whole organization, and keep it (`new`: not
    counted before, in one statement). The tally kept."""
    at = timezone.now()
    raw = status.raw_round_status(policy.whole_organization_scope(), round)
    counted = {"year": round.period_start.year, "data": _dump(raw), "counted_at": at}
    if new:
        tally = Tally(kind=Tally.Kind.ROUND, round=round, **counted)
        Tally.objects.bulk_create([tally], ignore_conflicts=True)
        return tally
    tally, _ = Tally.objects.update_or_create(kind=Tally.Kind.ROUND, round=round, defaults=counted)
    return tally


def refresh() -> None:
    """Counted again: the last five years, and any earlier year someone has looked at; the
    rounds someone has looked at, unless closed before they were last counted."""
    kept = set(Tally.objects.filter(round__isnull=True).values_list("year", flat=True))
    years = sorted(kept | set(status.years_to(timezone.localdate().year)))
    count_status(years)
    for tally in Tally.objects.filter(kind=Tally.Kind.ROUND).select_related("round"):
        if tally.round is None:  # none: a round's tally has its round
            continue
        closed = tally.round.closed_at
        if closed is None or closed > tally.counted_at:
            count_round(tally.round)


def organization_round(round) -> tuple[dict, datetime]:
    """({unit: Counter}, when counted) of a round over the whole organization; counted now
    the first time it is asked for."""
    tally = Tally.objects.filter(kind=Tally.Kind.ROUND, round=round).first()
    if tally is None:
        tally = count_round(round, new=True)
    return _load(tally.data), tally.counted_at


def organization_status(years: list[int]) -> tuple[dict, datetime]:
    """({year: {unit: Counter}}, when counted) for the whole organization; the years not yet
    counted are counted now."""
    kept = {t.year: t for t in Tally.objects.filter(kind=Tally.Kind.STATUS, year__in=years)}
    missing = [year for year in years if year not in kept]
    if missing:
        kept |= count_status(missing, new=True)
    return (
        {year: _load(t.data) for year, t in kept.items()},
        min(t.counted_at for t in kept.values()),
    )
