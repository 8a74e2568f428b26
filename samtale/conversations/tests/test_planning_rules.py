"""The guide's rules when a conversation is planned, moved or held by hand, and the
messages of the date and time fields (issue 11)."""

import pytest
from django.utils import translation

from samtale.conversations.forms import PlanForm, ScheduleForm
from samtale.conversations.models import Conversation
from samtale.conversations.services import booking, lifecycle
from samtale.core.errors import DomainError, DomainWarning
from samtale.guides.models import Guide, GuideVersion
from samtale.rounds.forms import SlotForm, WindowForm
from samtale.rounds.models import Round

from .conftest import THEMES
from .planning import at, more_reports, plan

pytestmark = pytest.mark.usefixtures("clock")
S = Conversation.Status


@pytest.fixture
def reports(people):
    """Three more people who report to the leader."""
    return more_reports(people, 3)


@pytest.fixture
def check_in(db):
    return GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=1,
        name={"nb": "Innsjekk"},
        themes=THEMES,
        duration_minutes=30,
        kind=GuideVersion.Kind.CHECK_IN,
    )


# The leader's limit a day


def test_a_third_conversation_on_the_leaders_day_is_warned_and_plans_nothing(
    people, reports, guide_version
):
    plan(people, reports[0], at(1, 9), guide_version)
    plan(people, reports[1], at(1, 13), guide_version)
    with translation.override("en"), pytest.raises(DomainWarning) as warned:
        plan(people, reports[2], at(1, 15, 30), guide_version)
    assert warned.value.message == (
        "Leif Testesen already has 2 conversations on 01.12.2026, and the guide advises "
        "at most 2 a day."
    )
    assert not Conversation.objects.filter(employee=reports[2]).exists()


def test_confirmed_the_third_conversation_is_planned(people, reports, guide_version):
    plan(people, reports[0], at(1, 9), guide_version)
    plan(people, reports[1], at(1, 13), guide_version)
    third = plan(people, reports[2], at(1, 15, 30), guide_version, confirmed=True)
    assert third.status == S.PLANNED


def test_two_a_day_need_no_confirmation(people, reports, guide_version):
    plan(people, reports[0], at(1, 9), guide_version)
    assert plan(people, reports[1], at(1, 13), guide_version).status == S.PLANNED


def test_only_booked_conversations_the_leader_holds_count_that_day(
    people, reports, guide_version, check_in
):
    cancelled = plan(people, reports[0], at(1, 9), guide_version)
    lifecycle.conversation_cancel(actor=people.leader, conversation=cancelled, reason="Syk")
    # The leader's own conversation with their leader: there they are the employee.
    lifecycle.conversation_plan(
        actor=people.leaders_leader,
        employee=people.leader,
        leader=people.leaders_leader,
        guide_version=check_in,
        scheduled_at=at(1, 8),
    )
    plan(people, reports[1], at(1, 13), guide_version)
    plan(people, reports[2], at(2, 9), guide_version)  # another day
    assert plan(people, people.employee, at(1, 15, 30), guide_version).status == S.PLANNED


def test_the_limit_is_the_rounds_or_the_routines_default():
    assert booking.max_per_day(None) == 2
    assert booking.max_per_day(Round(max_per_day=3)) == 3


def test_moving_to_a_full_day_is_warned_and_a_move_within_the_day_is_not(
    people, reports, guide_version
):
    plan(people, reports[0], at(1, 9), guide_version)
    plan(people, reports[1], at(1, 13), guide_version)
    third = plan(people, reports[2], at(2, 9), guide_version)
    move = {"duration_minutes": 90, "place": "Rom 1"}
    with pytest.raises(DomainWarning):
        lifecycle.conversation_schedule(
            actor=people.leader, conversation=third, scheduled_at=at(1, 15, 30), **move
        )
    assert Conversation.objects.get(pk=third.pk).scheduled_at == at(2, 9)
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=third,
        scheduled_at=at(1, 15, 30),
        confirmed=True,
        **move,
    )
    # Later the same day: the day was confirmed when it was chosen.
    lifecycle.conversation_schedule(
        actor=people.leader, conversation=third, scheduled_at=at(1, 16), **move
    )
    assert Conversation.objects.get(pk=third.pk).scheduled_at == at(1, 16)


# One open annual conversation per employee and leader


def test_a_second_open_annual_conversation_is_refused_naming_the_first(people, guide_version):
    first = plan(people, people.employee, at(1, 9), guide_version)
    with translation.override("en"), pytest.raises(booking.AlreadyPlanned) as refused:
        plan(people, people.employee, None, guide_version)
    assert refused.value.conversation == first
    assert refused.value.field == "employee"
    assert "Emma Testesen already has an open annual conversation with Leif Testesen" in (
        refused.value.message
    )
    assert "01.12.2026 09:00" in refused.value.message
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize("status", [S.HELD, S.SUMMARY_AGREED, S.POSTPONED])
def test_a_held_or_postponed_annual_conversation_is_still_open(people, guide_version, status):
    first = plan(people, people.employee, at(1, 9), guide_version)
    Conversation.objects.filter(pk=first.pk).update(status=status)
    with pytest.raises(booking.AlreadyPlanned):
        plan(people, people.employee, at(8, 9), guide_version)


@pytest.mark.parametrize("status", [S.SIGNED, S.CANCELLED])
def test_after_signing_or_cancelling_the_next_annual_conversation_can_be_planned(
    people, guide_version, status
):
    first = plan(people, people.employee, at(1, 9), guide_version)
    Conversation.objects.filter(pk=first.pk).update(status=status)
    assert plan(people, people.employee, at(8, 9), guide_version).status == S.PLANNED


def test_check_ins_and_another_leader_are_not_a_second_annual_conversation(
    people, guide_version, check_in
):
    plan(people, people.employee, at(1, 9), guide_version)
    assert plan(people, people.employee, at(2, 9), check_in).kind == Conversation.Kind.CHECK_IN
    # HR plans the same employee's annual conversation with another leader.
    other = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.employee,
        leader=people.other_leader,
        guide_version=guide_version,
    )
    assert other.status == S.PLANNED


# Holding the meeting before its day


def test_holding_before_the_planned_day_needs_the_confirmation_that_it_was_moved(
    people, guide_version
):
    conversation = plan(people, people.employee, at(1, 9), guide_version)
    with translation.override("en"), pytest.raises(DomainWarning) as warned:
        lifecycle.conversation_hold(actor=people.leader, conversation=conversation)
    assert "planned for 01.12.2026" in warned.value.message
    assert Conversation.objects.get(pk=conversation.pk).status == S.PLANNED
    with translation.override("en"):
        lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    held = Conversation.objects.get(pk=conversation.pk)
    assert held.status == S.HELD
    assert held.history.last().reason == "The meeting was moved to today from 01.12.2026."


def test_on_the_day_itself_no_confirmation_is_needed_even_before_the_hour(
    people, guide_version, clock
):
    conversation = plan(people, people.employee, at(1, 13), guide_version)
    clock.move_to(at(1, 8))
    held = lifecycle.conversation_hold(actor=people.leader, conversation=conversation)
    assert (held.status, held.history.last().reason) == (S.HELD, "")


def test_without_a_time_no_confirmation_is_needed(people, guide_version):
    conversation = plan(people, people.employee, None, guide_version)
    assert lifecycle.conversation_hold(actor=people.leader, conversation=conversation).status == (
        S.HELD
    )


def test_a_status_that_cannot_be_held_is_refused_as_before(people, guide_version):
    conversation = plan(people, people.employee, at(1, 9), guide_version)
    lifecycle.conversation_cancel(actor=people.leader, conversation=conversation, reason="Syk")
    with pytest.raises(DomainError) as refused:
        lifecycle.conversation_hold(actor=people.leader, conversation=conversation)
    assert not isinstance(refused.value, DomainWarning)


# The date and time fields


def _plan_form(people, guide_version, **data):
    return PlanForm(
        {
            "employee": people.employee.pk,
            "leader": people.leader.pk,
            "guide": guide_version.guide_id,
            "duration_minutes": "",
            "place": "",
            **data,
        },
        user=people.hr,
        guides=Guide.objects.all(),
    )


def test_a_blank_optional_date_and_time_are_accepted(people, guide_version):
    form = _plan_form(people, guide_version, date="", time="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["scheduled_at"] is None


def test_an_impossible_time_names_the_field_and_the_value(people, guide_version):
    with translation.override("en"):
        form = _plan_form(people, guide_version, date="01.12.2026", time="25:99")
        assert form.errors["time"] == [
            "Time: 25:99 is not a valid time. Write it as hh:mm, for example 14:30."
        ]
        assert "date" not in form.errors


def test_an_impossible_date_names_the_field_and_the_value(people, guide_version):
    with translation.override("en"):
        form = _plan_form(people, guide_version, date="31.02.2026", time="14:30")
        assert form.errors["date"] == [
            "Date: 31.02.2026 is not a valid date. Write it as dd.mm.yyyy, for example 22.11.2026."
        ]


def test_a_date_without_a_time_is_marked_on_the_time(people, guide_version):
    with translation.override("en"):
        form = _plan_form(people, guide_version, date="01.12.2026", time="")
        assert form.errors == {"time": ["Give a time as well, or leave the date empty."]}
        form = _plan_form(people, guide_version, date="", time="14:30")
        assert form.errors == {"date": ["Give a date as well, or leave the time empty."]}


def test_the_time_and_place_form_needs_a_time_only_when_there_is_one(db):
    data = {"date": "", "time": "", "duration_minutes": "60", "place": "Rom 5"}
    assert ScheduleForm(data, has_time=False).is_valid()
    with translation.override("en"):
        form = ScheduleForm(data, has_time=True)
        assert form.errors == {"date": ["Choose a date."], "time": ["Choose a time."]}


def test_the_round_forms_name_the_field_too(db):
    with translation.override("en"):
        window = WindowForm({"date": "1.13.2026", "start": "25:99", "end": "16:00", "place": "R"})
        assert window.errors["date"][0].startswith("Date: 1.13.2026 is not a valid date.")
        assert window.errors["start"][0].startswith("From: 25:99 is not a valid time.")
        slot = SlotForm({"participant": "1", "take": "on", "date": "01.12.2026", "time": "9:75"})
        assert slot.errors["time"][0].startswith("Time: 9:75 is not a valid time.")
