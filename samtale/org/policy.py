"""Who may see or change people, units, imports and their histories.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samtale.core.access import may_manage_org, own, require, roles_for
from samtale.org.models import EmailChange, ImportBatch, Person, RoleChange, Unit

# People ---------------------------------------------------------------------


def people_visible_to(user) -> QuerySet[Person]:
    roles = roles_for(user)
    if roles.person_id is None:
        return Person.objects.none()
    if roles.is_admin or roles.is_hr:
        return Person.objects.all()
    return Person.objects.filter(pk__in={roles.person_id, *roles.subordinate_ids})


def get_person_for(user, pk, *, write: bool = False) -> Person:
    try:
        person = people_visible_to(user).select_related("unit", "manager").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_org(user))
    return person


def may_provision(user) -> bool:
    """Create, change and deactivate people from an identity provider (SCIM): what an
    administrator does by hand, so an administrator's service token with the scope 'scim'
    (the scope is the token's, checked where the token is read)."""
    return may_manage_org(user)


def people_provisioned_by(user) -> QuerySet[Person]:
    """The people an identity provider manages: everyone, except those it deleted, who
    stay (deactivated) but are gone for it (RFC 7644 §3.6) until someone reactivates them."""
    if not may_provision(user):
        return Person.objects.none()
    return people_visible_to(user).filter(scim_deleted_at__isnull=True)


def get_provisioned_person_for(user, pk) -> Person:
    """404 for an id that is missing, hidden or not a number, alike."""
    try:
        return people_provisioned_by(user).select_related("manager").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def manager_choices_for(user) -> QuerySet[Person]:
    """Whom an administrator may name as someone's line manager: any active person (the
    service refuses a cycle and the administrator's own line)."""
    if not may_manage_org(user):
        return Person.objects.none()
    return Person.objects.filter(is_active=True)


def may_read_org_changes(user) -> bool:
    """Who gave or took which role, whose e-mail address was changed by whom: HR and
    administrators, who are told of each change as it happens."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def role_changes_visible_to(user) -> QuerySet[RoleChange]:
    if not may_read_org_changes(user):
        return RoleChange.objects.none()
    return RoleChange.objects.all()


def email_changes_visible_to(user) -> QuerySet[EmailChange]:
    if not may_read_org_changes(user):
        return EmailChange.objects.none()
    return EmailChange.objects.all()


def may_release_email_hold(user, change: EmailChange) -> bool:
    """Let password resets go to a changed address without the old address's confirmation:
    HR or an administrator, never the one who made the change or the person themselves."""
    person_id = roles_for(user).person_id
    return may_read_org_changes(user) and person_id not in (change.changed_by_id, change.person_id)


def get_email_change_for(user, pk, *, write: bool = False) -> EmailChange:
    try:
        change = email_changes_visible_to(user).select_related("person").get(pk=pk)
    except (EmailChange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_release_email_hold(user, change))
    return change


# Units ----------------------------------------------------------------------


def units_visible_to(user) -> QuerySet[Unit]:
    """Unit names are not confidential: every signed-in person may know them."""
    if roles_for(user).person_id is None:
        return Unit.objects.none()
    return Unit.objects.all()


def get_unit_for(user, pk, *, write: bool = False) -> Unit:
    try:
        unit = units_visible_to(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_org(user))
    return unit


# Imports --------------------------------------------------------------------


def imports_visible_to(user) -> QuerySet[ImportBatch]:
    if not may_manage_org(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.all()


def get_import_for(user, pk) -> ImportBatch:
    try:
        return imports_visible_to(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def role_changes_about(user) -> QuerySet[RoleChange]:
    """The roles given to or taken from the user: told to them as each happened."""
    return own(user, RoleChange)


def email_changes_about(user) -> QuerySet[EmailChange]:
    """Changes of the user's own e-mail address: told to both addresses as each happened."""
    return own(user, EmailChange)


# Union representatives --------------------------------------------------------


def union_units_of(user) -> QuerySet[Unit]:
    """The units a union representative is elected for: their unit and every unit below it,
    or every unit for one elected for the whole organization; none for anyone else."""
    roles = roles_for(user)
    if not roles.is_union_rep:
        return Unit.objects.none()
    if roles.union_unit_id is None:
        return Unit.objects.all()
    from samtale.org.selectors import unit_with_descendants  # noqa: PLC0415

    return Unit.objects.filter(pk__in=unit_with_descendants(unit=Unit(pk=roles.union_unit_id)))
