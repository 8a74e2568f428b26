from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samtale.actions import nudges
from samtale.actions import policy as actions_policy
from samtale.core.audit import audit_download
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import csv_bytes, download, xlsx_bytes
from samtale.guides.models import GuideVersion, localized
from samtale.insight import (
    analysis,
    anonymity,
    charts,
    columns,
    fairness,
    leadership,
    policy,
    selectors,
    status,
)
from samtale.insight.forms import ProfessionForm, RoundForm, YearForm
from samtale.insight.publication import figures as published
from samtale.insight.publication.figures import Figure, Withheld
from samtale.insight.publication.measures import GOALS, LIKERT, SATISFACTION
from samtale.org.models import Person
from samtale.rounds import policy as rounds_policy


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


def _area_figure(values: list) -> Figure | None:
    """An area's figure for one group: the answers to its statements published for that
    group, summed (nothing but a sum of figures shown); `people` is the number of answers."""
    shown = [value for value in values if isinstance(value, Figure)]
    if not shown:
        return None
    counts = tuple(map(sum, zip(*(figure.counts for figure in shown), strict=True)))
    return Figure(people=sum(counts), counts=counts)


def _latest_published(default: int) -> int:
    """The latest year with published figures from answers, else `default`."""
    return published.latest_year() or default


HEADINGS_ANSWERS = (_("Year"), _("Statement"), _("Area"), _("Unit"), _("People"), _("Mean"))


@guarded(policy.may_see_insight)
@require_GET
def likert_results(request):
    """The statements' answers per unit, published for a year when it ended: the
    organization or one unit, and the units right below it, per statement and per area, and
    each over five years; withheld, in words, where the publication rule holds it back.
    HR's: the units' groups (insight.publication)."""
    scope = policy.status_scope_of(request.user)  # HR's: the whole organization
    last_year = timezone.localdate().year - 1
    filters, year = _year(request, default=_latest_published(last_year))
    tree = selectors.unit_tree(scope.units)
    node = _node(request, tree)
    years = status.years_to(year)
    professions = list(
        Person.objects.exclude(profession_group="")
        .order_by("profession_group")
        .values_list("profession_group", flat=True)
        .distinct()
    )
    chosen = ProfessionForm(request.GET or None, professions=professions)
    profession = (chosen.cleaned_data.get("yrke") or None) if chosen.is_valid() else None
    below = tree.below(node)
    units = [node, *below]
    group = {
        unit: published.unit_group(
            None if unit == selectors.ORGANIZATION else unit, profession=profession
        )
        for unit in units
    }
    info = _statements()
    order = {key: n for n, key in enumerate(info)}
    keys = sorted(
        (m.removeprefix(LIKERT) for m in published.likert_measures(years)),
        key=lambda key: (order.get(key, len(order)), key),
    )
    found = published.periods(years=years)
    figures = published.figures(
        measures=[SATISFACTION, *(LIKERT + key for key in keys)],
        groups=group.values(),
        years=years,
        found=found,
    )

    def value(y, measure, unit):
        return figures.get((y, measure, group[unit]))

    def text(key: str) -> str:
        return info.get(key, (key, ""))[0]

    def name(unit) -> str:
        return (
            str(_("The whole organization")) if unit == selectors.ORGANIZATION else tree.names[unit]
        )

    areas: dict[str, list[str]] = {}
    for key in keys:
        area = info.get(key, ("", ""))[1]
        if area:
            areas.setdefault(area, []).append(key)

    def area_value(y, keys_of_area, unit):
        return _area_figure([value(y, LIKERT + key, unit) for key in keys_of_area])

    # What is shown for a year: the satisfaction, each statement and each area, as
    # (kind, title, area, {unit: Figure, Withheld or None}); one nobody answered is left out.
    def shown_in(y, shown_units) -> list:
        rows = [
            (
                "satisfaction",
                str(_("How satisfied with the conversation")),
                "",
                {u: value(y, SATISFACTION, u) for u in shown_units},
            )
        ]
        rows += [
            (
                "statement",
                text(key),
                info.get(key, ("", ""))[1],
                {u: value(y, LIKERT + key, u) for u in shown_units},
            )
            for key in keys
        ]
        rows += [
            ("area", area, area, {u: area_value(y, area_keys, u) for u in shown_units})
            for area, area_keys in areas.items()
        ]
        return [row for row in rows if any(v is not None for v in row[3].values())]

    not_yet = figures.get((year, SATISFACTION, group[node]))
    not_yet = not_yet if isinstance(not_yet, Withheld) and not_yet.code != "withheld" else None
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        # The figures the page shows: the unit and those right below it that year, the unit
        # alone the years before; each withheld figure with why, in words.
        lines = [[str(h) for h in HEADINGS_ANSWERS] + ["1", "2", "3", "4", "5", str(_("Note"))]]
        for y in years:
            for _kind, title, area, by_unit in shown_in(y, units if y == year else [node]):
                for unit, figure in by_unit.items():
                    if isinstance(figure, Figure):
                        numbers = [figure.people, round(figure.mean, 2), *figure.counts, ""]
                    elif figure is not None:
                        numbers = ["", "", "", "", "", "", "", str(figure)]
                    else:
                        continue
                    lines.append([y, title, area, name(unit), *numbers])
        content = (
            csv_bytes(lines)
            if fmt == "csv"
            else xlsx_bytes(lines, sheet_title=str(_("Answers to the statements")))
        )
        suffix = f"-{slugify(profession)}" if profession else ""
        audit_download(request.user, "likert_results", year=year, format=fmt)
        return download(content, filename=f"svar-{year}{suffix}.{fmt}")

    def rows(by_unit: dict) -> list[dict]:
        return [
            {
                "unit": unit,
                "name": name(unit),
                "figure": by_unit[unit] if isinstance(by_unit[unit], Figure) else None,
                "why": by_unit[unit] if isinstance(by_unit[unit], Withheld) else None,
                "is_node": unit == node,
            }
            for unit in units
        ]

    this_year = [] if not_yet else shown_in(year, units)
    satisfaction = next((row for kind, _t, _a, row in this_year if kind == "satisfaction"), None)
    statements = [
        {"anchor": f"statement-{n}", "text": title, "rows": rows(by_unit)}
        for n, (title, by_unit) in enumerate(
            ((t, row) for kind, t, _a, row in this_year if kind == "statement"), start=1
        )
    ]
    area_rows = []
    for n, (title, by_unit) in enumerate(
        ((t, row) for kind, t, _a, row in this_year if kind == "area"), start=1
    ):
        drawn = rows(by_unit)
        area_rows.append(
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

    def mean(figure):
        return figure.mean if isinstance(figure, Figure) else None

    over_time = [
        {
            "text": area,
            "is_area": True,
            "means": [mean(area_value(y, area_keys, node)) for y in years],
        }
        for area, area_keys in areas.items()
    ] + [
        {"text": text(key), "means": [mean(value(y, LIKERT + key, node)) for y in years]}
        for key in keys
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
            "not_yet": not_yet,
            "satisfaction": rows(satisfaction) if satisfaction else None,
            "statements": statements,
            "areas": area_rows,
            "over_time": [
                {**row, "means": list(zip(years, row["means"], strict=True))}
                for row in over_time
                if any(m is not None for m in row["means"])
            ],
            "k": anonymity.min_group(),
            "published_at": published.published_at(years=[year], found=found),
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


@guarded(policy.may_see_any_insight)
@require_GET
def status_analysis(request):
    """How the routine is carried out: the top of what the user may count (the organization
    for HR, the line below a leader) or one unit, the units right below it side by side, and
    the trend over five years. The goal results and the satisfaction as published for each
    closed period (insight.publication), or why not. A leader whose line is too small for it
    has the feedback on leadership."""
    if not policy.may_see_status(request.user):
        return redirect("leadership_feedback")
    scope = policy.status_scope_of(request.user)
    filters, year = _year(request)
    rounds = RoundForm(request.GET or None, rounds=rounds_policy.rounds_countable_by(request.user))
    round_ = rounds.cleaned_data.get("runde") if rounds.is_valid() else None
    result = analysis.status_analysis(scope, year=year, round_=round_)
    tree, years, year = result.tree, result.years, result.year
    node = _node(request, tree)
    below = tree.below(node)
    figures = result.with_answers([node, *below]).figures
    top = str(_("The whole organization") if scope.whole_organization else _("Everyone below you"))

    def name(unit) -> str:
        return top if unit == selectors.ORGANIZATION else tree.names[unit]

    now = figures[year]
    compared = [(node, now[node]), *((unit, now[unit]) for unit in below)]
    trend = [(y, figures[y][node]) for y in years]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        lines = [[str(h) for h in (_("Year"), _("Unit"), *(c.heading for c in columns.STATUS))]]
        when = round_.name if round_ else year
        lines += [[when, name(unit), *columns.in_file(s)] for unit, s in compared]
        lines += [[y, name(node), *columns.in_file(s)] for y, s in trend if y != year]
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
    compared_rows = [
        {"unit": unit, "name": name(unit), "is_node": unit == node, "cells": columns.cells(s)}
        for unit, s in compared
    ]
    trend_rows = [{"year": y, "cells": columns.cells(s)} for y, s in trend]
    is_current_year = year == timezone.localdate().year and not round_
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
            "columns": [c.heading for c in columns.STATUS],
            "compared": compared_rows,
            "compared_reasons": columns.reasons([r["cells"] for r in compared_rows]),
            "trend": trend_rows,
            "trend_reasons": columns.reasons([r["cells"] for r in trend_rows]),
            "charts": [comparison, talk],
            "over_years": over_years,
            "k": anonymity.min_group(),
            "is_current_year": year == timezone.localdate().year,
            "interval_months": settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS,
            "untouched_days": settings.STALE_ACTION_DAYS,
            # Today's overdue actions from every year's conversations: the figure HR's home
            # and the follow-up show, beside this year's (the same definition, another scope).
            "overdue_now": nudges.pitfall_actions(
                kind="overdue", actions=scope.actions, on=timezone.localdate()
            ).count()
            if is_current_year and node == selectors.ORGANIZATION
            else None,
            "may_list_pitfalls": actions_policy.may_list_pitfalls(request.user),
            "may_see_coverage": rounds_policy.may_see_coverage(request.user),
            # Where the figures from answers are not published for this period: the latest
            # period that has them.
            "latest_published": published.latest_year(),
            "counted_at": result.counted_at,
        },
    )


LEADERSHIP_PAGE = 10


@guarded(policy.may_see_leadership)
@require_GET
def leadership_feedback(request):
    """What the employees answered about their leader, per round, frozen when the round
    closed and only where at least k answered: about the user, and about the leaders who
    report to them (policy.leadership_snapshots_visible_to)."""
    me = request.user.pk
    snapshots = (
        policy.leadership_snapshots_visible_to(request.user)
        .select_related("round", "leader")
        .order_by("-taken_at", "leader__last_name", "leader__first_name", "pk")
    )
    texts = _statements()
    order = {key: n for n, key in enumerate(texts)}

    def statements(snapshot) -> list[tuple[str, Figure]]:
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


@guarded(policy.may_see_insight)
@require_GET
def rating_fairness(request):
    """HR: the leaders whose rating of goal results stands out (insight.fairness), with the
    numbers behind each flag, from the year's published goal results per leader: a leader
    is assessed only where the publication rule published theirs."""
    # Results are recorded at the next conversation: last year is the latest full year.
    filters, year = _year(request, default=timezone.localdate().year - 1)
    k = anonymity.min_group()
    policy.status_scope_of(request.user)  # HR's: the whole organization
    by_group, not_yet = published.figures_of_kind(year=year, measure=GOALS, prefix="r:")
    counts, conversations = fairness.from_published(
        {int(g[2:]): f for g, f in by_group.items() if isinstance(f, Figure)}
    )
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
            "not_yet": not_yet,
            "withheld": sum(1 for f in by_group.values() if isinstance(f, Withheld)),
            "headings": headings,
            "page": page,
            "rows": [list(zip(headings, cells(h), strict=True)) for h in page.object_list],
            "year_query": f"year={year}",
            "alike": round(fairness.ALIKE * 100),
            "published_at": published.published_at(years=[year]),
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
