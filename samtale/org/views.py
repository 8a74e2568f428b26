from copy import copy

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded, render_page
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import download
from samtale.org import leader_change, policy, selectors, services
from samtale.org.forms import ImportForm, PersonFilterForm, PersonForm, UnitFilterForm, UnitForm
from samtale.org.imports import services as import_services
from samtale.org.imports.templates import template_csv
from samtale.org.models import ImportBatch

PAGE_SIZE = 50
# The people: a phone shows about four a screen, so a page of 25 is six screens, its search
# above it (issue 61: 50 made /personer/ 15 screens).
PEOPLE_PAGE_SIZE = 25
# A unit tree reads best in long pages: a municipality has a few hundred units.
UNIT_PAGE_SIZE = 100


# People ---------------------------------------------------------------------


@guarded(access.may_list_people)
@require_GET
def person_list(request):
    form = PersonFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_search(
        people=policy.people_visible_to(request.user),
        query=data.get("q", ""),
        unit=data.get("unit"),
        status=data.get("status") or "active",
    )
    page = Paginator(people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if access.may_manage_org(request.user) and not request.htmx:
        context["held"] = services.held_deactivations().count()
    return render_page(request, "org/person_list.html", context, fragment="results")


@guarded()
@require_GET
def person_detail(request, pk):
    person = policy.get_person_for(request.user, pk)
    reports = selectors.direct_reports(people=policy.people_visible_to(request.user), leader=person)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "reports": reports,
            "may_edit": access.may_manage_org(request.user),
        },
    )


@guarded(access.may_manage_org)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **form.values())
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.full_name})
            return redirect("person_detail", pk=person.pk)
    return render(request, "org/person_form.html", {"form": form})


@guarded()
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    """The person form. A new line manager that would move open conversations or open
    actions is saved in two steps: the form first says what it would move (counts and
    times, org.leader_change), and saves when sent again with that warning seen."""
    person = policy.get_person_for(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person, actor=request.user)
    context = {"form": form, "person": person}
    if request.method == "POST" and form.is_valid():
        values = form.values()
        moving = leader_change.leader_change_preview(
            actor=request.user, person=person, new_manager=values.get("manager")
        )
        key = leader_change.preview_key(moving)
        try:
            services.person_update_check(actor=request.user, person=copy(person), **values)
            if moving and request.POST.get("handover_seen") != key:
                form.choices_settled()
                context |= {"moving": moving, "moving_key": key}
            else:
                services.person_update(actor=request.user, person=person, **values)
                saved = [_("The changes are saved."), *(c.after for c in moving)]
                messages.success(request, " ".join(saved))
                return redirect("person_detail", pk=person.pk)
        except DomainError as e:
            e.add_to(form)
    return render(request, "org/person_form.html", context)


CHANGES = {"roller": "roles", "epost": "email"}


@guarded(access.may_manage_org)
@require_http_methods(["GET", "POST"])
def held_deactivations(request):
    """Deactivations from the identity provider beyond the limit, waiting for an
    administrator: deactivate them all, or keep them all active."""
    if request.method == "POST":
        deactivate = request.POST.get("decision") == "deactivate"
        count = services.held_deactivations_decide(actor=request.user, deactivate=deactivate)
        if deactivate:
            messages.success(request, _("Deactivated: %(count)d.") % {"count": count})
        else:
            messages.success(request, _("Kept active: %(count)d.") % {"count": count})
        return redirect("held_deactivations")
    page = Paginator(services.held_deactivations(), PAGE_SIZE).get_page(request.GET.get("side"))
    return render(request, "org/held_deactivations.html", {"page": page})


@guarded(policy.may_read_org_changes)
@require_GET
def org_changes(request):
    """Roles given and taken, e-mail addresses changed by someone else: newest first."""
    shown = CHANGES.get(request.GET.get("vis", "roller"), "roles")
    if shown == "roles":
        changes = policy.role_changes_visible_to(request.user)
    else:
        changes = policy.email_changes_visible_to(request.user)
    changes = changes.select_related(
        "person", "changed_by", *(["released_by"] if shown == "email" else [])
    )
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("side"))
    if shown == "email":
        on_hold_since = services.email_hold_start()
        for change in page.object_list:
            change.on_hold = change.confirmed_at is None and change.at >= on_hold_since
            change.may_release = change.on_hold and policy.may_release_email_hold(
                request.user, change
            )
    query = "vis=epost" if shown == "email" else ""
    return render(request, "org/changes.html", {"page": page, "shown": shown, "query": query})


@guarded(policy.may_read_org_changes)
@require_POST
def email_change_release(request, pk):
    change = policy.get_email_change_for(request.user, pk, write=True)
    acted(
        request,
        lambda: services.email_change_release(actor=request.user, change=change),
        _("A new password for %(name)s now goes to %(email)s without waiting.")
        % {"name": change.person.full_name, "email": change.new_email},
    )
    return redirect(f"{reverse('role_changes')}?vis=epost")


# Units ----------------------------------------------------------------------


@guarded(access.may_list_units)
@require_GET
def unit_list(request):
    form = UnitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.unit_tree(units=policy.units_visible_to(request.user), query=data.get("q", ""))
    page = Paginator(rows, UNIT_PAGE_SIZE).get_page(request.GET.get("side"))
    selectors.unit_headcounts(people=policy.people_visible_to(request.user), rows=page)
    query = request.GET.copy()
    query.pop("side", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "may_edit": access.may_manage_org(request.user),
    }
    return render_page(request, "org/unit_list.html", context, fragment="results")


@guarded(access.may_manage_org)
@require_http_methods(["GET", "POST"])
def unit_create(request):
    form = UnitForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, **form.cleaned_data)
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": unit.name})
            return redirect("unit_list")
    return render(request, "org/unit_form.html", {"form": form})


@guarded()
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = policy.get_unit_for(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("unit_list")
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


# Import ---------------------------------------------------------------------


@guarded(access.may_manage_org)
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_services.import_preview(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                # Without a choice, the safe one: nobody is deactivated.
                mode=form.cleaned_data["mode"] or ImportBatch.Mode.UPDATE,
                filename=upload.name,
                content=upload.read(),
            )
        except DomainError as e:
            e.add_to(form)
        else:
            return redirect("import_detail", pk=batch.pk)
    batches = policy.imports_visible_to(request.user).select_related("uploaded_by")[:10]
    return render(request, "org/import_start.html", {"form": form, "batches": batches})


PROBLEMS_PAGE_SIZE = 100


@guarded()
@require_GET
def import_detail(request, pk):
    batch = policy.get_import_for(request.user, pk)
    problems = Paginator(batch.report.get("problems", []), PROBLEMS_PAGE_SIZE)
    return render(
        request,
        "org/import_detail.html",
        {
            "batch": batch,
            "report": batch.report,
            "problems": problems.get_page(request.GET.get("side")),
            "may_undo": import_services.may_undo(batch),
            "undo_until": batch.applied_at and import_services.undo.undo_until(batch.applied_at),
        },
    )


@guarded()
@require_POST
def import_apply(request, pk):
    batch = policy.get_import_for(request.user, pk)
    try:
        batch = import_services.import_apply(
            actor=request.user, batch=batch, confirm=request.POST.get("confirm", "")
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        counts = batch.report["counts"]
        messages.success(
            request,
            _("Imported: %(create)d new, %(update)d changed, %(deactivate)d deactivated.") % counts,
        )
    return redirect("import_detail", pk=batch.pk)


@guarded()
@require_POST
def import_undo(request, pk):
    batch = policy.get_import_for(request.user, pk)
    acted(
        request,
        lambda: import_services.import_undo(actor=request.user, batch=batch),
        _("The import is undone."),
    )
    return redirect("import_detail", pk=batch.pk)


@guarded(access.may_manage_org)
@require_GET
def import_template(request, kind):
    if kind not in ImportBatch.Kind.values:
        raise Http404
    return download(template_csv(kind), filename=f"samtale-{kind}.csv")
