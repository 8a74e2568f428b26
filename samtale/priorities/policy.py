"""Who may read and write the workplace's priority goals (priorities.models).

Part of the one access policy (core.access is its ground floor): views and the services
ask it. The goals are not confidential, but they are the units' own: everyone reads the
organization's and those of their own unit and the units above it; a leader also reads
and writes those of their own unit and of the units where the people below them in the
line are; HR reads and
writes all, and alone writes the organization's own.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from samtale.core.access import require, roles_for
from samtale.org.models import Person, Unit
from samtale.priorities.models import Priority


def may_write_priorities(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def units_writable_by(user) -> QuerySet[Unit]:
    """The units whose goals the user writes: HR every active unit; a leader their own unit
    (a head of department sits in the department they lead) and the units of the people
    below them in the line."""
    roles = roles_for(user)
    if roles.is_hr:
        return Unit.objects.filter(is_active=True)
    if not roles.is_leader:
        return Unit.objects.none()
    line = Person.objects.filter(
        Q(pk__in=roles.subordinate_ids, is_active=True) | Q(pk=roles.person_id)
    )
    return Unit.objects.filter(is_active=True, pk__in=line.values("unit_id"))


def _own_units(person_id: int) -> set[int]:
    """The person's unit and every unit above it."""
    unit_id = Person.objects.filter(pk=person_id).values_list("unit_id", flat=True).first()
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    while unit_id is not None and unit_id not in found:
        found.add(unit_id)
        unit_id = parents.get(unit_id)
    return found


def priorities_visible_to(user) -> QuerySet[Priority]:
    roles = roles_for(user)
    if roles.person_id is None:
        return Priority.objects.none()
    if roles.is_hr:
        return Priority.objects.all()
    units = _own_units(roles.person_id)
    return Priority.objects.filter(
        Q(unit__isnull=True) | Q(unit_id__in=units) | Q(unit__in=units_writable_by(user))
    )


def may_write_unit(user, unit: Unit | None) -> bool:
    """Whether the user writes this unit's goals (None: the organization's own, HR alone)."""
    if unit is None:
        return roles_for(user).is_hr
    return units_writable_by(user).filter(pk=unit.pk).exists()


def get_priority_for(user, pk, *, write: bool = False) -> Priority:
    try:
        priority = priorities_visible_to(user).select_related("unit", "parent").get(pk=pk)
    except (Priority.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_write_unit(user, priority.unit))
    return priority
