from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samtale.core import access
from samtale.core.http import guarded
from samtale.core.spreadsheet import csv_bytes, download, xlsx_bytes
from samtale.guides.models import GuideVersion, localized
from samtale.insight import anonymity, charts, selectors, status, tallies


class YearForm(forms.Form):
    """The year the insight pages show: this year unless another is asked for, never one
    after next year (nothing is planned that far ahead, and each year asked for is counted
    and kept: insight.tallies)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + 1
        if year is not None and year > last:
            raise forms.ValidationError(
                _("Choose a year up to %(last)s.") % {"last": last}, code="max_value"
            )
        return year


def _statements() -> dict[str, str]:
    """Each statement's text, in the reader's language, in the order the templates ask them
    (the templates' versions are few)."""
    texts = {}
    for version in GuideVersion.objects.only("themes").order_by("pk"):
        for statement in version.statements():
            texts.setdefault(statement["key"], localized(statement["text"]))
    return texts


@guarded(access.may_see_insight)
@require_GET
def likert_results(request):
    """The statements' answers per unit for a year: the organization or one unit, and the
    units right below it; a group only where the anonymity rule lets it through. HR's, so
    counted over the whole organization by the worker (insight.tallies)."""
    scope = access.status_scope_of(request.user)  # HR's: the whole organization
    filters, year = _year(request)
    tree = selectors.unit_tree(scope.units)
    node = _node(request, tree)
    k = anonymity.min_group()
    raw, counted_at = tallies.organization_likert(year)
    figures = selectors.figures_from(raw, tree=tree, k=k)
    status_raw, _counted = tallies.organization_status([year])
    by_unit = status.status_figures(status_raw, tree=tree, years=[year], k=k)[year]
    satisfaction = {unit: s.satisfaction for unit, s in by_unit.items() if s.satisfaction}
    texts = _statements()

    def name(unit) -> str:
        return (
            str(_("The whole organization")) if unit == selectors.ORGANIZATION else tree.names[unit]
        )

    if request.GET.get("format") == "csv":
        lines = [[_("Statement"), _("Unit"), _("People"), _("Mean"), "1", "2", "3", "4", "5"]]
        everything = [(_("How satisfied with the conversation"), satisfaction)] + [
            (texts.get(key, key), groups) for key, groups in sorted(figures.items())
        ]
        for text, groups in everything:
            for group, figure in groups.items():
                lines.append(
                    [text, name(group), figure.people, round(figure.mean, 2), *figure.counts]
                )
        return download(csv_bytes(lines), filename=f"svar-{year}.csv")
    order = {key: n for n, key in enumerate(texts)}  # as the templates ask them
    below = tree.below(node)

    def rows(groups: dict) -> list[dict]:
        return [
            {"unit": node, "name": name(node), "figure": groups.get(node), "is_node": True},
            *({"unit": unit, "name": name(unit), "figure": groups.get(unit)} for unit in below),
        ]

    shown = [
        (key, groups)
        for key, groups in sorted(figures.items(), key=lambda item: order.get(item[0], len(order)))
        if groups  # a statement too few answered shows nothing, not even its rows
    ]
    statements = [
        {"anchor": f"statement-{n}", "text": texts.get(key, key), "rows": rows(groups)}
        for n, (key, groups) in enumerate(shown, start=1)
    ]
    return render(
        request,
        "insight/likert.html",
        {
            "filters": filters,
            "year": year,
            "node": node,
            "node_name": name(node),
            "up": tree.up(node),
            "satisfaction": rows(satisfaction) if satisfaction else None,
            "statements": statements,
            "k": k,
            "counted_at": counted_at,
        },
    )


def _year(request) -> tuple[YearForm, int]:
    """The year asked for (a field error for a bad one), else this year."""
    this_year = timezone.localdate().year
    filters = YearForm(request.GET or None, initial={"year": this_year})
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    return filters, year or this_year


def _node(request, tree: selectors.Tree):
    """The unit drilled down to (?enhet=), or the top; one outside the tree is not found."""
    wanted = request.GET.get("enhet")
    if not wanted:
        return selectors.ORGANIZATION
    try:
        node = int(wanted)
    except ValueError:
        raise Http404 from None
    if node not in tree:
        raise Http404
    return node


def _percent(value):
    return None if value is None else round(value, 1)


def _status_columns():
    """The comparison table's columns: (heading, the figure from a Status)."""
    return [
        (_("Permanent employees"), lambda s: _nth(s.coverage, 0)),
        (
            _("Signed within the interval (%)"),
            lambda s: _percent(s.covered_share) if s.today else None,
        ),
        (_("Missing a conversation this year"), lambda s: _nth(s.coverage, 2)),
        (_("Planned"), lambda s: s.planned),
        (_("Held"), lambda s: s.held),
        (_("Signed"), lambda s: s.signed),
        (_("Postponed"), lambda s: s.postponed),
        (_("Median days to signature"), lambda s: s.median_days),
        (_("Signed with goals (%)"), lambda s: _percent(s.goals_share)),
        (_("Actions"), lambda s: s.actions),
        (_("Actions done"), lambda s: s.actions_done),
        (_("Actions overdue"), lambda s: s.actions_overdue),
        (_("Actions untouched for 90 days"), lambda s: s.actions_untouched),
        (_("Goals achieved (%)"), lambda s: _percent((s.goal_results_share or (None,))[0])),
        (_("Goals partly achieved (%)"), lambda s: _percent(_nth(s.goal_results_share, 1))),
        (_("Goals not achieved (%)"), lambda s: _percent(_nth(s.goal_results_share, 2))),
        (_("The leader's share of the talk (%)"), lambda s: _percent(s.talk_share)),
        (
            _("Satisfaction with the conversation (1–5)"),
            lambda s: round(s.satisfaction.mean, 2) if s.satisfaction else None,
        ),
        (
            _("Rated the conversation"),
            lambda s: s.satisfaction.people if s.satisfaction else None,
        ),
    ]


def _nth(values, n):
    return None if values is None else values[n]


@guarded(access.may_see_status)
@require_GET
def status_analysis(request):
    """How the routine is carried out: the top of what the user may count (the organization
    for HR, the line below a leader) or one unit, the units right below it side by side, and
    the trend over five years; the figures from answers only where the anonymity rule lets
    them through."""
    scope = access.status_scope_of(request.user)
    filters, year = _year(request)
    tree = selectors.unit_tree(scope.units)
    node = _node(request, tree)
    years = status.years_to(year)
    if scope.whole_organization:  # counted by the worker (insight.tallies)
        raw, counted_at = tallies.organization_status(years)
    else:  # a leader's line: counted now
        counted_at = None
        raw = status.raw_status(scope, years=years)
    figures = status.status_figures(raw, tree=tree, years=years, k=anonymity.min_group())
    top = str(_("The whole organization") if scope.whole_organization else _("Everyone below you"))

    def name(unit) -> str:
        return top if unit == selectors.ORGANIZATION else tree.names[unit]

    below = tree.below(node)
    now = figures[year]
    columns = _status_columns()
    compared = [(node, now[node]), *((unit, now[unit]) for unit in below)]
    trend = [(y, figures[y][node]) for y in years]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        lines = [[str(h) for h in (_("Year"), _("Unit"), *(h for h, _f in columns))]]
        lines += [[year, name(unit), *(f(s) for _h, f in columns)] for unit, s in compared]
        lines += [[y, name(node), *(f(s) for _h, f in columns)] for y, s in trend if y != year]
        filename = f"statusanalyse-{year}.{fmt}"
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Status analysis")))
        )
        return download(content, filename=filename)
    comparison = charts.bars(
        "chart-signed",
        _("Share of this year's planned conversations that are signed"),
        _("One bar per unit, in the same order as the table below."),
        [(name(unit), s.signed_share) for unit, s in compared],
    )
    over_years = charts.bars(
        "chart-years",
        _("Share of each year's planned conversations that are signed"),
        _("One bar per year, the oldest first, as in the table below."),
        [(str(y), s.signed_share) for y, s in trend],
    )
    talk = charts.bars(
        "chart-talk",
        _("The leader's share of the talk"),
        _("One bar per unit; the dashed line is the aim of 30 percent."),
        [(name(unit), s.talk_share) for unit, s in compared],
        reference=status.TALK_TARGET,
    )
    return render(
        request,
        "insight/status.html",
        {
            "filters": filters,
            "year": year,
            "node": node,
            "node_name": name(node),
            "up": tree.up(node),
            "top": top,
            "current": now[node],
            "columns": [heading for heading, _f in columns],
            "compared": [
                {
                    "unit": unit,
                    "name": name(unit),
                    "is_node": unit == node,
                    "cells": [(h, f(s)) for h, f in columns],
                }
                for unit, s in compared
            ],
            "trend": [{"year": y, "cells": [(h, f(s)) for h, f in columns]} for y, s in trend],
            "charts": [comparison, talk],
            "over_years": over_years,
            "k": anonymity.min_group(),
            "is_current_year": year == timezone.localdate().year,
            "interval_months": settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS,
            "counted_at": counted_at,
        },
    )
