"""A conversation's place is a room or an https:// link, in its form and in the services
behind every caller (the API's too): a link a person clicks in the invitation is never a
plain http:// one. A place saved before the rule stays when the time alone is moved."""

import pytest
from django.utils import translation

from samtale.conversations.forms import ScheduleForm
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.rounds.forms import SlotForm, WindowForm

from .planning import at

pytestmark = pytest.mark.usefixtures("clock")


def test_planning_with_an_http_link_is_refused_beside_the_place(people, guide_version):
    with translation.override("en"), pytest.raises(DomainError) as refused:
        lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=guide_version,
            scheduled_at=at(3, 10),
            place="http://meet.example/samtale",
        )
    assert (refused.value.field, refused.value.message) == (
        "place",
        "The address must begin with https://.",
    )
    assert not Conversation.objects.exists()


def test_moving_to_an_http_link_is_refused_and_an_https_link_is_kept(conversation):
    with pytest.raises(DomainError):
        lifecycle.conversation_schedule(
            actor=conversation.leader,
            conversation=conversation,
            scheduled_at=conversation.scheduled_at,
            duration_minutes=60,
            place="http://meet.example/samtale",
        )
    moved = lifecycle.conversation_schedule(
        actor=conversation.leader,
        conversation=Conversation.objects.get(pk=conversation.pk),
        scheduled_at=conversation.scheduled_at,
        duration_minutes=60,
        place=" https://meet.example/samtale ",
    )
    assert moved.place == "https://meet.example/samtale"


def test_a_place_saved_before_the_rule_stays_when_only_the_time_moves(conversation, soon):
    Conversation.objects.filter(pk=conversation.pk).update(place="http://gammel.example/rom")
    moved = lifecycle.conversation_schedule(
        actor=conversation.leader,
        conversation=Conversation.objects.get(pk=conversation.pk),
        scheduled_at=soon.replace(hour=13),
        duration_minutes=60,
        place="http://gammel.example/rom",
    )
    assert moved.place == "http://gammel.example/rom"


def test_the_time_form_says_it_beside_the_place(conversation):
    form = ScheduleForm(
        {"date": "", "time": "", "duration_minutes": 60, "place": "http://meet.example/x"},
        has_time=False,
    )
    assert not form.is_valid()
    assert form.errors.as_data()["place"][0].code == "scheme"


def test_the_rounds_window_and_proposal_forms_hold_the_same_rule():
    window = WindowForm(
        {"date": "03.12.2026", "start": "09:00", "end": "15:00", "place": "http://m.example/r"}
    )
    assert not window.is_valid()
    assert window.errors.as_data()["place"][0].code == "scheme"
    slot = SlotForm({"participant": 1, "place": "http://m.example/r"})
    assert not slot.is_valid()
    assert slot.errors.as_data()["place"][0].code == "scheme"
    assert SlotForm({"participant": 1, "place": "https://m.example/r"}).is_valid()
