"""Who may see or run rounds, their participants, windows and schedules.

HR runs rounds for any units; a leader for the people in their own line. A leader who holds
conversations in a round sees that round (its counts and the people they hold), never the
conversations of other leaders.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from samtale.conversations import policy as conversations_policy
from samtale.core.access import require, roles_for
from samtale.org.models import Person
from samtale.rounds.models import Participant, Round, RoundCount, Window


def may_create_round(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def may_list_rounds(user) -> bool:
    """Rounds are for HR and leaders: anyone who holds a conversation in one is a leader."""
    return may_create_round(user)


def rounds_visible_to(user) -> QuerySet[Round]:
    """HR: every round. A leader: the rounds they created or hold conversations in."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Round.objects.none()
    if roles.is_hr:
        return Round.objects.all()
    if not roles.is_leader:
        return Round.objects.none()
    holding = Participant.objects.filter(holder_id=roles.person_id).values("round_id")
    return Round.objects.filter(Q(created_by_id=roles.person_id) | Q(pk__in=holding))


def may_manage_round(user, round: Round) -> bool:
    """Change the round, its participants and who holds what: HR, or the leader who made it."""
    roles = roles_for(user)
    return roles.is_hr or (roles.person_id is not None and round.created_by_id == roles.person_id)


def may_remind_leaders(user, round: Round) -> bool:
    """Remind the leaders behind in an open round (reminders.py): who manages the round."""
    return round.is_open and may_manage_round(user, round)


def get_round_for(user, pk, *, write: bool = False) -> Round:
    try:
        round = rounds_visible_to(user).select_related("guide", "created_by").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_round(user, round))
    return round


def round_people_for(user) -> QuerySet[Person]:
    """Whom a user may put in a round: HR anyone active; a leader the people in their line."""
    roles = roles_for(user)
    if roles.is_hr:
        return Person.objects.filter(is_active=True)
    return Person.objects.filter(is_active=True, pk__in=roles.subordinate_ids)


def holders_for(user) -> QuerySet[Person]:
    """Who a user may give conversations to hold, when planning one or in a round: HR any
    active leader; a leader themselves and the leaders below them."""
    leaders = Person.objects.filter(is_active=True, reports__is_active=True).distinct()
    roles = roles_for(user)
    if roles.is_hr:
        return leaders
    return leaders.filter(Q(pk=roles.person_id) | Q(pk__in=roles.subordinate_ids))


def participants_visible_to(user, round: Round) -> QuerySet[Participant]:
    """Those who manage the round see everyone in it; a leader the people they hold."""
    if may_manage_round(user, round):
        return round.participants.all()
    person_id = roles_for(user).person_id
    if person_id is None:
        return Participant.objects.none()
    return round.participants.filter(holder_id=person_id)


def round_counts_visible_to(user, round: Round) -> QuerySet[RoundCount]:
    """The round's counts (rounds.models.RoundCount) of the participants
    participants_visible_to shows: all of them, or those a leader holds."""
    counts = RoundCount.objects.filter(round_id=round.pk)
    if may_manage_round(user, round):
        return counts
    person_id = roles_for(user).person_id
    if person_id is None:
        return RoundCount.objects.none()
    return counts.filter(holder_id=person_id)


def get_participant_for(user, pk, *, write: bool = False) -> Participant:
    try:
        participant = Participant.objects.select_related("round", "person", "holder").get(
            pk=pk, round__in=rounds_visible_to(user)
        )
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not participants_visible_to(user, participant.round).filter(pk=participant.pk).exists():
        raise Http404
    if write:
        require(may_manage_round(user, participant.round))
    return participant


def may_schedule(user, round: Round, leader: Person) -> bool:
    """Give windows and take the proposed times for a leader: the leader, or HR."""
    roles = roles_for(user)
    return roles.is_hr or (roles.person_id is not None and roles.person_id == leader.pk)


def get_schedule_leader_for(user, round: Round, pk) -> Person:
    """A leader who holds conversations in the round (404 otherwise), if the user may schedule
    for them (403 otherwise)."""
    try:
        leader = Person.objects.filter(pk=pk, round_holdings__round=round).distinct().get()
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(may_schedule(user, round, leader))
    return leader


def get_window_for(user, pk) -> Window:
    try:
        window = Window.objects.select_related("round", "leader").get(
            pk=pk, round__in=rounds_visible_to(user)
        )
    except (Window.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(may_schedule(user, window.round, window.leader))
    return window


@conversations_policy.grants_planning
def holds_in_open_round(user, employee: Person) -> bool:
    """Whether an open round has given this leader the employee's conversation to hold."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return False
    return Participant.objects.filter(
        person=employee, holder_id=person_id, included=True, round__closed_at__isnull=True
    ).exists()


def rounds_countable_by(user) -> QuerySet[Round]:
    """The rounds a user's status analysis may be shown for: HR every round, a leader those
    with someone of their line in them."""
    roles = roles_for(user)
    if roles.is_hr:
        return Round.objects.all()
    in_line = Participant.objects.filter(person_id__in=roles.subordinate_ids).values("round_id")
    return Round.objects.filter(pk__in=in_line)


def may_see_coverage(user) -> bool:
    """Who is missing a signed conversation within the required interval: HR only."""
    return roles_for(user).is_hr
