from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samtale.actions import nudges
from samtale.actions import policy as actions_policy
from samtale.core import access
from samtale.core.audit import audit_download
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.insight import (
    analysis,
    anonymity,
    answers,
    charts,
    columns,
    exports,
    fairness,
    leadership,
    policy,
    selectors,
    status,
)
from samtale.insight.forms import ProfessionForm, RoundForm, YearForm
from samtale.insight.publication import figures as published
from samtale.insight.publication.figures import Figure, Withheld
from samtale.insight.publication.measures import GOALS
from samtale.rounds import policy as rounds_policy
from samtale.tenancy import tenant_settings


@guarded(policy.may_see_answers)
@require_GET
def likert_results(request):
    """The statements' answers per unit, published for a year when it ended: the
    organization or one unit, and the units right below it, per statement and per area, and
    each over five years; withheld, in words, where the publication rule holds it back.
    Everyone starts at the whole organization, with the units right below it that they may
    read (policy.answer_units): HR's every unit, a union representative's those they are
    elected for. Each figure is the one published for its group, the same for every reader."""
    last_year = timezone.localdate().year - 1
    filters, year = _year(request, default=lambda: published.latest_year() or last_year)
    tree = selectors.unit_tree(policy.answer_units(request.user))
    node = _node(request, tree)
    professions = selectors.professions()
    chosen = ProfessionForm(request.GET or None, professions=professions)
    profession = (chosen.cleaned_data.get("yrke") or None) if chosen.is_valid() else None
    page = answers.answers_of(tree, node=node, year=year, profession=profession)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        response = exports.answers(page, profession=profession, fmt=fmt)
        audit_download(request.user, "likert_results", year=year, format=fmt)
        return response
    return render(
        request,
        "insight/likert.html",
        {
            "filters": [*filters, *chosen] if professions else filters,
            "profession": profession,
            "query": urlencode({"year": year, **({"yrke": profession} if profession else {})}),
            "year": year,
            "years": page.years,
            "node": node,
            "node_name": page.name(node),
            "elected_for": _elected_for(request.user, tree),
            "up": tree.up(node),
            "not_yet": page.not_yet,
            **answers.this_year(page, per_unit=_number(request.GET.get("vis"))),
            "k": anonymity.min_group(),
            "published_at": published.published_at(years=[year], found=page.found),
        },
    )


def _elected_for(user, tree: selectors.Tree) -> str | None:
    """The unit a union representative (not HR) is elected for, named: the page says that
    they read the whole organization and it, with the units below it."""
    roles = access.roles_for(user)
    unit = roles.union_unit_id
    if roles.is_hr or not roles.is_union_rep or unit is None or unit not in tree:
        return None
    return tree.names[unit]


def _number(value: str | None) -> int | None:
    """A small positive number asked for (?vis=3), else None: anything else shows nothing more."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 4 else None


def _year(request, default=None) -> tuple[YearForm, int]:
    """The year asked for (a field error for a bad one), else the default (this year); a
    default that costs a query (a callable) is asked only when no year is."""
    asked = YearForm(request.GET) if "year" in request.GET else None
    year = asked.cleaned_data.get("year") if asked is not None and asked.is_valid() else None
    if year is None:
        year = (default() if callable(default) else default) or timezone.localdate().year
    filters = YearForm(request.GET or None, initial={"year": year})
    filters.is_valid()
    return filters, year


# ?enhet= for the whole organization, as the competence plan's form and links give it.
WHOLE_ORGANIZATION = ("org", selectors.ORGANIZATION)


def _node(request, tree: selectors.Tree):
    """The unit drilled down to (?enhet=; "org": the whole organization), else the top; one
    outside the tree is not found."""
    wanted = request.GET.get("enhet")
    if not wanted or wanted in WHOLE_ORGANIZATION:
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
    the trend over five years. What the conversations agreed and how it went, the goal
    results and the satisfaction as published for each closed period (insight.publication),
    or why not. A leader whose line is too small for it has the feedback on leadership."""
    if not policy.may_see_status(request.user):
        # A leader of a line too small: the feedback on leadership; a union
        # representative: the published answers of their units.
        if policy.may_see_leadership(request.user):
            return redirect("leadership_feedback")
        return redirect("likert_results")
    scope = policy.status_scope_of(request.user)
    filters, year = _year(request)
    rounds = RoundForm(request.GET or None, rounds=rounds_policy.rounds_countable_by(request.user))
    round_ = rounds.cleaned_data.get("runde") if rounds.is_valid() else None
    result = analysis.status_analysis(scope, year=year, round_=round_)
    top = str(_("The whole organization") if scope.whole_organization else _("Everyone below you"))
    page = analysis.compare(result, _node(request, result.tree), top=top)
    year, node = result.year, page.node
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        response = exports.status(page, fmt=fmt)
        round_pk = round_.pk if round_ else None
        audit_download(request.user, "status_analysis", year=year, round=round_pk, format=fmt)
        return response
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
            "node_name": page.name(node),
            "up": result.tree.up(node),
            "top": top,
            **_status_tables(page),
            "k": anonymity.min_group(),
            "is_current_year": year == timezone.localdate().year,
            "interval_months": tenant_settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS,
            "untouched_days": settings.STALE_ACTION_DAYS,
            **_today(request, scope, top=is_current_year and node == selectors.ORGANIZATION),
            # Where the figures from answers are not published for this period: the latest
            # period that has them.
            "latest_published": page.latest_published,
            # What the proof checked when the period was published (HR's; a leader is
            # shown the figures, not how the whole organization's were checked).
            "proof": page.proof if scope.whole_organization else None,
            # A closed period's figures are final from then; only the live counts say when
            # they were counted.
            "published_at": page.publication.published_at if page.publication else None,
            "counted_at": result.counted_at,
        },
    )


def _today(request, scope, *, top: bool) -> dict:
    """Today's overdue actions from every year's conversations, at the top of this year's
    analysis only: the figure HR's home and the follow-up show, beside the year's published
    one (the same definition, another scope), linked to the list for those who may read it;
    and whether the user may list who is missing a conversation."""
    overdue = nudges.pitfall_actions(kind="overdue", actions=scope.actions, on=timezone.localdate())
    return {
        "overdue_now": overdue.count() if top else None,
        "may_list_pitfalls": actions_policy.may_list_pitfalls(request.user),
        "may_see_coverage": rounds_policy.may_see_coverage(request.user),
    }


def _status_tables(page: analysis.Comparison) -> dict:
    """The status page's tables and charts: the units side by side, and the years."""
    compared = [
        {
            "unit": unit,
            "name": page.name(unit),
            "part_of": page.part_of(unit),
            "is_node": unit == page.node,
            "cells": columns.cells(s),
        }
        for unit, s in page.compared
    ]
    trend = [{"year": y, "cells": columns.cells(s)} for y, s in page.trend]
    comparison = charts.bars(
        "chart-signed",
        _("Share of this year's planned conversations that are signed"),
        _("One bar per unit, in the same order as the table below."),
        [(page.name(unit), s.signed_share) for unit, s in page.compared],
    )
    talk = charts.bars(
        "chart-talk",
        _("The leader's share of the talk"),
        _("One bar per unit; the dashed line is the aim of 30 percent."),
        [(page.name(unit), s.talk_share) for unit, s in page.compared],
        reference=status.TALK_TARGET,
    )
    over_years = charts.bars(
        "chart-years",
        _("Share of each year's planned conversations that are signed"),
        _("One bar per year, the oldest first, as in the table below."),
        [(str(y), s.signed_share) for y, s in page.trend],
    )
    return {
        "current": page.compared[0][1],
        "columns": [c.heading for c in columns.STATUS],
        "compared": compared,
        "compared_reasons": columns.reasons([r["cells"] for r in compared]),
        "trend": trend,
        "trend_reasons": columns.reasons([r["cells"] for r in trend]),
        "charts": [comparison, talk],
        "over_years": over_years,
    }


LEADERSHIP_PAGE = 10


@guarded(policy.may_see_leadership)
@require_GET
def leadership_feedback(request):
    """What the employees answered about their leader, per round, frozen when the round
    closed and only where at least k answered: about the user, and about the leaders who
    report to them (policy.leadership_snapshots_visible_to)."""
    snapshots = (
        policy.leadership_snapshots_visible_to(request.user)
        .select_related("round", "leader")
        .order_by("-taken_at", "leader__last_name", "leader__first_name", "pk")
    )
    texts = selectors.statements()
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        response = exports.leadership_feedback(snapshots, texts, fmt=fmt)
        audit_download(request.user, "leadership_feedback", format=fmt)
        return response
    page = Paginator(snapshots, LEADERSHIP_PAGE).get_page(request.GET.get("side"))
    shown = []
    for snapshot in page.object_list:
        rows = leadership.snapshot_rows(snapshot, texts)
        shown.append(
            {
                "snapshot": snapshot,
                "about_me": snapshot.leader_id == request.user.pk,
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
    names = selectors.full_names([h.leader_id for h in flagged])
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        response = exports.rating_habits(flagged, names, year=year, fmt=fmt)
        audit_download(request.user, "rating_fairness", year=year, format=fmt)
        return response
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
            "headings": fairness.HEADINGS,
            "page": page,
            "rows": [
                list(
                    zip(
                        fairness.HEADINGS,
                        fairness.cells(h, names.get(h.leader_id, "–")),
                        strict=True,
                    )
                )
                for h in page.object_list
            ],
            "year_query": f"year={year}",
            "alike": round(fairness.ALIKE * 100),
            "published_at": published.published_at(years=[year]),
        },
    )
