"""Each person's copy of their data, HR's legal holds and copies made on request, and the
retention runs."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.core import access
from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import download
from samtale.privacy import export, selectors, services
from samtale.privacy.forms import copy_form, hold_form

PAGE_SIZE = 20


def _zip(data: bytes) -> HttpResponse:
    return download(data, filename=export.filename())


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@guarded()
@require_GET
def own_export(request):
    """Everything Samtale holds about the signed-in person, as a ZIP (GDPR art. 15 and 20)."""
    return _zip(services.own_copy_make(actor=request.user))


@guarded()
@require_http_methods(["GET", "POST"])
def export_for(request, pk):
    """HR makes a person's copy on their request, saying why."""
    person = access.get_person_for(request.user, pk)
    require(access.may_export_for(request.user, person))
    posted = request.method == "POST"
    form = copy_form(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            data = services.access_copy_make(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return _zip(data)
    return render(
        request,
        "privacy/export_for.html",
        {"person": person, "form": form},
        status=400 if posted else 200,
    )


@guarded()
@require_http_methods(["GET", "POST"])
def hold_set(request, pk):
    """HR puts a person's conversations on legal hold, saying why."""
    person = access.get_person_for(request.user, pk)
    require(access.may_set_legal_hold(request.user))
    posted = request.method == "POST"
    form = hold_form(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.legal_hold_set(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is on legal hold: nothing of theirs is deleted until it is released.")
                % {"name": person.full_name},
            )
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "privacy/hold.html",
        {"person": person, "form": form, "privacy": selectors.person_section(request.user, person)},
        status=400 if posted else 200,
    )


@guarded()
@require_POST
def hold_release(request, pk):
    person = access.get_person_for(request.user, pk)
    require(access.may_set_legal_hold(request.user))
    try:
        services.legal_hold_release(actor=request.user, person=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The legal hold on %(name)s is released: the retention policy applies again.")
            % {"name": person.full_name},
        )
    return redirect("person_detail", pk=person.pk)


@guarded(access.may_read_retention)
@require_GET
def retention_overview(request):
    """The policy in words, the latest runs, and who is on legal hold and why."""
    runs = Paginator(
        access.retention_runs_visible_to(request.user).order_by("-started_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("side"))
    holds = Paginator(
        access.legal_holds_visible_to(request.user)
        .filter(released_at__isnull=True)
        .select_related("person", "set_by")
        .order_by("-set_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("sperrer"))
    return render(
        request,
        "privacy/retention.html",
        {"runs": runs, "holds": holds, "policy": selectors.policy()},
    )
