"""Insight: the status analysis the insight page shows, under the same rule (access.
may_see_status: HR for the organization, a leader for a line of at least k people), with
the same columns (insight.columns) and the same published figures from answers
(insight.publication)."""

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from samtale.api.endpoints.common import responses
from samtale.api.schemas import StatusAnalysis
from samtale.core import access
from samtale.insight import analysis, anonymity, columns
from samtale.insight import policy as insight_policy
from samtale.insight.selectors import ORGANIZATION
from samtale.rounds import policy as rounds_policy

router = Router(tags=["insight"])


class StatusQuery(Schema):
    year: int | None = Field(None, ge=2000, description="this year when left out")
    unit: int | None = Field(None, ge=1, le=2**63 - 1, description="a unit to drill down to")
    round: int | None = Field(
        None, ge=1, le=2**63 - 1, description="a round's conversations instead of a year's"
    )


@router.get("/status", response=responses(StatusAnalysis, 404), url_name="insight_status")
def status_analysis(request, query: Query[StatusQuery]):
    """How the routine is carried out, for the caller's scope or one unit of it and the units
    right below: this year (or `year`), or one round. 403 for whoever the page refuses (a
    leader whose line is smaller than k has the feedback on leadership instead); 404 for a
    unit or a round outside the caller's scope."""
    user = request.auth
    access.require(insight_policy.may_see_status(user))
    scope = insight_policy.status_scope_of(user)
    last = timezone.localdate().year + 1
    if query.year is not None and query.year > last:
        raise ValidationError(
            [
                {
                    "type": "less_than_equal",
                    "loc": ["query", "year"],
                    "msg": f"Input should be less than or equal to {last}",
                }
            ]
        )
    round_ = None
    if query.round is not None:
        round_ = rounds_policy.rounds_countable_by(user).filter(pk=query.round).first()
        if round_ is None:
            raise Http404
    year = query.year or timezone.localdate().year
    result = analysis.status_analysis(scope, year=year, round_=round_)
    tree = result.tree
    node = ORGANIZATION if query.unit is None else query.unit
    if node not in tree:
        raise Http404
    now = result.with_answers([node, *tree.below(node)]).figures[result.year]

    def row(unit) -> dict:
        ref = None if unit == ORGANIZATION else {"id": unit, "name": tree.names[unit]}
        return {"unit": ref, "figures": columns.in_api(now[unit])}

    return {
        "year": None if round_ else result.year,
        "round": None if round_ is None else {"id": round_.pk, "name": round_.name},
        "scope": "organization" if scope.whole_organization else "line",
        "min_group": anonymity.min_group(),
        "counted_at": result.counted_at,
        "node": row(node),
        "below": [row(unit) for unit in tree.below(node)],
    }
