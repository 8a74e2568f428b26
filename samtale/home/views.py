"""The home page: the one page that gathers from every domain what waits for the person.
It stands above the domains it reads (org, conversations, actions), so none of them and
nothing in core imports it."""

from typing import Any

from django.db.models import Exists
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samtale.actions import handover, nudges
from samtale.actions import policy as actions_policy
from samtale.actions import selectors as action_selectors
from samtale.archive import channels as archive_channels
from samtale.archive import policy as archive_policy
from samtale.archive import selectors as archive_selectors
from samtale.competence import policy as competence_policy
from samtale.conversations import next_steps as conversation_next_steps
from samtale.conversations import other_times as conversation_other_times
from samtale.conversations import policy as conversations_policy
from samtale.conversations import selectors as conversation_selectors
from samtale.conversations.models import Conversation
from samtale.core import access
from samtale.core.http import guarded, render_page
from samtale.core.queries import counts
from samtale.home import selectors as home_selectors
from samtale.insight import policy as insight_policy
from samtale.insight.publication import figures
from samtale.needs import policy as needs_policy
from samtale.needs.models import Need
from samtale.org import policy as org_policy
from samtale.org import selectors
from samtale.privacy import selectors as privacy_selectors
from samtale.rounds import coverage as rounds_coverage
from samtale.rounds import policy as rounds_policy
from samtale.rounds import progress as rounds_progress
from samtale.rounds import reminders as rounds_reminders

# The page's own numbers; the rest of what it counts are HR's pitfalls and the organization's.
_NUMBERS = ("overdue", "led_overdue", "missing_conversation", "new_needs_count")


@guarded()
@require_GET
def home(request):
    """What waits for the signed-in person, and what their roles give them to look after.
    Every number on it is counted in one statement at the end (core.queries.counts), each
    from the queryset its domain's policy allows."""
    user = request.user
    roles = access.roles_for(user)
    today = action_selectors.today()
    context = {"roles": roles}
    counted = _waiting(user, context, today=today)
    if roles.is_leader:
        counted |= _leading(user, context, today=today)
    if roles.is_leaders_leader:
        context["units_below"] = _units_below(user, today=today)
    if roles.is_archivist:
        # The signed forms not yet in the personnel file (waiting or failed): the queue
        # where the archive staff download, register or try again.
        queue = archive_selectors.queue_counts(archive_policy.deliveries_visible_to(user))
        context["archive_open"], context["archive_failed"] = queue["open"], queue["failed"]
        context["archive_by_hand"] = archive_channels.configured().by_hand
    if (
        roles.is_union_rep
        and roles.union_unit_id
        and user.unit_id not in (None, roles.union_unit_id)
    ):
        # The plan of the unit they work in, when it is one they read (under the one they
        # are elected for), one click from home beside the elected unit's.
        context["own_plan_unit"] = (
            competence_policy.units_plan_visible(user).filter(pk=user.unit_id).first()
        )
    if roles.is_hr:
        counted |= _hr(user, context, today=today)
        context["rounds_behind"] = _rounds_behind(user, today=today)
    # The organization's own counts come when their section is scrolled to (organization).
    context["organization"] = _sees_organization(user)
    found = counts(**counted)
    context |= {name: found.pop(name) for name in _NUMBERS if name in found}
    if roles.is_hr:
        context["pitfalls"] = [
            (text % {"count": n}, n, nudges.SLUGS[kind])
            for kind, text in nudges.HR_TEXTS.items()
            for n in [found.pop(f"pitfall_{kind}")]
        ]
    return render(request, "home/home.html", context)


def _sees_organization(user) -> bool:
    return access.may_manage_org(user) or access.roles_for(user).is_hr


@guarded(_sees_organization)
@require_GET
def organization(request):
    """The organization's counts on HR's and the administrator's home (the active people,
    permanent and temporary, the leaders, the active units): asked by htmx when their
    section is scrolled to, or a page of their own without JavaScript. Each reads all
    50,000 people, and together they were a third of HR's home page (HR's pitfalls, on
    the first screen, are counted with the page)."""
    user = request.user
    found = selectors.organization_counts(
        people=org_policy.people_visible_to(user), units=org_policy.units_visible_to(user)
    )
    return render_page(request, "home/organization.html", {"org_counts": found}, fragment="figures")


def _waiting(user, context: dict, *, today) -> dict:
    """What waits for the person, whatever their roles: conversations to prepare, summaries
    to write, review or sign, what was agreed last time, and their own overdue actions (the
    last counted with the page's other numbers: the queryset is returned)."""
    # What seldom waits is asked for with the person themselves, and read only when there:
    # a question about passing their follow-up on to a new line manager, and a copy of
    # their data to download.
    asked = handover.follow_up_asked_of(user)
    copies = privacy_selectors.copies_waiting_for_me(user)
    # And whether a change of line manager is news: what came to a new leader, where an
    # employee's conversation went (home.selectors).
    leader = context["roles"].is_leader
    me: Any = selectors.person_with_relations(  # with the annotations asked for here
        person_id=user.pk,
        handover_asked=Exists(asked),
        copy_waiting=Exists(copies),
        **home_selectors.handover_annotations(user, leader=leader),
        **conversation_other_times.waiting_annotations(user),
    )
    context["me"] = me
    if leader and me.taken_over_recently:
        context["handed_over"] = home_selectors.handed_over(user)
    if me.moved_recently:
        context["conversation_moved"] = home_selectors.my_conversation_moved(user)
    context["handover"] = asked.order_by("-at").first() if me.handover_asked else None
    context["copies_waiting"] = list(copies) if me.copy_waiting else []
    visible = conversations_policy.conversations_visible_to(user)
    # A conversation the hand-over card offers to set a time for is shown there only: one
    # card, one action (home/_handed_over.html).
    in_handover = home_selectors.without_time(context.get("handed_over", ()))
    context["attention"] = conversation_next_steps.attention(
        conversations=visible.exclude(pk__in=in_handover) if in_handover else visible,
        person=user,
    )
    # Other times the other party asked for (in the app or their mail program), to take.
    context["other_times"] = (
        conversation_other_times.other_times_waiting_for(
            user, proposals=me.proposals_waiting, counters=me.counters_waiting
        )
        if me.proposals_waiting or me.counters_waiting
        else []
    )
    # What was agreed last time, on the home page itself: every goal and its actions.
    context["last_signed"] = last = conversation_selectors.last_signed(
        conversations=visible, employee=user
    )
    context["last_goals"] = conversation_selectors.goals_with_actions(last) if last else []
    context["today"] = today  # its open actions' cards say which are late
    # What the leader reminded the person of comes first of all.
    mine = actions_policy.actions_visible_to(user)
    context["reminded"] = action_selectors.reminded_actions(person=user, actions=mine)
    return {"overdue": action_selectors.overdue_theirs(actions=mine, person=user, on=today)}


def _leading(user, context: dict, *, today) -> dict:
    """A leader's: their employees, each marked if missing a conversation (with none
    planned) or without one in an open round they hold, and the overdue actions of the
    conversations they hold (counted with the page's other numbers)."""
    context["direct_reports"] = list(
        rounds_coverage.with_missing(
            selectors.direct_reports(people=org_policy.people_visible_to(user), leader=user),
            conversations=conversations_policy.conversations_visible_to(user),
            holder=user,
            today=today,
        )
    )
    # Each one's conversation that is on, by its status in words.
    context["statuses"] = dict(Conversation.Status.choices)
    # The overdue actions of the conversations the leader holds: the list where they act.
    return {
        "led_overdue": nudges.leader_pitfall_actions(
            leader=user,
            kind="overdue",
            actions=action_selectors.agreed(actions_policy.actions_led_by(user)),
            on=today,
        )
    }


def _units_below(user, *, today) -> list[dict]:
    """Each unit below a leaders' leader: its people, who is missing a conversation (the
    coverage page's rule) and the overdue actions (numbers only: the content is not theirs
    to read)."""
    below = org_policy.people_visible_to(user).exclude(pk=user.pk)
    overdue = action_selectors.overdue_by_unit(
        actions=actions_policy.actions_countable_by(user), on=today
    )
    return [
        row | {"overdue": overdue.get(row["unit_id"], 0)}
        for row in rounds_coverage.units_with_coverage(people=below, today=today)
    ]


def _rounds_behind(user, *, today) -> list[tuple]:
    """The open rounds the person may manage with leaders behind (rounds.progress, the one
    definition), each with how many and, when leaders were reminded in the last week, how
    many and when: (round, n, (reminded, at) or None). Two queries, one when no round is
    open, three when one is behind."""
    open_rounds = rounds_policy.rounds_visible_to(user).filter(closed_at__isnull=True)
    managed = [r for r in open_rounds if rounds_policy.may_manage_round(user, r)]
    behind = rounds_progress.behind_counts(rounds=managed, today=today)
    rounds = [r for r in managed if behind.get(r.pk)]
    lately = rounds_reminders.reminded_lately(rounds=rounds) if rounds else {}
    return [(r, behind[r.pk], lately.get(r.pk)) for r in rounds]


def _hr(user, context: dict, *, today) -> dict:
    """HR's: the pitfalls, who is missing a conversation, the latest satisfaction and the
    new shared needs, each one click from where HR acts on it. The numbers are returned as
    querysets, to be counted with the page's others."""
    # The latest published satisfaction (its year named) and the shared needs that
    # nobody has looked at yet.
    if insight_policy.may_see_status(user):
        context["satisfaction"] = figures.latest_satisfaction()
    new_needs = needs_policy.needs_visible_to(user).filter(status=Need.Status.NEW)
    context["new_needs"] = list(new_needs[:5])
    pitfalls = nudges.pitfall_querysets(
        conversations=conversations_policy.conversations_countable_by(user),
        actions=actions_policy.actions_countable_by(user),
        on=today,
    )
    return {f"pitfall_{kind}": queryset for kind, queryset in pitfalls.items()} | {
        # Who is missing a conversation: the coverage page's own count, one click from it.
        "missing_conversation": rounds_coverage.missing(
            people=org_policy.people_visible_to(user), today=today
        ),
        "new_needs_count": new_needs,
    }
