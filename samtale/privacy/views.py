"""Each person's copy of their data, HR's legal holds and requests for a person's copy (which
reaches the person only: in their account, or by a one-time link and code), and the
retention runs."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded
from samtale.core.paginator import Paginator
from samtale.core.spreadsheet import download
from samtale.org import policy as org_policy
from samtale.privacy import export, policy, selectors, services
from samtale.privacy.forms import CodeForm, CopyRequestForm, hold_form

PAGE_SIZE = 20


def _zip(data: bytes, person) -> HttpResponse:
    return download(data, filename=export.filename(person))


@guarded()
@require_GET
def own_export(request):
    """Everything Samtale holds about the signed-in person, as a ZIP (GDPR art. 15 and 20)."""
    return _zip(services.own_copy_make(actor=request.user), request.user)


@guarded()
@require_GET
def own_data(request, pk):
    """The signed-in person's copy of their data as a page: what the ZIP says, readable on a
    phone, its signed forms linked as the conversation's page links them, and the ZIP
    beside it. Theirs alone: not found for anyone else, HR included."""
    person = policy.get_own_data_for(request.user, pk)
    return render(request, "privacy/own_data.html", selectors.own_data(person))


@guarded()
@require_http_methods(["GET", "POST"])
def export_for(request, pk):
    """HR asks for a person's copy on their request, saying why: it goes to the person, never
    to HR, and HR is sent back to the person's page."""
    person = org_policy.get_person_for(request.user, pk)
    require(policy.may_export_for(request.user, person))
    posted = request.method == "POST"
    form = CopyRequestForm(request.POST if posted else None, person=person)
    if posted and form.is_valid():
        try:
            copy = services.access_copy_request(
                actor=request.user, person=person, **form.cleaned_data
            )
        except DomainError as error:
            error.add_to(form)
        else:
            messages.success(request, _requested(copy))
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "privacy/export_for.html",
        {"person": person, "form": form, "days": services.LINK_DAYS},
        status=400 if posted else 200,
    )


def _requested(copy) -> str:
    name = copy.person.full_name
    if copy.channel == copy.Channel.LINK:
        return _(
            "The copy of the data of %(name)s is on its way to %(address)s: a one-time link, "
            "and the code that opens it in a second e-mail. You will see here when it has "
            "been downloaded."
        ) % {"name": name, "address": copy.address}
    return _(
        "The copy of the data of %(name)s waits for them on their profile, and they are told "
        "by e-mail. You will see here when they have downloaded it."
    ) % {"name": name}


@guarded()
@require_GET
def own_copy_download(request, pk):
    """The copy HR asked for, waiting in the signed-in person's account: their own data, as
    a ZIP built now, for them alone."""
    copy = policy.get_own_access_copy_for(request.user, pk)
    return _zip(services.access_copy_download(actor=request.user, copy=copy), request.user)


@require_http_methods(["GET", "POST"])
def copy_link(request, token):
    """The one-time link e-mailed to a person who has left: the code from the second e-mail
    downloads their copy, once. No sign-in: the link and the code are the key. The page
    names no one, and a GET (which mail scanners follow) changes nothing."""
    copy = policy.get_access_copy_by_link(token)
    refusal = services.copy_link_refusal(copy)
    posted = request.method == "POST"
    form = CodeForm(request.POST if posted and not refusal else None)
    if form.is_valid():
        try:
            data = services.access_copy_collect(copy=copy, code=form.cleaned_data["code"])
        except DomainError as error:
            refusal = services.copy_link_refusal(copy)
            if not refusal:
                error.add_to(form)
        else:
            return _zip(data, copy.person)
    status = 200
    if refusal:
        status = 410
    elif posted:
        status = 400
    # The token in this page's address goes to no other site as a Referer: the site's
    # policy is same-origin (a no-referrer policy would make the browser send the form's
    # Origin as "null", which the CSRF check refuses).
    return render(
        request,
        "privacy/copy_link.html",
        {"form": form, "refusal": refusal, "copy": copy},
        status=status,
    )


@guarded()
@require_http_methods(["GET", "POST"])
def hold_set(request, pk):
    """HR puts a person's conversations on legal hold, saying why."""
    person = org_policy.get_person_for(request.user, pk)
    require(policy.may_set_legal_hold(request.user))
    posted = request.method == "POST"
    form = hold_form(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            services.legal_hold_set(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            error.add_to(form)
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
    person = org_policy.get_person_for(request.user, pk)
    require(policy.may_set_legal_hold(request.user))
    acted(
        request,
        lambda: services.legal_hold_release(actor=request.user, person=person),
        _("The legal hold on %(name)s is released: the retention policy applies again.")
        % {"name": person.full_name},
    )
    return redirect("person_detail", pk=person.pk)


@guarded(policy.may_read_retention)
@require_GET
def retention_overview(request):
    """The policy in words, the latest runs, and who is on legal hold and why."""
    runs = Paginator(
        policy.retention_runs_visible_to(request.user).order_by("-started_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("side"))
    holds = Paginator(
        policy.legal_holds_visible_to(request.user)
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
