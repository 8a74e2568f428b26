"""The people and units a picker searches (core.pickers): how each is searched, found
exactly and named, for every app's sources; and the sources of org's own forms: a person's
line manager, and the units."""

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from samtale.core import access
from samtale.core.pickers import Source, register
from samtale.org import policy
from samtale.org.models import Person, Unit
from samtale.org.selectors import matching

PERSON_HINT = _("Name, e-mail, employee number or unit")
UNIT_HINT = _("Name or code of the unit")


def person_label(person: Person) -> str:
    """How a person is named in a picker: name, then title and unit to tell namesakes apart."""
    details = ", ".join(d for d in (person.job_title, person.unit.name if person.unit else "") if d)
    return f"{person.full_name} – {details}" if details else person.full_name


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})" if unit.code else unit.name


def _search_people(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Every word must match a name, the e-mail address, the employee number or the unit."""
    return (
        matching(
            people,
            query,
            "first_name__icontains",
            "last_name__icontains",
            "email__istartswith",
            "employee_number__iexact",
            "unit__name__icontains",
        )
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )


def _exact_person(people: QuerySet[Person], query: str) -> Person | None:
    """The one person whose e-mail address or employee number is exactly what was typed."""
    text = query.strip()
    if not text:
        return None
    found = list(
        people.filter(Q(email__iexact=text) | Q(employee_number__iexact=text)).select_related(
            "unit"
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _search_units(units: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    return matching(units, query, "name__icontains", "code__istartswith").order_by("name", "pk")


def _exact_unit(units: QuerySet[Unit], query: str) -> Unit | None:
    found = list(units.filter(code__iexact=query.strip())[:2]) if query.strip() else []
    return found[0] if len(found) == 1 else None


def people(may: Callable, choices: Callable) -> Source:
    """A source of people: `may` the policy's capability to search it, `choices` the
    policy's queryset of whom the user may pick, (user, params) -> queryset."""
    return Source(
        may,
        choices,
        search=_search_people,
        exact=_exact_person,
        label=person_label,
        placeholder=PERSON_HINT,
    )


def of_user(choices: Callable) -> Callable:
    """A policy's queryset that takes the user alone, as a source's (user, params)."""
    return lambda user, params: choices(user)


def _signed_in(user) -> bool:
    return access.roles_for(user).person_id is not None


def _units(user, params) -> QuerySet[Unit]:
    return policy.units_visible_to(user).filter(is_active=True)


# A person's line manager (administrators).
register("manager", people(access.may_manage_org, of_user(policy.manager_choices_for)))
# Units, for forms and filters: names are not confidential.
register(
    "units",
    Source(
        _signed_in,
        _units,
        search=_search_units,
        exact=_exact_unit,
        label=unit_label,
        placeholder=UNIT_HINT,
    ),
)
