"""Invitations, updates and cancellations over a real SMTP server on loopback, each with
a calendar file that parses back with the icalendar library."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext, override

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail
from testkit.mail import calendar_of

OSLO = ZoneInfo("Europe/Oslo")


def test_the_invitation_arrives_with_a_calendar_file_and_the_leader_gets_a_copy(
    invited, people, smtp, settings
):
    [to_employee] = smtp.to(people.employee.email)
    [to_leader] = smtp.to(people.leader.email)
    method, calendar, event = calendar_of(to_employee)
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    assert event.start == invited.scheduled_at.astimezone(OSLO).replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.end - event.start == timedelta(minutes=invited.duration_minutes)
    # Samtale's calendar address organizes it (and sends it); both parties are invited.
    assert event["ORGANIZER"] == f"mailto:{settings.SAMTALE_CALENDAR_ADDRESS}"
    assert to_employee["From"].addresses[0].addr_spec == settings.SAMTALE_CALENDAR_ADDRESS
    assert event["ATTENDEE"] == [f"mailto:{people.leader.email}", f"mailto:{people.employee.email}"]
    assert event["SEQUENCE"] == 0
    assert event["LOCATION"] == "Møterom 2"
    body = to_employee.get_body(("plain",)).get_content()
    assert f"/samtaler/{invited.pk}/forberedelse/" in body
    # The leader's copy carries the same event, so a later update reaches both calendars.
    _m, _c, copy_event = calendar_of(to_leader)
    assert copy_event["UID"] == event["UID"]
    statuses = OutboundEmail.objects.values_list("kind", "status").order_by("pk")
    assert list(statuses) == [("invitation", "sent"), ("invitation_copy", "sent")]


def test_the_invitation_is_written_in_the_employees_language(conversation, people, run, smtp):
    people.employee.language = "en"
    people.employee.save()
    run(lifecycle.conversation_invite, actor=people.leader, conversation=conversation)
    [message] = smtp.to(people.employee.email)
    with override("en"):
        expected = gettext("Salary is not a topic of this conversation.")
    assert expected in message.get_body(("plain",)).get_content()


def test_moving_sends_an_update_with_the_same_uid_and_sequence_plus_one(invited, people, run, smtp):
    _m, _c, first = calendar_of(smtp.to(people.employee.email)[0])
    new_time = invited.scheduled_at + timedelta(days=2, hours=1)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=new_time,
        duration_minutes=60,
        place="Video: https://meet.example/abc",
    )
    assert Conversation.objects.get(pk=invited.pk).ics_sequence == 1
    for address in (people.employee.email, people.leader.email):
        update = smtp.to(address)[-1]
        method, _calendar, event = calendar_of(update)
        assert method == "REQUEST"
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == first["SEQUENCE"] + 1
        assert event.start == new_time.astimezone(OSLO).replace(microsecond=0)
        assert event.end - event.start == timedelta(minutes=60)
        assert event["LOCATION"] == "Video: https://meet.example/abc"


def test_saving_the_same_time_again_sends_nothing(invited, people, run, smtp):
    before = len(smtp.messages)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=invited.scheduled_at,
        duration_minutes=invited.duration_minutes,
        place=invited.place,
    )
    assert len(smtp.messages) == before
    assert Conversation.objects.get(pk=invited.pk).ics_sequence == 0


def test_moving_a_conversation_not_yet_invited_sends_nothing(conversation, people, run, smtp):
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=conversation,
        scheduled_at=conversation.scheduled_at + timedelta(days=1),
        duration_minutes=90,
        place="",
    )
    assert smtp.messages == []


def test_cancelling_sends_method_cancel_with_the_same_uid(invited, people, run, smtp):
    _m, _c, first = calendar_of(smtp.to(people.employee.email)[0])
    run(lifecycle.conversation_cancel, actor=people.leader, conversation=invited, reason="Slutter")
    for address in (people.employee.email, people.leader.email):
        method, calendar, event = calendar_of(smtp.to(address)[-1])
        assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
        assert event["UID"] == first["UID"]
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1


def test_cancelling_a_conversation_never_invited_sends_nothing(conversation, people, run, smtp):
    run(lifecycle.conversation_cancel, actor=people.leader, conversation=conversation, reason="x")
    assert smtp.messages == []


def test_a_postponed_invitation_gets_an_update_when_it_gets_a_new_time(invited, people, run, smtp):
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=invited, reason="Syk")
    assert len(smtp.messages) == 4  # the calendar cancellation to both (test_postpone_calendar)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=invited.scheduled_at + timedelta(days=3),
        duration_minutes=90,
        place="Møterom 2",
    )
    conversation = Conversation.objects.get(pk=invited.pk)
    assert conversation.status == "invited"
    _m, _c, event = calendar_of(smtp.to(people.employee.email)[-1])
    assert event["SEQUENCE"] == 2


def test_an_update_overtaken_by_a_later_one_is_skipped(
    invited, people, django_capture_on_commit_callbacks, smtp
):
    # Two moves before the worker sends anything: only the latest calendar state goes out.
    for days in (1, 2):
        lifecycle.conversation_schedule(
            actor=people.leader,
            conversation=invited,
            scheduled_at=invited.scheduled_at + timedelta(days=days),
            duration_minutes=90,
            place="Møterom 2",
        )
    from samtale.notifications.tasks import email_send

    for message in OutboundEmail.objects.filter(kind="invitation_update").order_by("pk"):
        email_send.call(message.pk)
    statuses = list(
        OutboundEmail.objects.filter(kind="invitation_update")
        .order_by("pk")
        .values_list("ref__sequence", "status")
    )
    assert statuses == [(1, "skipped"), (1, "skipped"), (2, "sent"), (2, "sent")]


@pytest.mark.parametrize(
    "local",
    [
        datetime(2027, 3, 28, 10, 0),  # the day summer time begins
        datetime(2027, 10, 31, 10, 0),  # the day it ends
        datetime(2027, 7, 5, 9, 0),
        datetime(2027, 1, 11, 14, 30),
    ],
)
def test_the_invitation_carries_the_right_oslo_time_around_daylight_saving(
    people, guide_version, run, smtp, local
):
    start = local.replace(tzinfo=OSLO)
    with time_machine.travel(start - timedelta(days=12), tick=False):
        conversation = lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=guide_version,
            scheduled_at=start,
            place="Møterom 2",
        )
        run(lifecycle.conversation_invite, actor=people.leader, conversation=conversation)
    _m, _c, event = calendar_of(smtp.to(people.employee.email)[0])
    assert (event.start.hour, event.start.minute) == (local.hour, local.minute)
    assert event.start == start
    assert timezone.localtime(conversation.scheduled_at).hour == local.hour


def test_two_conversations_for_the_same_person_at_the_same_time_are_refused(
    conversation, people, guide_version
):
    with pytest.raises(DomainError) as error:
        lifecycle.conversation_plan(
            actor=people.hr,
            employee=people.employee,
            leader=people.other_leader,
            guide_version=guide_version,
            scheduled_at=conversation.scheduled_at + timedelta(minutes=30),
        )
    assert error.value.field == "scheduled_at"
    # Right after the first one ends is free.
    lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.employee,
        leader=people.other_leader,
        guide_version=guide_version,
        scheduled_at=conversation.scheduled_at + timedelta(minutes=90),
    )


def test_the_leader_cannot_be_double_booked_by_a_move(conversation, people, guide_version):
    other = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.leader,
        guide_version=guide_version,
        scheduled_at=conversation.scheduled_at + timedelta(days=1),
    )
    with pytest.raises(DomainError):
        lifecycle.conversation_schedule(
            actor=people.leader,
            conversation=other,
            scheduled_at=conversation.scheduled_at - timedelta(minutes=45),
            duration_minutes=60,
            place="",
        )
    assert Conversation.objects.get(
        pk=other.pk
    ).scheduled_at == conversation.scheduled_at + timedelta(days=1)
