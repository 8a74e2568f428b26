"""A change of line manager on the home pages (issue 61): the new leader is told who came
to them, from whom and when, the conversation that moved to them and the follow-up that
waits for the employee's word; the employee where their conversation went. For two weeks,
in names, times and counts."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from samtale.actions.tests.test_handover import World, by_form, signed_in
from samtale.conversations.models import Conversation
from samtale.org.models import LeaderChange

MARKERS = ("EMPLOYEE-NOTE", "LEADER-NOTE", "SUMMARY-MARKER", "HELD-GOAL", "HELD-ACTION")


def _home(person) -> str:
    return signed_in(person).get(reverse("home")).content.decode()


def _moved(people) -> Conversation:
    change = LeaderChange.objects.get(person=people.employee)
    return Conversation.objects.get(pk=change.moved[0][1])


def test_the_new_leader_is_told_what_came_to_them(people):
    World(people)
    by_form(people)
    moved = _moved(people)
    body = _home(people.other_leader)
    assert "1 ny medarbeider har kommet til deg" in body
    assert people.employee.full_name in body
    assert f"fra {people.leader.full_name}, {timezone.localdate():%d.%m.%Y}" in body
    # The conversation kept its time (the new leader was free): it opens from the card.
    assert "Den åpne samtalen er flyttet til deg og beholder tiden" in body
    assert reverse("conversation_detail", args=[moved.pk]) in body
    assert "bestemmer om 2 åpne tiltak" in body
    assert f"{reverse('follow_up')}#handover-heading" in body
    assert not any(marker in body for marker in MARKERS)


def test_a_moved_conversation_without_a_time_offers_to_set_one(people):
    World(people)
    by_form(people)
    moved = _moved(people)
    Conversation.objects.filter(pk=moved.pk).update(scheduled_at=None)
    body = _home(people.other_leader)
    assert "uten tid: den forrige ble avlyst" in body
    assert reverse("conversation_schedule", args=[moved.pk]) in body


def test_the_card_follows_the_employees_answer(people):
    world = World(people)
    by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    signed_in(people.employee).post(
        reverse("follow_up_handover", args=[change.pk]), {"decision": "pass"}
    )
    body = _home(people.other_leader)
    assert "har gitt oppfølgingen sin videre til deg" in body
    assert "bestemmer om" not in body
    assert world.open_actions  # passed, and the card says so without their texts


def test_the_employee_is_told_where_the_conversation_went(people):
    World(people)
    by_form(people)
    moved = _moved(people)
    body = _home(people.employee)
    assert f"Samtalen din er flyttet til {people.other_leader.full_name}" in body
    assert f"fra {people.leader.full_name} til {people.other_leader.full_name}" in body
    assert "Den beholder tiden" in body
    assert reverse("conversation_detail", args=[moved.pk]) in body


def test_the_earlier_leader_and_others_are_not_told(people):
    World(people)
    by_form(people)
    for person in (people.leader, people.other_employee, people.hr):
        body = _home(person)
        assert "har kommet til deg" not in body and "Samtalen din er flyttet" not in body


def test_after_two_weeks_it_is_no_longer_news(people):
    World(people)
    by_form(people)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert "har kommet til deg" not in _home(people.other_leader)
        assert "Samtalen din er flyttet" not in _home(people.employee)
