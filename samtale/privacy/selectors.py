"""Reads for the privacy pages."""

from typing import Any

from django.db.models import QuerySet

from samtale.org.models import Person
from samtale.privacy import export
from samtale.privacy import policy as privacy_policy
from samtale.privacy.forms import hold_form
from samtale.privacy.models import AccessCopy
from samtale.tenancy import tenant_settings

HOLDS_SHOWN = 10  # on a person's page: the latest holds and copies, the rest on request


def person_section(user: Any, person: Any) -> dict[str, Any] | None:
    """What HR sees of privacy on a person's page: the hold in force (or the form that sets
    one), the latest holds, and the latest requests for a copy of their data with how far
    each got (never the copy: it goes to the person); None for everyone else."""
    if not privacy_policy.may_set_legal_hold(user):
        return None
    holds = list(
        privacy_policy.legal_holds_visible_to(user)
        .filter(person=person)
        .select_related("set_by", "released_by")[: HOLDS_SHOWN + 1]
    )
    copies = list(
        privacy_policy.access_copies_visible_to(user)
        .filter(person=person)
        .select_related("made_by")[: HOLDS_SHOWN + 1]
    )
    return {
        "active": next((hold for hold in holds if hold.is_active), None),
        "holds": holds[:HOLDS_SHOWN],
        "more_holds": len(holds) > HOLDS_SHOWN,
        "copies": copies[:HOLDS_SHOWN],
        "more_copies": len(copies) > HOLDS_SHOWN,
        "copy_waiting": any(c.state == AccessCopy.Status.WAITING for c in copies),
        "may_export": privacy_policy.may_export_for(user, person),
        "form": hold_form(),
    }


def own_data(person: Person) -> dict[str, Any]:
    """The person's copy of their data, for its page in the app (the person is the one the
    policy found: privacy.policy.get_own_data_for): what the ZIP's index.html says, read the
    same way, in the page's language; no PDF read, the latest of the log only."""
    data, _files = export.person_data(person, pdfs=False)
    return export.page_context(data, export.AUDIT_IN_APP)


def copies_about_me(user: Any) -> list[AccessCopy]:
    """HR's requests for a copy of the user's own data, newest first, with who asked: for
    their profile's "Your data" and their "Who has read your conversations"."""
    if not privacy_policy.may_see_copy_requests_about_me(user):
        return []
    return list(privacy_policy.access_copies_about(user).select_related("made_by"))


def copies_waiting_for_me(user: Any) -> QuerySet[AccessCopy]:
    """The copies of the user's own data that wait in their account, not yet downloaded:
    a card on their home page, which leads to the download."""
    if not privacy_policy.may_see_copy_requests_about_me(user):
        return AccessCopy.objects.none()
    return privacy_policy.access_copies_about(user).filter(
        channel=AccessCopy.Channel.ACCOUNT, status=AccessCopy.Status.WAITING
    )


def policy() -> dict[str, Any]:
    """The retention policy as configured, for the page that says it in words."""
    return {
        "notes_months": tenant_settings.SAMTALE_RETAIN_NOTES_MONTHS,
        "leavers_years": tenant_settings.SAMTALE_RETAIN_LEAVERS_YEARS,
    }
