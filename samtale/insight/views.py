from collections import Counter

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samtale.core import access
from samtale.core.audit import audit_download
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import csv_bytes, download, xlsx_bytes
from samtale.guides.models import GuideVersion, localized
from samtale.insight import (
    analysis,
    anonymity,
    charts,
    fairness,
    leadership,
    selectors,
    status,
    tallies,
)
from samtale.org.models import Person


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


def _statements() -> dict[str, tuple[str, str]]:
    """Each statement's (text, area), in the reader's language, in the order the templates
    ask them (the templates' versions are few). The area is the statement's group
    (individual, teamwork, organization); "" for one without."""
    texts = {}
    for version in GuideVersion.objects.only("themes").order_by("pk"):
        for statement in version.statements():
            texts.setdefault(
                statement["key"],
                (localized(statement["text"]), localized(statement.get("group"))),
            )
    return texts


class ProfessionForm(forms.Form):
    """The profession group whose answers the page shows (all when none is chosen)."""

    yrke = forms.ChoiceField(label=_("Profession group"), required=False)

    def __init__(self, *args, professions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["yrke"].choices = [("", _("All"))] + [(p, p) for p in professions]


class RoundForm(forms.Form):
    """A round instead of a year: the status analysis of its conversations alone."""

    runde = forms.ModelChoiceField(
        label=_("Or a round"), queryset=None, required=False, empty_label=_("None (the year)")
    )

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["runde"].queryset = rounds.order_by("-period_start", "-pk")


def _ratings_of(own: dict) -> dict:
    """The ratings after signing (status keeps them as "sat:…" in each unit's Counter) as
    raw_answers gives answers."""
    return {
        unit: Counter(
            {key.removeprefix("sat:"): n for key, n in counts.items() if key.startswith("sat:")}
        )
        for unit, counts in own.items()
    }


def _area_figures(figures: dict, keys: list[str]) -> dict:
    """{unit: Figure} of an area: each unit's answers to the area's statements summed, over the
    statements shown for that unit (so nothing but a sum of figures already shown); `people`
    is then the number of answers."""
    summed: dict = {}
    for key in keys:
        for unit, figure in figures.get(key, {}).items():
            counts = summed.get(unit)
            summed[unit] = figure.counts if counts is None else selectors.add(counts, figure.counts)
    return {unit: selectors.Figure(people=sum(c), counts=c) for unit, c in summed.items()}


@guarded(access.may_see_insight)
@require_GET
def likert_results(request):
    """The statements' answers per unit for a year: the organization or one unit, and the
    units right below it, per statement and per area, and each over five years; a group only
    where the anonymity rule lets it through. HR's, so counted over the whole organization by
    the worker (insight.tallies)."""
    scope = access.status_scope_of(request.user)  # HR's: the whole organization
    filters, year = _year(request)
    tree = selectors.unit_tree(scope.units)
    node = _node(request, tree)
    k = anonymity.min_group()
    years = status.years_to(year)
    professions = list(
        Person.objects.exclude(profession_group="")
        .order_by("profession_group")
        .values_list("profession_group", flat=True)
        .distinct()
    )
    chosen = ProfessionForm(request.GET or None, professions=professions)
    profession = (chosen.cleaned_data.get("yrke") or None) if chosen.is_valid() else None
    by_year, rated, counted_at = tallies.likert_figures(
        years, tree=tree, k=k, profession=profession
    )
    figures = by_year[year]
    if profession is None:  # the ratings after signing: counted with the status analysis
        status_raw, _counted = tallies.organization_status([year])
        satisfaction = selectors.figures_from(
            {selectors.SATISFACTION: _ratings_of(status_raw.get(year, {}))}, tree=tree, k=k
        ).get(selectors.SATISFACTION, {})
    else:  # kept beside the answers per profession group
        satisfaction = rated.get(year, {})
    info = _statements()
    order = {key: n for n, key in enumerate(info)}  # as the templates ask them
    areas: dict[str, list[str]] = {}
    for key in sorted({key for f in by_year.values() for key in f}, key=lambda k: order.get(k, 0)):
        area = info.get(key, ("", ""))[1]
        if area:
            areas.setdefault(area, []).append(key)
    area_figures = {area: _area_figures(figures, keys) for area, keys in areas.items()}

    def text(key: str) -> str:
        return info.get(key, (key, ""))[0]

    def name(unit) -> str:
        return (
            str(_("The whole organization")) if unit == selectors.ORGANIZATION else tree.names[unit]
        )

    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        # The figures the page shows: the unit and those right below it this year, the unit
        # alone the years before; per statement, per area and the ratings after signing.
        lines = [
            [
                str(h)
                for h in (_("Year"), _("Statement"), _("Area"), _("Unit"), _("People"), _("Mean"))
            ]
            + ["1", "2", "3", "4", "5"]
        ]
        shown_units = [node, *tree.below(node)]
        for y in years:
            units = shown_units if y == year else [node]
            statements_of_year = sorted(by_year[y].items(), key=lambda i: order.get(i[0], 0))
            shown = [(str(_("How satisfied with the conversation")), "", satisfaction)] * (
                y == year
            )
            shown += [(text(key), info.get(key, ("", ""))[1], g) for key, g in statements_of_year]
            shown += [(area, area, _area_figures(by_year[y], keys)) for area, keys in areas.items()]
            for statement, area, groups in shown:
                for unit in units:
                    figure = groups.get(unit)
                    if figure is None:
                        continue
                    lines.append(
                        [
                            y,
                            statement,
                            area,
                            name(unit),
                            figure.people,
                            round(figure.mean, 2),
                            *figure.counts,
                        ]
                    )
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Answers to the statements")))
        )
        suffix = f"-{slugify(profession)}" if profession else ""
        audit_download(request.user, "likert_results", year=year, format=fmt)
        return download(content, filename=f"svar-{year}{suffix}.{fmt}")
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
        {"anchor": f"statement-{n}", "text": text(key), "rows": rows(groups)}
        for n, (key, groups) in enumerate(shown, start=1)
    ]
    area_rows = [
        {
            "anchor": f"area-{n}",
            "name": area,
            "rows": rows(groups),
            "chart": charts.bars(
                f"chart-area-{n}",
                _("Mean answer (1–5): %(area)s") % {"area": area},
                _("One bar per unit, in the same order as the table."),
                [(row["name"], row["figure"] and row["figure"].mean) for row in rows(groups)],
                maximum=5,
                suffix="",
                digits=1,
            ),
        }
        for n, (area, groups) in enumerate(area_figures.items(), start=1)
        if groups
    ]

    def mean(groups: dict):
        figure = groups.get(node)
        return None if figure is None else figure.mean

    over_time = [
        {
            "text": area,
            "is_area": True,
            "means": [mean(_area_figures(by_year[y], keys)) for y in years],
        }
        for area, keys in areas.items()
    ] + [
        {"text": text(key), "means": [mean(by_year[y].get(key, {})) for y in years]}
        for key in sorted(
            {key for f in by_year.values() for key in f}, key=lambda k: order.get(k, 0)
        )
    ]
    return render(
        request,
        "insight/likert.html",
        {
            "filters": [*filters, *chosen] if professions else filters,
            "profession": profession,
            "query": urlencode({"year": year, **({"yrke": profession} if profession else {})}),
            "year": year,
            "years": years,
            "node": node,
            "node_name": name(node),
            "up": tree.up(node),
            "satisfaction": rows(satisfaction) if satisfaction else None,
            "statements": statements,
            "areas": area_rows,
            "over_time": [
                {**row, "means": list(zip(years, row["means"], strict=True))}
                for row in over_time
                if any(m is not None for m in row["means"])
            ],
            "k": k,
            "counted_at": counted_at,
        },
    )


def _year(request, default: int | None = None) -> tuple[YearForm, int]:
    """The year asked for (a field error for a bad one), else the default (this year)."""
    default = default or timezone.localdate().year
    filters = YearForm(request.GET or None, initial={"year": default})
    year = filters.cleaned_data.get("year") if filters.is_valid() else None
    return filters, year or default


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


@guarded(access.may_see_any_insight)
@require_GET
def status_analysis(request):
    """How the routine is carried out: the top of what the user may count (the organization
    for HR, the line below a leader) or one unit, the units right below it side by side, and
    the trend over five years; the figures from answers only where the anonymity rule lets
    them through. A leader whose line is too small for it has the feedback on leadership."""
    if not access.may_see_status(request.user):
        return redirect("leadership_feedback")
    scope = access.status_scope_of(request.user)
    filters, year = _year(request)
    rounds = RoundForm(request.GET or None, rounds=access.rounds_countable_by(request.user))
    round_ = rounds.cleaned_data.get("runde") if rounds.is_valid() else None
    result = analysis.status_analysis(scope, year=year, round_=round_)
    tree, figures, years, year = result.tree, result.figures, result.years, result.year
    counted_at = result.counted_at
    node = _node(request, tree)
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
        when = round_.name if round_ else year
        lines += [[when, name(unit), *(f(s) for _h, f in columns)] for unit, s in compared]
        lines += [[y, name(node), *(f(s) for _h, f in columns)] for y, s in trend if y != year]
        label = f"runde-{round_.pk}" if round_ else year
        filename = f"statusanalyse-{label}.{fmt}"
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Status analysis")))
        )
        audit_download(
            request.user,
            "status_analysis",
            year=year,
            round=round_.pk if round_ else None,
            format=fmt,
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
            "filters": [*filters, *rounds],
            "round": round_,
            "query": urlencode({"runde": round_.pk} if round_ else {"year": year}),
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


LEADERSHIP_PAGE = 10


@guarded(access.may_see_leadership)
@require_GET
def leadership_feedback(request):
    """What the employees answered about their leader, per round, frozen when the round
    closed and only where at least k answered: about the user, and about the leaders who
    report to them (access.leadership_snapshots_visible_to)."""
    me = request.user.pk
    snapshots = (
        access.leadership_snapshots_visible_to(request.user)
        .select_related("round", "leader")
        .order_by("-taken_at", "leader__last_name", "leader__first_name", "pk")
    )
    texts = _statements()
    order = {key: n for n, key in enumerate(texts)}

    def statements(snapshot) -> list[tuple[str, selectors.Figure]]:
        figures = leadership.snapshot_figures(snapshot)
        return [
            (texts.get(key, (key, ""))[0], figures[key])
            for key in sorted(figures, key=lambda key: order.get(key, len(order)))
        ]

    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        lines = [
            [str(h) for h in (_("Round"), _("Leader"), _("Statement"), _("People"), _("Mean"))]
            + ["1", "2", "3", "4", "5"]
        ]
        for snapshot in snapshots:
            for text, figure in statements(snapshot):
                lines.append(
                    [
                        snapshot.round.name,
                        snapshot.leader.full_name,
                        text,
                        figure.people,
                        round(figure.mean, 2),
                        *figure.counts,
                    ]
                )
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Feedback on leadership")))
        )
        audit_download(request.user, "leadership_feedback", format=fmt)
        return download(content, filename=f"ledelse.{fmt}")
    page = Paginator(snapshots, LEADERSHIP_PAGE).get_page(request.GET.get("side"))
    shown = []
    for snapshot in page.object_list:
        rows = statements(snapshot)
        shown.append(
            {
                "snapshot": snapshot,
                "about_me": snapshot.leader_id == me,
                "rows": rows,
                "chart": charts.bars(
                    f"chart-{snapshot.pk}",
                    _("Mean answer per statement (1–5)"),
                    _("One bar per statement, in the same order as the table."),
                    [(text, figure.mean) for text, figure in rows],
                    maximum=5,
                    suffix="",
                    digits=1,
                ),
            }
        )
    return render(
        request,
        "insight/leadership.html",
        {"page": page, "shown": shown, "k": anonymity.min_group()},
    )


FAIRNESS_PAGE = 25


@guarded(access.may_see_insight)
@require_GET
def rating_fairness(request):
    """HR: the leaders whose rating of goal results stands out (insight.fairness), with the
    numbers behind each flag; only leaders with at least k rated conversations are assessed."""
    # Results are recorded at the next conversation: last year is the latest full year.
    filters, year = _year(request, default=timezone.localdate().year - 1)
    k = anonymity.min_group()
    access.status_scope_of(request.user)  # HR's: the whole organization, counted by the worker
    counts, conversations, counted_at = tallies.organization_ratings(year)
    habits = fairness.rating_habits(counts, conversations, k=k)
    flagged = habits.flagged
    people = {
        p.pk: p.full_name
        for p in Person.objects.filter(pk__in=[h.leader_id for h in flagged]).only(
            "first_name", "last_name"
        )
    }
    R = fairness.Goal.Result

    def cells(h: fairness.Habit) -> list:
        return [
            people.get(h.leader_id, "–"),
            h.conversations,
            h.ratings,
            round(h.share(R.ACHIEVED), 1),
            round(h.share(R.PARTLY), 1),
            round(h.share(R.NOT_ACHIEVED), 1),
            round(h.mean, 2),
            round(h.shrunk, 2),
            round(h.standard_error, 2),
            ", ".join(str(flag) for flag in _flags(h)),
        ]

    headings = [
        _("Leader"),
        _("Rated conversations"),
        _("Rated goals"),
        _("Achieved (%)"),
        _("Partly (%)"),
        _("Not achieved (%)"),
        _("Mean (1–3)"),
        _("Shrunk mean"),
        _("Standard error"),
        _("Flags"),
    ]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        lines = [[str(h) for h in headings]] + [cells(h) for h in flagged]
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Rating habits")))
        )
        audit_download(request.user, "rating_fairness", year=year, format=fmt)
        return download(content, filename=f"vurderingsvaner-{year}.{fmt}")
    page = Paginator(flagged, FAIRNESS_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "insight/fairness.html",
        {
            "filters": filters,
            "year": year,
            "k": k,
            "habits": habits,
            "headings": headings,
            "page": page,
            "rows": [list(zip(headings, cells(h), strict=True)) for h in page.object_list],
            "year_query": f"year={year}",
            "alike": round(fairness.ALIKE * 100),
            "counted_at": counted_at,
        },
    )


def _flags(habit: fairness.Habit) -> list:
    flags = []
    if habit.alike:
        flags.append(_("rates nearly everyone alike"))
    if habit.strict:
        flags.append(_("stricter than peers"))
    if habit.lenient:
        flags.append(_("more lenient than peers"))
    return flags
