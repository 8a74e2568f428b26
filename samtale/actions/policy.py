"""Who may see goals and actions, follow them up, and count them.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.conversations.models import Conversation
from samtale.conversations.policy import conversations_countable_by, conversations_visible_to
from samtale.core.access import require, roles_for
from samtale.org.models import Person


def actions_visible_to(user) -> QuerySet[Action]:
    """Goals' actions in the conversations the user is a party to (either side).

    The leader's own actions are visible to the employee they concern, and the
    employee's to their leader; nobody else sees an action's text.
    """
    roles = roles_for(user)
    if roles.person_id is None:
        return Action.objects.none()
    return Action.objects.filter(Q(employee_id=roles.person_id) | Q(leader_id=roles.person_id))


def goals_visible_to(user) -> QuerySet[Goal]:
    """The goals of the conversations the user is a party to (the rule of get_goal_for)."""
    return Goal.objects.filter(conversation__in=conversations_visible_to(user))


def action_updates_visible_to(user) -> QuerySet[ActionUpdate]:
    """An action's history (status changes and comments): both parties, as the action."""
    return ActionUpdate.objects.filter(action__in=actions_visible_to(user))


def actions_led_by(user) -> QuerySet[Action]:
    """The actions of the conversations the user holds as the leader (a part of actions_visible_to)."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Action.objects.none()
    return Action.objects.filter(leader_id=roles.person_id)


def actions_countable_by(user) -> QuerySet[Action]:
    """Actions a user may count (never read), in the same scope as conversations_countable_by.
    HR's scope is every conversation, so every action: no join to narrow it."""
    if roles_for(user).is_hr:
        return Action.objects.all()
    return Action.objects.filter(goal__conversation__in=conversations_countable_by(user))


def may_list_pitfalls(user) -> bool:
    """HR may list what the organization's pitfall counts count (conversations_countable_by,
    actions_countable_by): who, with whom, when and the status, as the coverage pages show
    people. Never a text of a conversation or an action: actions.selectors.*_facts."""
    return roles_for(user).is_hr


def may_follow_up_reports(user) -> bool:
    """The leader's overview of their reports' actions."""
    return roles_for(user).is_leader


def follow_up_leader(user) -> int:
    """The leader whose follow-up overview this user may read: themselves, if they lead.

    The overview (actions.overview.leader_overview) reads exactly follow_up_reports and
    actions_led_by for this leader, in one query.
    """
    require(may_follow_up_reports(user))
    person_id = roles_for(user).person_id
    if person_id is None:  # a leader is someone signed in
        raise PermissionDenied
    return person_id


def served_goals_counted_for(user) -> QuerySet[Conversation]:
    """The conversations whose agreed goals the follow-up of the unit's goals counts (numbers
    only, never read): a leader's, those they hold; a leader's leader's, those in their
    units: of everyone below them in the line, whoever holds them, their own and those they
    hold (conversations_countable_by's line, as their home counts the units' overdue
    actions; the line even for one who is HR too, as the page says). Never a conversation
    outside the line."""
    person_id = follow_up_leader(user)
    roles = roles_for(user)
    if roles.is_leaders_leader:
        return Conversation.objects.filter(
            Q(employee_id__in=roles.subordinate_ids)
            | Q(employee_id=person_id)
            | Q(leader_id=person_id)
        )
    return Conversation.objects.filter(leader_id=person_id)


def follow_up_reports(user) -> QuerySet[Person]:
    """The people on a leader's overview: active direct reports, and anyone with open agreed
    actions in a conversation this leader holds (a shared unit, a change of manager)."""
    from samtale.actions.selectors import OPEN

    roles = roles_for(user)
    if roles.person_id is None:
        return Person.objects.none()
    # Not a correlated subquery: the database runs it once, on the actions' leader index.
    held = Action.objects.filter(
        leader_id=roles.person_id, followed=True, status__literal_in=OPEN
    ).values("employee_id")
    return Person.objects.filter(
        Q(manager_id=roles.person_id) | Q(pk__in=held), is_active=True
    ).exclude(pk=roles.person_id)


def get_goal_for(user, pk) -> Goal:
    """A goal of a conversation the user is a party to; 404 otherwise."""
    try:
        return Goal.objects.select_related("conversation").get(
            pk=pk, conversation__in=conversations_visible_to(user)
        )
    except (Goal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_action_for(user, pk) -> Action:
    """An action for its employee or the leader who owns it now (actions_visible_to: after a
    change of line manager, the one it was passed to); 404 otherwise."""
    try:
        return Action.objects.select_related("goal__conversation").get(
            pk=pk, pk__in=actions_visible_to(user).values("pk")
        )
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_follow_up_action(user, action: Action) -> bool:
    """Update an action, comment on it: the employee, or the leader who owns it now."""
    return roles_for(user).person_id in (action.employee_id, action.leader_id)


def may_remind_action(user, action: Action) -> bool:
    """Remind the employee of an action: the leader who holds it now, never the employee
    (no one reminds themselves). Whether there is anyone to remind (the employee answers
    for it) and whether a week has passed is the service's to say."""
    person_id = roles_for(user).person_id
    return person_id is not None and person_id == action.leader_id != action.employee_id


def may_move_action_deadline(user, action: Action) -> bool:
    """Give an action a new deadline: the leader who holds it, or the employee where they
    answer for it (alone or with the leader); not the employee for the leader's own promise."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return False
    if person_id == action.leader_id:
        return True
    return person_id == action.employee_id and action.responsible in (
        Action.Responsible.EMPLOYEE,
        Action.Responsible.BOTH,
    )
