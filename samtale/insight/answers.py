"""The answers page's figures: the statements' answers and the satisfaction, per unit, per
statement and per area, as published for each year (insight.publication). The page and its
CSV and Excel files both read them here, so the two never show different figures."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from samtale.insight import charts, selectors, status
from samtale.insight.publication import figures as published
from samtale.insight.publication.figures import Figure, Periods, Withheld
from samtale.insight.publication.measures import LIKERT, SATISFACTION


@dataclass(frozen=True)
class Answers:
    tree: selectors.Tree
    node: object  # the unit drilled down to, or selectors.ORGANIZATION
    units: list  # the node and the units right below it
    year: int
    years: list[int]  # the five years up to `year`
    statements: dict  # key -> (text, area)
    keys: list[str]  # the statements with figures, in the templates' order
    areas: dict  # area -> the keys of its statements
    group: dict  # unit -> its published group
    figures: dict  # (year, measure, group) -> Figure, Withheld or None
    found: Periods

    @property
    def not_yet(self) -> Withheld | None:
        """Why the year has no figures yet (not published), if so."""
        why = self.figures.get((self.year, SATISFACTION, self.group[self.node]))
        return why if isinstance(why, Withheld) and why.code != "withheld" else None

    def value(self, year: int, measure: str, unit):
        return self.figures.get((year, measure, self.group[unit]))

    def area_value(self, year: int, keys: list[str], unit) -> Figure | Withheld | None:
        return _area_figure([self.value(year, LIKERT + key, unit) for key in keys])

    def text(self, key: str) -> str:
        return self.statements.get(key, (key, ""))[0]

    def name(self, unit) -> str:
        if unit == selectors.ORGANIZATION:
            return str(_("The whole organization"))
        return self.tree.names[unit]

    def shown_in(self, year: int, units: list) -> list:
        """What is shown for a year: the satisfaction, each statement and each area, as
        (kind, title, area, {unit: Figure, Withheld or None}); one nobody answered is left
        out."""
        rows = [
            (
                "satisfaction",
                str(_("How satisfied with the conversation")),
                "",
                {u: self.value(year, SATISFACTION, u) for u in units},
            )
        ]
        rows += [
            (
                "statement",
                self.text(key),
                self.statements.get(key, ("", ""))[1],
                {u: self.value(year, LIKERT + key, u) for u in units},
            )
            for key in self.keys
        ]
        rows += [
            ("area", area, area, {u: self.area_value(year, keys, u) for u in units})
            for area, keys in self.areas.items()
        ]
        return [row for row in rows if any(v is not None for v in row[3].values())]

    def rows(self, by_unit: dict) -> list[dict]:
        """The table of one statement, area or the satisfaction: a row per unit."""
        return [
            {
                "unit": unit,
                "name": self.name(unit),
                "figure": by_unit[unit] if isinstance(by_unit[unit], Figure) else None,
                "why": by_unit[unit] if isinstance(by_unit[unit], Withheld) else None,
                "is_node": unit == self.node,
            }
            for unit in self.units
        ]


def answers_of(tree: selectors.Tree, *, node, year: int, profession: str | None) -> Answers:
    """The published figures of the unit and those right below it, of one profession group
    or all, over the five years up to `year`."""
    years = status.years_to(year)
    units = [node, *tree.below(node)]
    group = {
        unit: published.unit_group(
            None if unit == selectors.ORGANIZATION else unit, profession=profession
        )
        for unit in units
    }
    info = selectors.statements()
    order = {key: n for n, key in enumerate(info)}
    keys = sorted(
        (m.removeprefix(LIKERT) for m in published.likert_measures(years)),
        key=lambda key: (order.get(key, len(order)), key),
    )
    areas: dict[str, list[str]] = {}
    for key in keys:
        area = info.get(key, ("", ""))[1]
        if area:
            areas.setdefault(area, []).append(key)
    found = published.periods(years=years)
    figures = published.figures(
        measures=[SATISFACTION, *(LIKERT + key for key in keys)],
        groups=group.values(),
        years=years,
        found=found,
    )
    return Answers(
        tree=tree,
        node=node,
        units=units,
        year=year,
        years=years,
        statements=info,
        keys=keys,
        areas=areas,
        group=group,
        figures=figures,
        found=found,
    )


def _area_figure(values: list) -> Figure | Withheld | None:
    """An area's figure for one group: the answers to its statements published for that
    group, summed (nothing but a sum of figures shown); `people` is the number of answers.
    None shown but some withheld: why (not "no answers"), one reason if they share it."""
    shown = [value for value in values if isinstance(value, Figure)]
    if not shown:
        held = list(dict.fromkeys(value for value in values if isinstance(value, Withheld)))
        if not held:
            return None
        return held[0] if len(held) == 1 else published.withheld("withheld")
    counts = tuple(map(sum, zip(*(figure.counts for figure in shown), strict=True)))
    return Figure(people=sum(counts), counts=counts)


# What the page shows of the year ---------------------------------------------------------


def this_year(page: Answers, *, per_unit: int | None = None) -> dict:
    """The page's tables of the year: the satisfaction, each area with its chart and a row
    per unit, each statement with the unit's own row (and a row per unit below it for the
    statement numbered `per_unit`, one at a time: thirteen statements by twenty units made
    a page of 150 kB and seventeen phone screens), and each statement's and area's mean over
    the years."""
    shown = [] if page.not_yet else page.shown_in(page.year, page.units)
    satisfaction = next((row for kind, _t, _a, row in shown if kind == "satisfaction"), None)
    statements = []
    for n, (title, by_unit) in enumerate(
        ((t, row) for kind, t, _a, row in shown if kind == "statement"), start=1
    ):
        rows = page.rows(by_unit)
        statements.append(
            {
                "number": n,
                "anchor": f"statement-{n}",
                "text": title,
                "per_unit": n == per_unit,
                "rows": rows if n == per_unit else rows[:1],
                "below": len(rows) - 1,
            }
        )
    areas = []
    for n, (title, by_unit) in enumerate(
        ((t, row) for kind, t, _a, row in shown if kind == "area"), start=1
    ):
        drawn = page.rows(by_unit)
        areas.append(
            {
                "anchor": f"area-{n}",
                "name": title,
                "rows": drawn,
                "chart": charts.bars(
                    f"chart-area-{n}",
                    _("Mean answer (1–5): %(area)s") % {"area": title},
                    _("One bar per unit, in the same order as the table."),
                    [(row["name"], row["figure"] and row["figure"].mean) for row in drawn],
                    maximum=5,
                    suffix="",
                    digits=1,
                ),
            }
        )
    return {
        "satisfaction": page.rows(satisfaction) if satisfaction else None,
        "statements": statements,
        "areas": areas,
        "over_time": _over_time(page),
    }


def _over_time(page: Answers) -> list[dict]:
    """Each area's and statement's mean in the unit, year by year, of those with any."""
    over_time = [
        {
            "text": area,
            "is_area": True,
            "means": [_mean(page.area_value(y, keys, page.node)) for y in page.years],
        }
        for area, keys in page.areas.items()
    ] + [
        {
            "text": page.text(key),
            "means": [_mean(page.value(y, LIKERT + key, page.node)) for y in page.years],
        }
        for key in page.keys
    ]
    return [
        {**row, "means": list(zip(page.years, row["means"], strict=True))}
        for row in over_time
        if any(m is not None for m in row["means"])
    ]


def _mean(figure):
    return figure.mean if isinstance(figure, Figure) else None
