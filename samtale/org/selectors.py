"""Reads of the organization.

Selectors never decide access: they narrow querysets that the access policy
(`samtale.core.access`) has already filtered for the user.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet

from samtale.core.queries import counts
from samtale.org.models import Person, Unit


def person_with_relations(*, person_id: int, **annotations: Any) -> Person:
    """The person with their unit, its parent and their line manager; with `annotations`
    (whether something rare waits for them, say) read in the same query."""
    return (
        Person.objects.select_related("unit", "unit__parent", "manager")
        .annotate(**annotations)
        .get(pk=person_id)
    )


def direct_reports(*, people: QuerySet[Person], leader: Person) -> QuerySet[Person]:
    return people.filter(manager=leader, is_active=True).select_related("unit")


def person_search(
    *,
    people: QuerySet[Person],
    query: str = "",
    unit: Unit | None = None,
    status: str = "active",
) -> QuerySet[Person]:
    """People matching a free-text query (name, e-mail, employee number, title), a unit and a status."""
    qs = people.select_related("unit", "manager")
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    if unit is not None:
        qs = qs.filter(unit__in=unit_with_descendants(unit=unit))
    qs = matching(
        qs,
        query,
        "first_name__icontains",
        "last_name__icontains",
        "email__icontains",
        "employee_number__iexact",
        "job_title__icontains",
        "profession_group__icontains",
    )
    return qs.order_by("last_name", "first_name", "pk")


# A search reads at most this many words: what a person types, not a paragraph pasted in.
SEARCH_WORDS = 6


def matching(rows: QuerySet[Any], query: str, *lookups: str) -> QuerySet[Any]:
    """Rows where every word of `query` (the first SEARCH_WORDS) matches one of `lookups`,
    each a field lookup such as "last_name__icontains"."""
    for word in query.split()[:SEARCH_WORDS]:
        rows = rows.filter(reduce(or_, (Q(**{lookup: word}) for lookup in lookups)))
    return rows


# What a fetch of a person selects to know the units above theirs without asking again
# (units_above): the tree is three levels deep (Unit.LEVELS).
UNITS_ABOVE = "unit__parent__parent"


def units_above(person: Person) -> list[Unit]:
    """The person's unit and the units above it, nearest first: read from the person as
    fetched where it was fetched with UNITS_ABOVE (select_related), else in one statement."""
    if person.unit_id is None:
        return []
    if Person.unit.is_cached(person):
        unit = person.unit
    else:
        unit = Unit.objects.select_related("parent__parent").filter(pk=person.unit_id).first()
    units, seen = [], set()
    while unit is not None and unit.pk not in seen:
        units.append(unit)
        seen.add(unit.pk)
        unit = unit.parent
    return units


def unit_with_descendants(*, unit: Unit) -> list[int]:
    ids = [unit.pk]
    level = [unit.pk]
    while level:
        level = list(Unit.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return ids


@dataclass
class UnitRow:
    unit: Unit
    depth: int
    headcount: int


def unit_tree(*, units: QuerySet[Unit], query: str = "") -> list[UnitRow]:
    """Units in tree order (each parent before its children), their headcount not yet read
    (unit_headcounts, for the rows shown). With a query, the units whose name or code holds
    it, still in tree order and at their depth."""
    all_units = list(units.select_related("parent").order_by("name"))
    children: dict[int | None, list[Unit]] = {}
    known = {u.pk for u in all_units}
    for u in all_units:
        parent_id = u.parent_id if u.parent_id in known else None
        children.setdefault(parent_id, []).append(u)
    rows: list[UnitRow] = []

    def walk(parent_id: Any, depth: Any) -> None:
        for u in children.get(parent_id, []):
            rows.append(UnitRow(unit=u, depth=depth, headcount=0))
            walk(u.pk, depth + 1)

    walk(None, 0)
    needle = query.strip().casefold()
    if needle:
        rows = [
            r for r in rows if needle in r.unit.name.casefold() or needle in r.unit.code.casefold()
        ]
    return rows


def unit_headcounts(*, people: QuerySet[Person], rows: Iterable[UnitRow]) -> None:
    """Fill in the active headcount of these rows (a page of them): one query over the
    people of those units alone."""
    rows = list(rows)
    counts = dict(
        people.filter(is_active=True, unit_id__in=[r.unit.pk for r in rows])
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
        .order_by()
    )
    for row in rows:
        row.headcount = counts.get(row.unit.pk, 0)


def organization_counts(*, people: QuerySet[Person], units: QuerySet[Unit]) -> dict[str, Any]:
    """Active people, permanent and temporary, leaders (with an active report) and active
    units: one statement (core.queries.counts)."""
    return counts(**organization_querysets(people=people, units=units))


def organization_querysets(*, people: QuerySet[Person], units: QuerySet[Unit]) -> dict[str, Any]:
    """What organization_counts counts, one queryset each: for a page that counts them in
    the same statement as its other numbers."""
    active = people.filter(is_active=True)
    return {
        "people": active,
        "permanent": active.filter(employment_type=Person.EmploymentType.PERMANENT),
        "temporary": active.filter(employment_type=Person.EmploymentType.TEMPORARY),
        # Those managing an active person: a join to the managers of active people (a few
        # thousand at 50,000 people).
        "leaders": active.filter(pk__in=Person.objects.filter(is_active=True).values("manager_id")),
        "units": units.filter(is_active=True),
    }


def leaders(*, people: QuerySet[Person]) -> QuerySet[Person]:
    """Active people with at least one active report."""
    return people.filter(is_active=True, reports__is_active=True).distinct()


def position_of(*, person_id: int) -> dict[str, Any]:
    """Where a person stands now, as the figures from their answers remember it when an
    answer is final (insight.publication): their unit, profession group and line (their
    line manager first, then theirs, up the line). One query per level of the line."""
    manager: int | None
    unit, profession, manager = Person.objects.values_list(
        "unit_id", "profession_group", "manager_id"
    ).get(pk=person_id)
    line: list[int] = []
    while manager is not None and manager not in line and manager != person_id:
        line.append(manager)
        manager = Person.objects.filter(pk=manager).values_list("manager_id", flat=True).first()
    return {"unit": unit, "profession": profession, "line": line}


def positions(*, person_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """position_of for many people at once: {person: position}, from one read of everyone's
    unit and line manager."""
    everyone = {
        pk: (unit, profession, manager)
        for pk, unit, profession, manager in Person.objects.values_list(
            "pk", "unit_id", "profession_group", "manager_id"
        )
    }
    result = {}
    for pk in person_ids:
        if pk not in everyone:
            continue
        manager_of: int | None
        unit, profession, manager_of = everyone[pk]
        manager: int | None = manager_of
        line: list[int] = []
        while manager is not None and manager not in line and manager != pk:
            line.append(manager)
            manager = everyone.get(manager, (None, None, None))[2]
        result[pk] = {"unit": unit, "profession": profession, "line": line}
    return result
