"""Reading the workplace's priority goals: a unit's for a year, and those a conversation
shows in the theme the leader fills in (theme 7 of the form)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from samtale.org.models import Unit
from samtale.org.selectors import units_above
from samtale.priorities.models import Priority


@dataclass(frozen=True)
class UnitGoals:
    unit: Unit | None  # None: the organization's own goals
    year: int
    goals: list[Priority]


def of_unit(*, unit: Unit | None, year: int) -> list[Priority]:
    return list(
        Priority.objects.filter(unit=unit, year=year).select_related("parent").order_by("order")
    )


def conversation_year(conversation: Any) -> int:
    """The year a conversation belongs to: when it is (or was) held, else today's."""
    at = conversation.scheduled_at
    return timezone.localtime(at).year if at else timezone.localdate().year


def for_units(*, units: list[Unit], year: int) -> UnitGoals | None:
    """The goals that apply in `year` to a person of the first of `units` (their unit, then
    those above it: org.selectors.units_above): their unit's, else those of the nearest
    unit above it that has any, else the organization's own; None when there are none."""
    chain = [unit.pk for unit in units]
    rows = list(
        Priority.objects.filter(Q(unit_id__in=chain) | Q(unit__isnull=True), year=year)
        .select_related("parent")
        .order_by("order", "pk")
    )
    for unit in [*units, None]:
        goals = [p for p in rows if p.unit_id == (unit.pk if unit else None)]
        if goals:
            return UnitGoals(unit=unit, year=year, goals=goals)
    return None


def for_person(person: Any, *, year: int) -> UnitGoals | None:
    return for_units(units=units_above(person), year=year)


def for_conversation(conversation: Any) -> UnitGoals | None:
    return for_person(conversation.employee, year=conversation_year(conversation))
