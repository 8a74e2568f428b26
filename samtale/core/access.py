"""The one access policy: who may see or do what.

Every view, htmx fragment, API endpoint, export and e-mail asks this module;
nothing else decides access. Two kinds of answers:

- `<things>_visible_to(user)` querysets feed every list, count and aggregate.
- `get_<thing>_for(user, pk, *, write=False)` fetches and authorizes in one call:
  404 (Http404) when the user may not know the object exists, 403
  (PermissionDenied) when they may see it but not change it.
- `may_<capability>(user)` answers section-level questions ("may this user
  manage the organization?") and `require()` turns a no into 403.

Roles: an administrator manages organization, people and settings; HR sees
people and (later) aggregates; a leader is anyone with reports and sees the
people below them in the line; everyone sees themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from samtale.guides.models import Guide
from samtale.org.models import ImportBatch, Person, Unit


@dataclass(frozen=True)
class Roles:
    person_id: int | None
    is_admin: bool = False
    is_hr: bool = False
    # Everyone below this person in the line, directly or through other leaders.
    subordinate_ids: frozenset[int] = field(default_factory=frozenset)
    direct_report_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_leader(self) -> bool:
        return bool(self.direct_report_ids)

    @property
    def is_leaders_leader(self) -> bool:
        return self.subordinate_ids != self.direct_report_ids


ANONYMOUS = Roles(person_id=None)


def subordinate_ids(person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """(direct reports, everyone below) for a person, walking the line level by level."""
    direct: frozenset[int] = frozenset()
    seen: set[int] = set()
    level = {person_id}
    depth = 0
    while level:
        below = set(Person.objects.filter(manager_id__in=level).values_list("pk", flat=True))
        below -= seen | {person_id}
        if depth == 0:
            direct = frozenset(below)
        seen |= below
        level = below
        depth += 1
    return direct, frozenset(seen)


def roles_for(user) -> Roles:
    """The facts the policy needs about a user, computed once per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_samtale_roles", None)
    if cached is not None:
        return cached
    direct, below = subordinate_ids(user.pk)
    roles = Roles(
        person_id=user.pk,
        is_admin=user.is_org_admin,
        is_hr=user.is_hr,
        subordinate_ids=below,
        direct_report_ids=direct,
    )
    user._samtale_roles = roles
    return roles


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Section-level capabilities ------------------------------------------------


def may_manage_org(user) -> bool:
    """Create and edit units and people, give roles, import from payroll."""
    return roles_for(user).is_admin


def may_list_people(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr or roles.is_leader


def may_list_units(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr


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


# Conversation templates ------------------------------------------------------


def may_manage_guides(user) -> bool:
    """HR and administrators create, copy, edit and retire templates."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def guides_visible_to(user) -> QuerySet[Guide]:
    """Templates hold no personal data: everyone signed in may read them (leaders choose one)."""
    if roles_for(user).person_id is None:
        return Guide.objects.none()
    return Guide.objects.all()


def get_guide_for(user, pk, *, write: bool = False) -> Guide:
    try:
        guide = guides_visible_to(user).get(pk=pk)
    except (Guide.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_guides(user))
    return guide
