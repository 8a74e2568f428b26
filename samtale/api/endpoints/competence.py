"""The workplace's goals for a year and the competence plans, as the web shows them, under
the same policy (priorities.policy, competence.policy): the plan's figures as published
(insight.publication), never a single conversation."""

from django.http import Http404
from ninja import Field, Query, Router, Schema

from samtale.api.endpoints.common import person_ref, responses, unit_ref
from samtale.api.schemas import CompetencePlan, Priority
from samtale.competence import policy as competence_policy
from samtale.competence import selectors as competence_selectors
from samtale.core import access
from samtale.insight.anonymity import min_group
from samtale.needs import policy as needs_policy
from samtale.priorities import policy as priorities_policy

router = Router(tags=["competence"])


class YearUnit(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="this year when left out")
    unit: int | None = Field(
        None, ge=1, le=2**63 - 1, description="a unit; left out: the organization's"
    )


@router.get("/priorities", response=responses(list[Priority]), url_name="priority_list_api")
def priority_list(request, query: Query[YearUnit]):
    """The workplace's goals and focus areas for a year, of one unit or the organization's
    own, those the caller reads (their units', the organization's; HR every unit's)."""
    year = query.year or competence_selectors.years()[0]
    goals = (
        priorities_policy.priorities_visible_to(request.auth)
        .filter(year=year, unit_id=query.unit)  # type: ignore[misc]  # None: the organization's own (IS NULL), which django-stubs does not allow
        .select_related("unit", "parent")
        .order_by("order", "pk")
    )
    return [
        {
            "id": g.pk,
            "year": g.year,
            "unit": unit_ref(g.unit),
            "kind": g.kind,
            "title": g.title,
            "description": g.description,
            "serves": {"id": g.parent.pk, "title": g.parent.title} if g.parent else None,
        }
        for g in goals
    ]


@router.get(
    "/competence-plan", response=responses(CompetencePlan, 404), url_name="competence_plan_api"
)
def competence_plan(request, query: Query[YearUnit]):
    """A unit's competence plan for a year (or the organization's): the competence needs
    agreed, by kind, as published, beside the shared needs for competence; the keepers'
    priorities and statuses, the comments. 403 for whoever the page refuses, 404 for a unit
    whose plan the caller does not read."""
    user = request.auth
    access.require(competence_policy.may_see_plans(user))
    year = query.year or competence_selectors.year_to_show()
    if year not in competence_selectors.years():
        raise Http404
    unit = None
    if query.unit is not None:
        unit = competence_policy.units_plan_visible(user).filter(pk=query.unit).first()
        if unit is None:
            raise Http404
    elif not competence_policy.may_see_organization_plan(user):
        raise Http404
    plan = competence_selectors.plan_of(
        unit=unit, year=year, needs=needs_policy.competence_needs_visible_to(user)
    )
    figure = plan.figure
    return {
        "year": year,
        "unit": unit_ref(unit),
        "withheld": str(figure.reason.text) if figure and figure.reason else None,
        "rounds": list(figure.rounds) if figure else [],
        "people": figure.people if figure else None,
        "min_group": min_group(),
        "rows": [
            {
                "kind": row.kind,
                "agreed": row.count,
                "cost": row.cost,
                "shared_needs": len(row.needs),
                "shared_needs_cost": row.needs_cost,
                "priority": row.line.priority if row.line else None,
                "status": row.line.status if row.line else None,
                "note": row.line.note if row.line else "",
                "budget_need_id": row.line.need_id if row.line else None,
            }
            for row in plan.rows
        ],
        "shared_needs": [
            {
                "id": n.pk,
                "unit": unit_ref(n.unit),
                "kind": n.competence,
                "text": n.text,
                "cost": n.cost,
                "status": n.status,
            }
            for n in plan.needs
        ],
        "served": [_served(goal, found) for goal, found in plan.served],
        "comments": [
            {"at": c.at, "author": person_ref(c.author), "text": c.text} for c in plan.comments
        ],
    }


def _served(goal, found) -> dict:
    shown = found is not None and not hasattr(found, "code")
    return {
        "goal": {"id": goal.pk, "title": goal.title},
        "agreed_goals": found.answers if shown else (0 if found is None else None),
        "done": found.counts[0] if shown else None,
        "under_way": found.counts[1] if shown else None,
        "not_started": found.counts[2] if shown else None,
        "withheld": str(found.text) if found is not None and not shown else None,
    }
