"""The Rounds section of the one access policy (samtale/core/access.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samtale.conversations import policy as conversations_policy
from samtale.rounds import policy, services
from samtale.rounds.models import Participant


def test_hr_sees_every_round_and_a_leader_those_they_hold_in(round_, people):
    assert list(policy.rounds_visible_to(people.hr)) == [round_]
    for leader in ("leader", "other_leader", "leaders_leader"):
        assert list(policy.rounds_visible_to(getattr(people, leader))) == [round_]
    for nobody in ("employee", "other_employee", "admin"):
        assert not policy.rounds_visible_to(getattr(people, nobody)).exists()


def test_a_leader_who_made_a_round_manages_it_and_one_who_only_holds_does_not(
    round_, people, guide, school
):
    assert policy.may_manage_round(people.hr, round_)
    assert not policy.may_manage_round(people.leader, round_)
    mine = services.round_create(
        actor=people.leaders_leader,
        name="Lederrunde",
        period_start=round_.period_start,
        period_end=round_.period_end,
        kind="annual",
        guide=guide,
        units=[school],
        **{k: getattr(round_, k) for k in services.LIMITS},
    )
    assert policy.may_manage_round(people.leaders_leader, mine)
    assert policy.may_manage_round(people.hr, mine)
    with pytest.raises(PermissionDenied):
        policy.get_round_for(people.leader, mine.pk, write=True)


def test_a_round_is_not_found_by_those_who_may_not_know_it(round_, people):
    with pytest.raises(Http404):
        policy.get_round_for(people.employee, round_.pk)
    with pytest.raises(Http404):
        policy.get_round_for(people.hr, "x")


def test_a_holder_sees_only_the_people_they_hold(round_, people, participant):
    visible = policy.participants_visible_to(people.leader, round_)
    assert list(visible.values_list("person_id", flat=True)) == [people.employee.pk]
    assert policy.get_participant_for(people.leader, participant.pk) == participant
    with pytest.raises(Http404):
        policy.get_participant_for(people.other_leader, participant.pk)
    with pytest.raises(PermissionDenied):
        policy.get_participant_for(people.leader, participant.pk, write=True)


def test_holding_a_conversation_in_an_open_round_lets_a_leader_plan_it(round_, people):
    other = Participant.objects.get(round=round_, person=people.other_employee)
    assert not conversations_policy.may_plan_conversation(people.leader, people.other_employee)
    services.participant_holder_set(actor=people.hr, participant=other, holder=people.leader)
    assert conversations_policy.may_plan_conversation(people.leader, people.other_employee)
    services.round_set_open(actor=people.hr, round=round_, open=False)
    assert not conversations_policy.may_plan_conversation(people.leader, people.other_employee)


def test_windows_and_schedules_are_the_leaders_own_or_hrs(round_, people, window):
    assert policy.may_schedule(people.leader, round_, people.leader)
    assert policy.may_schedule(people.hr, round_, people.leader)
    assert not policy.may_schedule(people.other_leader, round_, people.leader)
    assert policy.get_window_for(people.leader, window.pk) == window
    with pytest.raises(PermissionDenied):
        policy.get_window_for(people.other_leader, window.pk)
    with pytest.raises(Http404):
        policy.get_window_for(people.employee, window.pk)


def test_only_hr_sees_who_is_missing_a_conversation(people):
    assert policy.may_see_coverage(people.hr)
    for role in ("admin", "leader", "leaders_leader", "employee"):
        assert not policy.may_see_coverage(getattr(people, role))


def test_a_leader_gives_conversations_only_to_leaders_in_their_line(people):
    assert set(policy.holders_for(people.leaders_leader)) == {
        people.leaders_leader,
        people.leader,
        people.other_leader,
    }
    assert set(policy.holders_for(people.leader)) == {people.leader}
    assert people.employee not in policy.holders_for(people.hr)
