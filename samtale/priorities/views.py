"""The workplace's priority goals: a leader's and HR's page to write them once a year."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from samtale.core.access import roles_for
from samtale.core.errors import DomainError
from samtale.core.http import guarded
from samtale.priorities import policy, selectors, services
from samtale.priorities.forms import ORGANIZATION, ChooseForm, PriorityForm
from samtale.priorities.models import Priority


def _list_url(*, year: int, unit) -> str:
    where = ORGANIZATION if unit is None else unit.pk
    return reverse("priority_list") + "?" + urlencode({"year": year, "enhet": where})


def _chosen(request):
    """The year and the unit (None: the organization's own) the page is about, from its GET
    form; what cannot be read falls back to this year and the first unit one writes."""
    is_hr = roles_for(request.user).is_hr
    units = list(policy.units_writable_by(request.user).order_by("name"))
    years = services.years_open()
    choose = ChooseForm(
        request.GET or None,
        years=years,
        units=units,
        organization=is_hr,
        initial={"year": timezone.localdate().year},
    )
    # A leader starts at their own unit (HR at the organization's own goals).
    own = next((u for u in units if u.pk == request.user.unit_id), units[0] if units else None)
    year, unit = timezone.localdate().year, (None if is_hr else own)
    if choose.is_bound and choose.is_valid():
        year = choose.cleaned_data["year"]
        where = choose.cleaned_data["enhet"]
        unit = None if where == ORGANIZATION else next(u for u in units if str(u.pk) == where)
    if not choose.is_bound:
        choose.initial["enhet"] = ORGANIZATION if unit is None else str(unit.pk)
    return choose, year, unit, units


@guarded(policy.may_write_priorities)
@require_http_methods(["GET", "POST"])
def priority_list(request):
    choose, year, unit, units = _chosen(request)
    if unit is None and not roles_for(request.user).is_hr:
        # A leader whose line has no unit: nothing to write yet.
        return render(request, "priorities/list.html", {"choose": choose, "no_units": True})
    parents = selectors.of_unit(unit=None, year=year) if unit is not None else []
    form = PriorityForm(
        request.POST if request.POST.get("action") == "add" else None, parents=parents
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "copy":
                copied = services.priorities_copy(actor=request.user, unit=unit, year=year)
                n = len(copied)
                text = ngettext(
                    "Copied %(n)d goal from last year.", "Copied %(n)d goals from last year.", n
                )
                messages.success(request, text % {"n": n})
                return redirect(_list_url(year=year, unit=unit))
            if form.is_valid():
                services.priority_add(actor=request.user, year=year, unit=unit, **form.values())
                messages.success(request, _("The goal is added."))
                return redirect(_list_url(year=year, unit=unit) + "#mal")
        except DomainError as error:
            if request.POST.get("action") == "copy":
                messages.error(request, error.message)
                return redirect(_list_url(year=year, unit=unit))
            error.add_to(form)
    goals = selectors.of_unit(unit=unit, year=year)
    last_year = not goals and Priority.objects.filter(unit=unit, year=year - 1).exists()
    return render(
        request,
        "priorities/list.html",
        {
            "choose": choose,
            "year": year,
            "unit": unit,
            "goals": goals,
            "organization_goals": parents,
            "form": form,
            "may_copy": last_year,
        },
    )


@guarded(policy.may_write_priorities)
@require_http_methods(["GET", "POST"])
def priority_edit(request, pk):
    priority = policy.get_priority_for(request.user, pk, write=True)
    back = _list_url(year=priority.year, unit=priority.unit)
    parents = (
        selectors.of_unit(unit=None, year=priority.year) if priority.unit_id is not None else []
    )
    initial = {
        "kind": priority.kind,
        "title": priority.title,
        "description": priority.description,
        "parent": priority.parent_id,
    }
    form = PriorityForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            if request.POST.get("confirm") != "on":
                # Deleting takes a tick, so a stray click deletes nothing.
                messages.error(request, _("Tick the box to confirm that the goal is deleted."))
                return redirect(request.path + "#delete-heading")
            services.priority_delete(actor=request.user, priority=priority)
            messages.success(request, _("The goal is deleted."))
            return redirect(back)
        if form.is_valid():
            try:
                services.priority_update(actor=request.user, priority=priority, **form.values())
            except DomainError as error:
                error.add_to(form)
            else:
                messages.success(request, _("The goal is saved."))
                return redirect(back + "#mal")
    return render(
        request, "priorities/edit.html", {"priority": priority, "form": form, "back": back}
    )
