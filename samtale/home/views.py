"""The home page: the one page that gathers from every domain what waits for the person.
It stands above the domains it reads (org, conversations, actions), so none of them and
nothing in core imports it."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from samtale.actions import handover, nudges
from samtale.actions import policy as actions_policy
from samtale.actions import selectors as action_selectors
from samtale.archive import channels as archive_channels
from samtale.archive import policy as archive_policy
from samtale.archive import selectors as archive_selectors
from samtale.conversations import next_steps as conversation_next_steps
from samtale.conversations import policy as conversations_policy
from samtale.conversations import selectors as conversation_selectors
from samtale.core import access
from samtale.core.http import guarded
from samtale.insight import policy as insight_policy
from samtale.insight.publication import figures
from samtale.needs import policy as needs_policy
from samtale.needs.models import Need
from samtale.org import policy as org_policy
from samtale.org import selectors
from samtale.rounds import coverage as rounds_coverage


@guarded()
@require_GET
def home(request):
    """What waits for the signed-in person, and what their roles give them to look after."""
    user = request.user
    roles = access.roles_for(user)
    context = {
        "roles": roles,
        "me": selectors.person_with_relations(person_id=user.pk),
        "direct_reports": selectors.direct_reports(
            people=org_policy.people_visible_to(user), leader=user
        )
        if roles.is_leader
        else [],
    }
    if roles.is_leaders_leader:
        context["units_below"] = _units_below(user)
    context |= _waiting(user)
    if roles.is_leader:
        context |= _leading(user, direct_reports=context["direct_reports"])
    if roles.is_archivist:
        # The signed forms not yet in the personnel file (waiting or failed): the queue
        # where the archive staff download, register or try again.
        context["archive_open"] = archive_selectors.queue_counts(
            archive_policy.deliveries_visible_to(user)
        )["open"]
        context["archive_by_hand"] = archive_channels.configured().by_hand
    if roles.is_hr:
        context |= _hr(user)
    if access.may_manage_org(user) or roles.is_hr:
        context["org_counts"] = selectors.organization_counts(
            people=org_policy.people_visible_to(user), units=org_policy.units_visible_to(user)
        )
    return render(request, "home/home.html", context)


def _units_below(user) -> list[dict]:
    """Each unit below a leaders' leader: its people, who is missing a conversation (the
    coverage page's rule) and the overdue actions (numbers only: the content is not theirs
    to read)."""
    below = org_policy.people_visible_to(user).exclude(pk=user.pk)
    today = action_selectors.today()
    coverage = {
        row["unit_id"]: row["overdue"]
        for row in rounds_coverage.coverage_by_unit(
            people=below, limits=rounds_coverage.coverage_limits(today=today)
        )
    }
    overdue = action_selectors.overdue_by_unit(
        actions=actions_policy.actions_countable_by(user), on=today
    )
    return [
        row
        | {
            "missing": coverage.get(row["unit_id"], 0),
            "overdue": overdue.get(row["unit_id"], 0),
        }
        for row in selectors.units_with_headcount(people=below)
    ]


def _waiting(user) -> dict:
    """What waits for the person, whatever their roles: conversations to prepare, summaries
    to write, review or sign, what was agreed last time, and their own overdue actions."""
    context = {
        "attention": conversation_next_steps.attention(
            conversations=conversations_policy.conversations_visible_to(user), person=user
        )
    }
    # What was agreed last time, on the home page itself: every goal and its actions.
    context["last_signed"] = last = conversation_selectors.last_signed(
        conversations=conversations_policy.conversations_visible_to(user), employee=user
    )
    context["last_goals"] = conversation_selectors.goals_with_actions(last) if last else []
    context["today"] = action_selectors.today()  # its open actions' cards say which are late
    context["last_in_force"] = conversation_selectors.in_force_with_form(last) if last else None
    # After a change of line manager: whether the new one follows up what was agreed.
    context["handover"] = handover.follow_up_asked_of(user).order_by("-at").first()
    context["overdue"] = action_selectors.overdue_count(
        actions=actions_policy.actions_visible_to(user), person=user, on=action_selectors.today()
    )
    # What the leader reminded the person of comes first of all.
    context["reminded"] = action_selectors.reminded_actions(
        person=user, actions=actions_policy.actions_visible_to(user)
    )
    return context


def _leading(user, *, direct_reports) -> dict:
    """A leader's: who of their employees is missing a conversation, and the overdue
    actions of the conversations they hold."""
    return {
        # Missing a conversation, with none planned: planned from the row.
        "lacking": rounds_coverage.missing_unplanned(
            people=direct_reports,
            conversations=conversations_policy.conversations_visible_to(user),
            today=action_selectors.today(),
        ),
        # And who has no conversation in an open round where the leader holds theirs.
        "round_missing": rounds_coverage.missing_in_open_rounds(holder=user),
        # The overdue actions of the conversations the leader holds: the list where they act.
        "led_overdue": nudges.leader_pitfall_actions(
            leader=user,
            kind="overdue",
            actions=action_selectors.agreed(actions_policy.actions_led_by(user)),
            on=action_selectors.today(),
        ).count(),
    }


def _hr(user) -> dict:
    """HR's: the pitfalls, who is missing a conversation, the latest satisfaction and the
    new shared needs, each one click from where HR acts on it."""
    counts = nudges.pitfall_counts(
        conversations=conversations_policy.conversations_countable_by(user),
        actions=actions_policy.actions_countable_by(user),
        on=action_selectors.today(),
    )
    # Who is missing a conversation: the coverage page's own count, one click from it.
    context = {
        "missing_conversation": rounds_coverage.missing_count(
            people=org_policy.people_visible_to(user), today=action_selectors.today()
        )
    }
    # The latest published satisfaction (its year named) and the shared needs that
    # nobody has looked at yet.
    if insight_policy.may_see_status(user):
        context["satisfaction"] = figures.latest_satisfaction()
    new_needs = needs_policy.needs_visible_to(user).filter(status=Need.Status.NEW)
    context["new_needs_count"] = new_needs.count()
    context["new_needs"] = list(new_needs[:5])
    context["pitfalls"] = [
        (text % {"count": counts[kind]}, counts[kind], nudges.SLUGS[kind])
        for kind, text in nudges.HR_TEXTS.items()
    ]
    return context
