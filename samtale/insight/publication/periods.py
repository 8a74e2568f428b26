"""The periods figures are published for: the years that have ended and the rounds that have
closed, and which of them are due."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from samtale.actions.models import Goal
from samtale.conversations.models import Conversation, Feedback
from samtale.core.queries import exists
from samtale.insight.models import Publication
from samtale.insight.publication.measures import RESULTS
from samtale.rounds.models import Round


def _year_of(moment: datetime) -> int:
    return timezone.localtime(moment).year


def year_bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))
    return start, timezone.make_aware(datetime(year + 1, 1, 1))


def years_with_answers(years: list[int]) -> set[int]:
    """Of these years, those in which any answer was final (the worker will publish them):
    a signed conversation, a rating, a goal's result. One query, an EXISTS for each."""
    asked: dict[str, QuerySet[Any]] = {}
    for year in years:
        start, end = year_bounds(year)
        asked |= {
            f"signed_{year}": Conversation.objects.filter(
                status=Conversation.Status.SIGNED, signed_at__gte=start, signed_at__lt=end
            ),
            f"rated_{year}": Feedback.objects.filter(
                rating__isnull=False, at__gte=start, at__lt=end
            ),
            f"reviewed_{year}": Goal.objects.filter(
                result__in=RESULTS, reviewed_at__gte=start, reviewed_at__lt=end
            ),
        }
    found = exists(**asked)
    return {year for year in years if any(found[f"{what}_{year}"] for what in ANSWERS)}


ANSWERS = ("signed", "rated", "reviewed")


@dataclass(frozen=True)
class Period:
    """A period to publish: a year, or a round (closed) with its cutoff."""

    year: int
    round: Round | None = None

    @property
    def cutoff(self) -> datetime:
        if self.round is None:
            return year_bounds(self.year)[1]
        assert self.round.closed_at is not None  # a period's round is closed
        return self.round.closed_at

    def __str__(self) -> str:
        return f"round {self.round.pk}" if self.round is not None else f"year {self.year}"


def years_of_round(round_id: int, cutoff: datetime) -> set[int]:
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


def rounds_in(year: int, cutoffs: dict[int, datetime]) -> set[int]:
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


def overlaps(publication: Publication, years: set[int]) -> bool:
    """Whether a published round has answers final in any of these years."""
    return publication.round_id is not None and bool(
        years_of_round(publication.round_id, publication.cutoff) & years
    )


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
        assert round.closed_at is not None  # the query asks for closed ones
        periods.append(Period(year=_year_of(round.closed_at), round=round))
    return sorted(periods, key=lambda p: (p.cutoff, p.round is not None))
