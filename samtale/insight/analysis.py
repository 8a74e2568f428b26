"""The status analysis as the insight page and the API both read it: one function, so the
two never count or publish differently."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from samtale.insight import selectors, status, tallies
from samtale.insight.anonymity import min_group
from samtale.insight.models import Publication
from samtale.insight.publication.figures import (
    Periods,
    Withheld,
    figures,
    periods,
    unit_group,
    withheld,
)
from samtale.insight.publication.measures import FOLLOW_UP, GOALS, SATISFACTION, SIGNED
from samtale.rounds.models import Round

# The status analysis's published figures: {Status's attribute: the measure}.
PUBLISHED = {
    "signatures": SIGNED,
    "follow_up": FOLLOW_UP,
    "goals": GOALS,
    "satisfaction": SATISFACTION,
}


# Why an open period's figure is not shown yet (publication.figures.withheld's codes).
OPEN = ("year_open", "round_open")


@dataclass(frozen=True)
class Analysis:
    tree: selectors.Tree
    figures: dict  # {year: {unit: status.Status}}; year 0 for a round
    years: list[int]
    year: int  # 0 for a round
    counted_at: datetime | None  # when the worker counted it; None: counted now
    round: Round | None = None
    leader_id: int | None = None  # a leader's line (their figures from answers), else HR's
    # For an open period: the active people counted in each unit now (with those below it).
    headcount: dict | None = None

    def group(self, unit) -> str:
        """The published group of a unit (or the top) as this user sees it."""
        return unit_group(None if unit == selectors.ORGANIZATION else unit, leader=self.leader_id)

    def periods(self) -> Periods:
        """The publications of the analysis's years (or its round), and the latest year
        published at all."""
        return periods(
            years=[y for y in self.years if y], rounds=[self.round] if self.round else []
        )

    def with_answers(self, units: list, *, found: Periods | None = None) -> "Analysis":
        """Add the published figures of these units (PUBLISHED: the signatures, the actions,
        the goal results and the satisfaction), in every year (or the round) of the
        analysis: from the publications (`found`, or read here), in one query."""
        groups = {unit: self.group(unit) for unit in units}
        published = figures(
            measures=list(PUBLISHED.values()),
            groups=groups.values(),
            years=[y for y in self.years if y],
            round=self.round,
            found=found,
        )
        k = min_group()
        for year, by_unit in self.figures.items():
            for unit in units:
                s = by_unit[unit]
                for name, measure in PUBLISHED.items():
                    figure = published.get((year, measure, groups[unit]))
                    if self._too_small(figure, unit, k):
                        figure = withheld("small", k=k)
                    setattr(s, name, figure)
        return self

    def _too_small(self, figure, unit, k: int) -> bool:
        """An open period's figure of a group with fewer than k people in it now: it would
        be withheld when published, and saying "not yet" would promise it."""
        return (
            self.headcount is not None
            and isinstance(figure, Withheld)
            and figure.code in OPEN
            and self.headcount.get(unit, 0) < k
        )


def status_analysis(scope, *, year: int, round_=None) -> Analysis:
    """The counts of what a user may count (policy.status_scope_of): a round's conversations
    wherever they fall in time, or the five years up to `year`. The whole organization's are
    counted by the worker (insight.tallies); a leader's line now, being small. The figures
    from answers are added for the units shown (Analysis.with_answers)."""
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
    by_year = status.status_figures(raw, tree=tree, years=years)
    is_open = round_.closed_at is None if round_ is not None else year >= timezone.localdate().year
    return Analysis(
        tree=tree,
        figures=by_year,
        years=years,
        year=year,
        counted_at=counted_at,
        round=round_,
        leader_id=None if scope.whole_organization else scope.leader_id,
        headcount=selectors.summed_up(tree, status.headcount(scope)) if is_open else None,
    )


@dataclass(frozen=True)
class Comparison:
    """One unit (or the top) of an analysis beside the units below it (compare), in its
    year, and the unit's trend over the years: what the page and its files show."""

    analysis: Analysis
    node: object
    top: str  # the top's name: the whole organization, or everyone below the leader
    compared: list  # [(unit, status.Status)], the node first
    trend: list  # [(year, status.Status)], the oldest first
    latest_published: int | None  # the latest year published at all
    publication: Publication | None = None  # the period's, once published

    @property
    def proof(self) -> dict | None:
        """The certificate of the period's proof (publication.proof), with when it was
        published: what HR is shown under the figures."""
        if self.publication is None or not self.publication.proof:
            return None
        return {**self.publication.proof, "at": self.publication.published_at}

    def name(self, unit) -> str:
        return self.top if unit == selectors.ORGANIZATION else self.analysis.tree.names[unit]

    def part_of(self, unit) -> str | None:
        """The name of the unit a row's unit is in, where that is not the node's own row
        (a team two levels down), so that a row is never read as its parent's."""
        up = self.analysis.tree.up(unit)
        return None if unit == self.node or up in (self.node, None) else self.name(up)


def compare(result: Analysis, node, *, top: str) -> Comparison:
    """The node and the units below it, with their figures from answers added: for HR the
    units right below it; for a leader every unit below it in their line, at any depth, as
    their home page lists them (a line is small; each unit's figures include those below)."""
    tree = result.tree
    below = tree.below(node) if result.leader_id is None else tree.every_below(node)
    found = result.periods()
    by_year = result.with_answers([node, *below], found=found).figures
    now = by_year[result.year]
    return Comparison(
        analysis=result,
        node=node,
        top=top,
        compared=[(node, now[node]), *((unit, now[unit]) for unit in below)],
        trend=[(y, by_year[y][node]) for y in result.years],
        latest_published=found.latest_year,
        publication=(
            found.rounds.get(result.round.pk) if result.round else found.years.get(result.year)
        ),
    )
