"""A person's calendar connection: their own from the profile, anyone's for an
administrator from the person's page. Connect, change, test and remove."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from samtale.calendars import policy, reasons, selectors, services
from samtale.calendars.forms import ConnectionForm
from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded


def _page_of(request, person) -> str:
    if person.pk == request.user.pk:
        return reverse("calendar_own")
    return reverse("calendar_person", args=[person.pk])


def _edit(request, person):
    access.require(policy.may_connect_calendar(request.user, person))
    connection = selectors.connection_of(person)
    initial = {"kind": connection.kind if connection else "ics"}
    if connection is not None:
        initial |= {"username": connection.username, "mailbox": connection.mailbox}
    form = ConnectionForm(request.POST or None, initial=initial, connection=connection)
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as e:
            e.add_to(form)
        else:
            messages.success(
                request,
                _("The calendar is saved. Test it below to see that Samtale can read it."),
            )
            return redirect(_page_of(request, person))
    context = {
        "person": person,
        "is_self": person.pk == request.user.pk,
        "connection": connection,
        "last_error": reasons.reason(connection.last_error)
        if connection and connection.last_error
        else "",
        "form": form,
    }
    return render(request, "calendars/connection.html", context)


@guarded()
@require_http_methods(["GET", "POST"])
def calendar_own(request):
    return _edit(request, request.user)


@guarded()
@require_http_methods(["GET", "POST"])
def calendar_person(request, pk):
    return _edit(request, policy.get_calendar_person_for(request.user, pk))


@guarded()
@require_POST
def calendar_test(request, pk):
    person = policy.get_calendar_person_for(request.user, pk)
    try:
        check = services.connection_test(actor=request.user, person=person)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect(_page_of(request, person))
    week = formats.date_format(check.week_start, "SHORT_DATE_FORMAT")
    if check.error:
        messages.error(
            request,
            _("The calendar could not be read: %(reason)s.")
            % {"reason": reasons.reason(check.error)},
        )
    else:
        messages.success(
            request,
            ngettext(
                "The calendar was read: %(n)d busy time in the week from %(week)s.",
                "The calendar was read: %(n)d busy times in the week from %(week)s.",
                check.count,
            )
            % {"n": check.count, "week": week},
        )
    return redirect(_page_of(request, person))


@guarded()
@require_POST
def calendar_delete(request, pk):
    person = policy.get_calendar_person_for(request.user, pk)
    acted(
        request,
        lambda: services.connection_delete(actor=request.user, person=person),
        _("The calendar is no longer connected."),
    )
    return redirect(_page_of(request, person))
