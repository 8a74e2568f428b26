"""Insight: the status analysis the insight page shows, under the same rule (access.
may_see_status: HR for the organization, a leader for a line of at least k people) and
the same anonymity rule (figures from answers only for groups of at least k)."""

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from samtale.api.endpoints.common import responses
from samtale.api.schemas import StatusAnalysis
from samtale.core import access
from samtale.insight import analysis, anonymity
from samtale.insight.selectors import ORGANIZATION

router = Router(tags=["insight"])


class StatusQuery(Schema):
    year: int | None = Field(None, ge=2000, description="this year when left out")
    unit: int | None = Field(None, ge=1, le=2**63 - 1, description="a unit to drill down to")
    round: int | None = Field(
        None, ge=1, le=2**63 - 1, description="a round's conversations instead of a year's"
    )


def _share(value):
    return None if value is None else round(value, 1)


def figures_out(s) -> dict:
    """One group's Status as the page's table shows it (insight.views._status_columns)."""
    coverage = s.coverage
    goals = s.goal_results_share
    return {
        "permanent": None if coverage is None else coverage[0],
        "covered_percent": _share(s.covered_share) if s.today else None,
        "missing": None if coverage is None else coverage[2],
        "planned": s.planned,
        "held": s.held,
        "signed": s.signed,
        "postponed": s.postponed,
        "median_days_to_signature": s.median_days,
        "signed_with_goals_percent": _share(s.goals_share),
        "actions": s.actions,
        "actions_done": s.actions_done,
        "actions_overdue": s.actions_overdue,
        "actions_untouched": s.actions_untouched,
        "goals_achieved_percent": None if goals is None else _share(goals[0]),
        "goals_partly_percent": None if goals is None else _share(goals[1]),
        "goals_not_achieved_percent": None if goals is None else _share(goals[2]),
        "leader_talk_percent": _share(s.talk_share),
        "satisfaction_mean": None if s.satisfaction is None else round(s.satisfaction.mean, 2),
        "satisfaction_people": None if s.satisfaction is None else s.satisfaction.people,
    }


@router.get("/status", response=responses(StatusAnalysis, 404), url_name="insight_status")
def status_analysis(request, query: Query[StatusQuery]):
    """How the routine is carried out, for the caller's scope or one unit of it and the units
    right below: this year (or `year`), or one round. 403 for whoever the page refuses (a
    leader whose line is smaller than k has the feedback on leadership instead); 404 for a
    unit or a round outside the caller's scope."""
    user = request.auth
    access.require(access.may_see_status(user))
    scope = access.status_scope_of(user)
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
        round_ = access.rounds_countable_by(user).filter(pk=query.round).first()
        if round_ is None:
            raise Http404
    year = query.year or timezone.localdate().year
    result = analysis.status_analysis(scope, year=year, round_=round_)
    tree = result.tree
    node = ORGANIZATION if query.unit is None else query.unit
    if node not in tree:
        raise Http404
    now = result.figures[result.year]

    def row(unit) -> dict:
        ref = None if unit == ORGANIZATION else {"id": unit, "name": tree.names[unit]}
        return {"unit": ref, "figures": figures_out(now[unit])}

    return {
        "year": None if round_ else result.year,
        "round": None if round_ is None else {"id": round_.pk, "name": round_.name},
        "scope": "organization" if scope.whole_organization else "line",
        "min_group": anonymity.min_group(),
        "counted_at": result.counted_at,
        "node": row(node),
        "below": [row(unit) for unit in tree.below(node)],
    }
