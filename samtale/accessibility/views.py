"""The accessibility statement, one page for everyone, signed in or not."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samtale import tenancy
from samtale.accessibility import conformance
from samtale.tenancy import tenant_settings


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The municipality's accessibility statement (tilgjengelighetserklæring) for Samtale, in
    the content and order of Uutilsynet's (uustatus.no): the solution and who answers for it,
    the state of the criteria the regulation requires (accessibility.conformance), where to
    report a barrier (the municipality's own contact), the complaint route, and when it was
    last checked. Linked from every page's footer and readable without signing in."""
    return render(
        request,
        "accessibility/statement.html",
        {
            # An installation that names no organization: its statement says "the organization".
            "named": bool(tenancy.organization_name()),
            "organization": tenancy.organization_name() or _("The organization"),
            "site_url": tenancy.site_url(),
            # A person's or a team's mailbox, never the address Samtale sends from (E034):
            # none given, the statement says so and where else to turn.
            "contact": tenant_settings.SAMTALE_ACCESSIBILITY_CONTACT,
            "published": tenant_settings.SAMTALE_ACCESSIBILITY_STATEMENT_URL,
            "own_check": _day(tenant_settings.SAMTALE_ACCESSIBILITY_CHECKED),
            **conformance.statement(),
        },
    )


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None
