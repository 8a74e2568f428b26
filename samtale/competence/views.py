"""The unit's competence plan for a year: the leader's, HR's page to read and keep it, and
its downloads (CSV, Excel, PDF)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samtale.competence import exports, policy, selectors, services
from samtale.competence.forms import CommentForm, LineForm
from samtale.core.access import roles_for
from samtale.core.audit import audit_download
from samtale.core.errors import DomainError
from samtale.core.http import guarded
from samtale.insight.anonymity import min_group
from samtale.needs import policy as needs_policy
from samtale.priorities.forms import ORGANIZATION, ChooseForm


def _url(*, year: int, unit) -> str:
    where = ORGANIZATION if unit is None else unit.pk
    return reverse("competence_plan") + "?" + urlencode({"year": year, "enhet": where})


def _chosen(request):
    """The year and the unit (None: the organization) from the page's GET form (a link may
    give the unit alone: the year shown by default); without one, the latest year with figures published and the reader's own unit (a union
    representative's: the one they are elected for; HR: the organization)."""
    roles = roles_for(request.user)
    units = list(policy.units_plan_visible(request.user).order_by("name"))
    asked = request.GET.copy()
    if asked and "year" not in asked:  # a link to a unit's plan: the year shown by default
        asked["year"] = str(selectors.year_to_show())
    choose = ChooseForm(
        asked or None,
        years=selectors.years(),
        units=units,
        organization=policy.may_see_organization_plan(request.user),
        organization_label=_("The whole organization"),
    )
    if choose.is_bound:
        if not choose.is_valid():
            raise Http404  # a unit or year one may not read is not there
        where = choose.cleaned_data["enhet"]
        unit = None if where == ORGANIZATION else next(u for u in units if str(u.pk) == where)
        return choose, choose.cleaned_data["year"], unit
    start = roles.union_unit_id if roles.is_union_rep and not roles.is_leader else None
    start = start or request.user.unit_id
    own = next((u for u in units if u.pk == start), units[0] if units else None)
    unit = None if roles.is_hr or own is None else own
    year = selectors.year_to_show()
    choose.initial = {"year": year, "enhet": ORGANIZATION if unit is None else str(unit.pk)}
    return choose, year, unit


@guarded(policy.may_see_plans)
@require_http_methods(["GET", "POST"])
def competence_plan(request):
    choose, year, unit = _chosen(request)
    plan = selectors.plan_of(
        unit=unit, year=year, needs=needs_policy.competence_needs_visible_to(request.user)
    )
    fmt = request.GET.get("format")
    if request.method == "GET" and fmt in exports.FORMATS:
        response = exports.plan(plan, fmt=fmt)
        where = unit.pk if unit else None
        audit_download(request.user, "competence_plan", year=year, unit=where, format=fmt)
        return response
    action = request.POST.get("action", "")
    line_forms = {
        row.kind: LineForm(
            request.POST if action == f"line:{row.kind}" else None,
            prefix=row.kind,
            initial={
                "priority": row.line.priority if row.line else "normal",
                "status": row.line.status if row.line else "proposed",
                "note": row.line.note if row.line else "",
            },
        )
        for row in plan.rows
    }
    comment_form = CommentForm(request.POST if action == "comment" else None)
    if request.method == "POST":
        done = _post(request, plan, action, line_forms=line_forms, comment_form=comment_form)
        if done is not None:
            return done
    keeps = policy.may_keep_plan(request.user, unit)
    this_year = timezone.localdate().year
    return render(
        request,
        "competence/plan.html",
        {
            "choose": choose,
            "plan": plan,
            "rows": [(row, line_forms[row.kind]) for row in plan.rows],
            "keeps": keeps,
            "may_comment": policy.may_comment_plan(request.user, unit, keeps=keeps),
            "comment_form": comment_form,
            "query": urlencode({"year": year, "enhet": ORGANIZATION if unit is None else unit.pk}),
            "k": min_group(),
            # Opened at an earlier year than this one (none asked for): the page says why.
            "this_year": this_year,
            "opened_earlier": request.method == "GET"
            and "year" not in request.GET
            and year < this_year,
        },
        status=400 if request.method == "POST" else 200,
    )


def _post(request, plan, action: str, *, line_forms: dict, comment_form):
    """A comment, or one kind's priority and status: on to the plan once saved; None when
    refused (the form comes back with what was typed and why)."""
    kind = action.removeprefix("line:") if action.startswith("line:") else None
    form = comment_form if action == "comment" else line_forms.get(kind)
    if form is None:
        raise Http404
    if not form.is_valid():
        return None
    back = _url(year=plan.year, unit=plan.unit)
    try:
        if kind is None:
            services.plan_comment_add(actor=request.user, plan=plan, text=form.cleaned_data["text"])
            messages.success(request, _("Your comment is added."))
            return redirect(back + "#kommentarer")
        services.plan_line_set(actor=request.user, plan=plan, kind=kind, **form.cleaned_data)
    except DomainError as error:
        error.add_to(form)
        return None
    messages.success(request, _("The plan is saved."))
    return redirect(back + f"#{kind}")
