"""The organization: units and people, for those the web shows them to (access.may_list_units,
access.may_list_people: HR and administrators everyone, a leader the people in their line),
and one person for whoever may see them (org_policy.get_person_for)."""

from typing import Literal

from ninja import Field, Query, Router, Schema

from samtale.api.endpoints.common import Id, page_of, person_ref, responses, unit_ref
from samtale.api.schemas import PageQuery, PersonDetail, PersonPage, UnitPage
from samtale.core import access
from samtale.org import policy as org_policy
from samtale.org import selectors

router = Router(tags=["organization"])
# A search never holds a NUL character (PostgreSQL refuses one in a query, as Django's forms do).
NO_NUL = r"^[^\x00]*$"


class UnitFilter(Schema):
    q: str = Field("", max_length=200, pattern=NO_NUL, description="a part of the name or code")


class PersonFilter(Schema):
    q: str = Field(
        "", max_length=200, pattern=NO_NUL, description="name, e-mail, employee number or title"
    )
    unit: int | None = Field(None, ge=1, le=2**63 - 1, description="in this unit or below it")
    status: Literal["active", "inactive", "all"] = "active"


def person_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.full_name,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "employee_number": p.employee_number,
        "job_title": p.job_title,
        "unit": unit_ref(p.unit),
        "manager": person_ref(p.manager),
        "is_active": p.is_active,
    }


@router.get("/units", response=responses(UnitPage), url_name="unit_list")
def unit_list(request, paging: Query[PageQuery], filters: Query[UnitFilter]):
    """The units in tree order (each above those below it): HR and administrators."""
    access.require(access.may_list_units(request.auth))
    rows = selectors.unit_tree(units=org_policy.units_visible_to(request.auth), query=filters.q)
    return page_of(
        rows,
        paging,
        lambda row: {
            "id": row.unit.pk,
            "code": row.unit.code,
            "name": row.unit.name,
            "kind": row.unit.kind,
            "parent_id": row.unit.parent_id,
            "depth": row.depth,
            "is_active": row.unit.is_active,
        },
    )


@router.get("/people", response=responses(PersonPage, 404), url_name="person_list")
def person_list(request, paging: Query[PageQuery], filters: Query[PersonFilter]):
    """The people the caller may list, by name; a unit that does not exist is 404."""
    user = request.auth
    access.require(access.may_list_people(user))
    unit = None if filters.unit is None else org_policy.get_unit_for(user, filters.unit)
    rows = selectors.person_search(
        people=org_policy.people_visible_to(user), query=filters.q, unit=unit, status=filters.status
    )
    return page_of(rows, paging, person_out)


@router.get("/people/{pk}", response=responses(PersonDetail, 404), url_name="person")
def person_detail(request, pk: int = Id()):
    """A person the caller may see (themselves, their line; HR and administrators anyone),
    with their active direct reports among those the caller may see."""
    user = request.auth
    person = org_policy.get_person_for(user, pk)
    reports = selectors.direct_reports(people=org_policy.people_visible_to(user), leader=person)
    return {
        **person_out(person),
        "reports": [person_ref(r) for r in reports.order_by("last_name", "first_name", "pk")],
    }
