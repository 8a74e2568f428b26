"""Reading a unit's competence plan for a year: the competence needs its conversations
agreed, by kind, as published (insight.publication.figures.competence), the shared needs
for competence in the register, and what the plan's keepers decided and wrote."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from samtale.competence.models import PlanComment, PlanLine
from samtale.conversations.models import CompetenceKind
from samtale.insight.publication import figures as published
from samtale.insight.publication.measures import SERVES
from samtale.needs.models import Category
from samtale.org.models import Unit
from samtale.priorities import selectors as priorities_selectors

# The shared needs the plan's page lists (an organization's can be hundreds).
NEEDS_SHOWN = 20
# The plan's years: this year, while its rounds are published, and the four before it.
YEARS_BACK = 4


def years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - YEARS_BACK - 1, -1))


def year_to_show() -> int:
    """The year a plan opens at: this year once a round of it is published, else the
    latest with figures published (within the plan's years), else this year. A plan of a
    year with nothing published would show no figures; the page says which year it opened
    at and why (plan.html)."""
    latest = published.latest_published_year()
    return latest if latest in years() else timezone.localdate().year


@dataclass
class Row:
    """One kind of competence need in the plan."""

    kind: str
    label: str
    count: int | None  # None: not shown (withheld, or nothing published yet)
    cost: int | None
    line: PlanLine | None
    needs: list[Any] = field(default_factory=list)  # the shared needs of this kind

    @property
    def needs_cost(self) -> int:
        return sum(n.cost or 0 for n in self.needs)

    @property
    def empty(self) -> bool:
        return not self.count and not self.needs and self.line is None


@dataclass
class Plan:
    unit: Unit | None
    year: int
    figure: published.Competence | None  # None: nothing agreed (published) for the group
    rows: list[Row]
    unkinded_needs: list[Any]  # shared needs for competence with no kind stated
    comments: list[Any]
    # The unit's goals for the year, each with the agreed goals serving it as published
    # (a Figure: done, under way, not started), or why not (Withheld), or None (none).
    served: list[Any] = field(default_factory=list)

    @property
    def total_count(self) -> int:
        return sum(r.count or 0 for r in self.rows)

    @property
    def total_cost(self) -> int:
        return sum(r.cost or 0 for r in self.rows)

    @property
    def needs(self) -> list[Any]:
        return [n for r in self.rows for n in r.needs] + self.unkinded_needs

    @property
    def needs_shown(self) -> list[Any]:
        """The page's list: those raised in the most conversations first, at most
        NEEDS_SHOWN (the register lists them all; the table counts them all)."""
        ranked = sorted(self.needs, key=lambda n: (-n.conversations, n.pk))
        return ranked[:NEEDS_SHOWN]

    @property
    def needs_cost(self) -> int:
        return sum(n.cost or 0 for n in self.needs)

    @property
    def unkinded_cost(self) -> int:
        return sum(n.cost or 0 for n in self.unkinded_needs)

    @property
    def nothing(self) -> bool:
        return all(r.empty for r in self.rows) and not self.unkinded_needs


def _subtree(unit: Unit) -> list[int]:
    """The unit and every unit below it, from one query of the units' tree (not one a
    level)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Unit.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, level = [unit.pk], [unit.pk]
    while level:
        level = [child for pk in level for child in children.get(pk, ()) if child not in found]
        found.extend(level)
    return found


def plan_of(*, unit: Unit | None, year: int, needs: Any) -> Plan:
    """The plan of a unit (None: the organization) for a year. `needs` are the shared needs
    for competence the reader may see (needs.policy.competence_needs_visible_to)."""
    group = published.unit_group(unit.pk if unit is not None else None)
    goals = priorities_selectors.of_unit(unit=unit, year=year)
    figure, served = published.competence(
        group=group, year=year, served=[f"{SERVES}{goal.pk}" for goal in goals]
    )
    shown = figure is not None and figure.shown
    # Those the plan put in the budget list itself are its own lines, not needs beside it.
    needs = needs.filter(
        category=Category.COMPETENCE, year=year, merged_into__isnull=True, from_plan=False
    )
    if unit is not None:
        needs = needs.filter(unit_id__in=_subtree(unit))
    needs = list(needs.select_related("unit").order_by("-conversations", "pk"))
    lines = {line.kind: line for line in PlanLine.objects.filter(unit=unit, year=year)}
    rows = []
    for i, (kind, label) in enumerate(CompetenceKind.choices):
        rows.append(
            Row(
                kind=kind,
                label=str(label),
                count=figure.counts[i] if shown and figure is not None else None,
                cost=figure.costs[i] if shown and figure is not None else None,
                line=lines.get(kind),
                needs=[n for n in needs if n.competence == kind],
            )
        )
    return Plan(
        unit=unit,
        year=year,
        figure=figure,
        rows=rows,
        unkinded_needs=[n for n in needs if not n.competence],
        comments=list(PlanComment.objects.filter(unit=unit, year=year).select_related("author")),
        served=[(goal, served[f"{SERVES}{goal.pk}"]) for goal in goals],
    )
