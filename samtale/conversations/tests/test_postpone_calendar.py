"""Postponing an invited conversation takes it out of both calendars (METHOD:CANCEL, the
same UID, SEQUENCE + 1) and gives up its time; a new time sends a new REQUEST (SEQUENCE + 1)
to both. Every page then says the conversation has no time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.notifications.models import OutboundEmail
from samtale.notifications.tasks import email_send
from testkit.mail import calendar_of

OSLO = ZoneInfo("Europe/Oslo")


def _first_event(smtp, people):
    return calendar_of(smtp.to(people.employee.email)[0])[2]


def test_postponing_an_invited_conversation_cancels_it_in_both_calendars(
    invited, people, run, smtp
):
    first = _first_event(smtp, people)
    had = invited.scheduled_at
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=invited, reason="Syk")
    for address in (people.employee.email, people.leader.email):
        message = smtp.to(address)[-1]
        method, calendar, event = calendar_of(message)
        assert method == "CANCEL" and calendar["METHOD"] == "CANCEL", address
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == first["SEQUENCE"] + 1 == 1
        assert event["STATUS"] == "CANCELLED"
        # The event it removes is the one at the time the conversation had.
        assert event.start == had.astimezone(OSLO).replace(microsecond=0)
        body = message.get_body(("plain",)).get_content()
        assert f"/samtaler/{invited.pk}/" in body
    conversation = Conversation.objects.get(pk=invited.pk)
    assert conversation.scheduled_at is None
    assert (conversation.status, conversation.postponed_count) == ("postponed", 1)
    assert conversation.ics_sequence == 1
    assert conversation.history.filter(to_status="postponed", reason="Syk").exists()
    kinds = OutboundEmail.objects.filter(kind="invitation_postponed")
    assert sorted(kinds.values_list("to_email", "status")) == sorted(
        [(people.employee.email, "sent"), (people.leader.email, "sent")]
    )


def test_a_new_time_after_postponing_sends_both_a_request_with_the_same_uid_and_sequence_plus_one(
    invited, people, run, smtp
):
    first = _first_event(smtp, people)
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=invited, reason="Syk")
    new_time = timezone.now().replace(microsecond=0) + timedelta(days=20)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=Conversation.objects.get(pk=invited.pk),
        scheduled_at=new_time,
        duration_minutes=60,
        place="Møterom 3",
    )
    for address in (people.employee.email, people.leader.email):
        method, calendar, event = calendar_of(smtp.to(address)[-1])
        assert method == "REQUEST" and calendar["METHOD"] == "REQUEST", address
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == 2
        assert event["STATUS"] == "CONFIRMED"
        assert event.start == new_time.astimezone(OSLO)
        assert event["LOCATION"] == "Møterom 3"
    conversation = Conversation.objects.get(pk=invited.pk)
    assert (conversation.status, conversation.scheduled_at) == ("invited", new_time)
    assert conversation.postponed_count == 1


def test_postponed_twice_counts_twice_and_each_time_cancels_the_time_it_had(
    invited, people, run, smtp
):
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=invited, reason="Syk")
    second_time = timezone.now().replace(microsecond=0) + timedelta(days=15)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=Conversation.objects.get(pk=invited.pk),
        scheduled_at=second_time,
        duration_minutes=90,
        place="Møterom 2",
    )
    run(
        lifecycle.conversation_postpone,
        actor=people.leader,
        conversation=Conversation.objects.get(pk=invited.pk),
        reason="Kurs",
    )
    method, _calendar, event = calendar_of(smtp.to(people.employee.email)[-1])
    assert (method, event["SEQUENCE"]) == ("CANCEL", 3)
    assert event.start == second_time.astimezone(OSLO)
    conversation = Conversation.objects.get(pk=invited.pk)
    assert (conversation.postponed_count, conversation.scheduled_at) == (2, None)


def test_postponing_a_conversation_never_invited_gives_up_its_time_and_sends_nothing(
    conversation, people, run, smtp
):
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=conversation, reason="x")
    assert smtp.messages == []
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert (conversation.scheduled_at, conversation.ics_sequence) == (None, 0)


def test_a_cancellation_overtaken_by_a_new_time_is_skipped(invited, people, smtp):
    # Postponed and given a new time before the worker sends anything: the update says it all.
    lifecycle.conversation_postpone(actor=people.leader, conversation=invited, reason="Syk")
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=Conversation.objects.get(pk=invited.pk),
        scheduled_at=timezone.now() + timedelta(days=12),
        duration_minutes=90,
        place="Møterom 2",
    )
    for message in OutboundEmail.objects.filter(status="queued").order_by("pk"):
        email_send.call(message.pk)
    statuses = OutboundEmail.objects.exclude(kind__startswith="invitation_copy").exclude(
        kind="invitation"
    )
    assert sorted(statuses.values_list("kind", "status")) == [
        ("invitation_postponed", "skipped"),
        ("invitation_postponed", "skipped"),
        ("invitation_update", "sent"),
        ("invitation_update", "sent"),
    ]


def _no_time() -> str:
    with translation.override("nb"):
        return gettext("No time set")


@pytest.mark.parametrize("role", ["leader", "employee"])
def test_the_pages_say_a_postponed_conversation_has_no_time(invited, people, run, client_for, role):
    had = formats.date_format(timezone.localtime(invited.scheduled_at), "DATETIME_FORMAT")
    run(lifecycle.conversation_postpone, actor=people.leader, conversation=invited, reason="Syk")
    client = client_for(role)
    for name, args in (("conversation_detail", [invited.pk]), ("conversation_list", [])):
        page = client.get(reverse(name, args=args)).content.decode()
        assert _no_time() in page, name
        assert had not in page, name
    home = client.get(reverse("home")).content.decode()
    assert had not in home
