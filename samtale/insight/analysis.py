"""The status analysis as the insight page and the API both read it: one function, so the
two never count differently."""

from dataclasses import dataclass
from datetime import datetime

from samtale.insight import anonymity, selectors, status, tallies


@dataclass(frozen=True)
class Analysis:
    tree: selectors.Tree
    figures: dict  # {year: {unit: status.Status}}; year 0 for a round
    years: list[int]
    year: int  # 0 for a round
    counted_at: datetime | None  # when the worker counted it; None: counted now


def status_analysis(scope, *, year: int, round_=None) -> Analysis:
    """The figures of what a user may count (access.status_scope_of): a round's conversations
    wherever they fall in time, or the five years up to `year`. The whole organization's are
    counted by the worker (insight.tallies); a leader's line now, being small. The figures
    from answers only for groups the anonymity rule lets through."""
    tree = selectors.unit_tree(scope.units)
    years = status.years_to(year)
    if round_ is not None:
        if scope.whole_organization:
            own, counted_at = tallies.organization_round(round_)
        else:
            own, counted_at = status.raw_round_status(scope, round_), None
        raw, years, year = {0: own}, [0], 0
    elif scope.whole_organization:
        raw, counted_at = tallies.organization_status(years)
    else:
        counted_at = None
        raw = status.raw_status(scope, years=years)
    figures = status.status_figures(raw, tree=tree, years=years, k=anonymity.min_group())
    return Analysis(tree=tree, figures=figures, years=years, year=year, counted_at=counted_at)
