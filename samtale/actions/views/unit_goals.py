"""The follow-up of the workplace's goals: for each of the year's goals a leader reads, how
many goals agreed in signed conversations serve it and how far their actions have come
(priorities; actions.Goal.serves). A leader counts the conversations they hold; a leader's
leader those of everyone in their units (actions.policy.served_goals_counted_for)."""

from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from samtale.actions import policy, selectors
from samtale.core import access
from samtale.core.http import guarded
from samtale.priorities import policy as priorities_policy
from samtale.priorities.services import years_open


@guarded(policy.may_follow_up_reports)
@require_GET
def follow_up_goals(request):
    year = timezone.localdate().year
    asked = request.GET.get("year", "")
    if asked.isascii() and asked.isdigit() and int(asked) in years_open():
        year = int(asked)
    goals = (
        priorities_policy.priorities_visible_to(request.user)
        .filter(year=year)
        .select_related("unit")
        # The units' goals first, the organization's own after them.
        .order_by(F("unit__name").asc(nulls_last=True), "order", "pk")
    )
    progress = selectors.served_goals(
        conversations=policy.served_goals_counted_for(request.user),
        year=year,
        on=timezone.localdate(),
    )
    rows = [(goal, progress.get(goal.pk)) for goal in goals]
    return render(
        request,
        "actions/unit_goals.html",
        {
            "year": year,
            "years": years_open(),
            "rows": rows,
            # What is counted, said on the page: the units' conversations, or the leader's own.
            "units": access.roles_for(request.user).is_leaders_leader,
        },
    )
