"""A conversation held before the day it was booked for moves in both calendars to the time
it is held (METHOD:REQUEST, the same UID, SEQUENCE + 1): neither keeps a booking that will
not happen. The conversation itself keeps its planned time beside the time it was held."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.notifications.models import OutboundEmail
from samtale.notifications.tasks import email_send
from testkit.mail import calendar_of

OSLO = ZoneInfo("Europe/Oslo")


def _first_event(smtp, people):
    return calendar_of(smtp.to(people.employee.email)[0])[2]


def _last_calendar(smtp, address):
    """The last message to `address` that carries a calendar (a notice may follow it)."""
    for message in reversed(smtp.to(address)):
        if message.get_content_type() == "multipart/mixed" and "text/calendar" in str(message):
            return message, *calendar_of(message)
    raise AssertionError(f"no calendar message to {address}")


def _both_moved_to_now(smtp, people, first, planned):
    for address in (people.employee.email, people.leader.email):
        message, method, calendar, event = _last_calendar(smtp, address)
        assert method == "REQUEST" and calendar["METHOD"] == "REQUEST", address
        assert event["UID"] == first["UID"]
        assert event["SEQUENCE"] == first["SEQUENCE"] + 1 == 1
        held = Conversation.objects.get(employee=people.employee).started_early_at
        assert event.start == held.astimezone(OSLO).replace(microsecond=0)
        assert event.start.date() == timezone.localdate()
        body = message.get_body(("plain",)).get_content()
        assert planned.astimezone(OSLO).strftime("%d.%m.%Y") in body, body


def test_we_hold_it_now_moves_the_meeting_to_now_in_both_calendars(invited, people, run, smtp):
    first = _first_event(smtp, people)
    planned = invited.scheduled_at
    run(lifecycle.conversation_hold_now, actor=people.leader, conversation=invited)
    _both_moved_to_now(smtp, people, first, planned)
    conversation = Conversation.objects.get(pk=invited.pk)
    assert conversation.scheduled_at == planned  # the plan, as it was
    assert conversation.ics_sequence == 1
    sent = OutboundEmail.objects.filter(kind="invitation_held_early")
    assert sorted(sent.values_list("to_email", "status")) == sorted(
        [(people.employee.email, "sent"), (people.leader.email, "sent")]
    )
    # Closing the meeting afterwards sends nothing more.
    run(lifecycle.conversation_hold, actor=people.leader, conversation=conversation)
    assert sent.count() == 2
    assert Conversation.objects.get(pk=invited.pk).ics_sequence == 1


def test_closing_early_without_saying_so_first_moves_it_too(invited, people, run, smtp):
    first = _first_event(smtp, people)
    planned = invited.scheduled_at
    run(lifecycle.conversation_hold, actor=people.leader, conversation=invited, confirmed=True)
    _both_moved_to_now(smtp, people, first, planned)
    assert Conversation.objects.get(pk=invited.pk).status == "held"


def test_a_conversation_never_invited_sends_nothing(conversation, people, run, smtp):
    run(lifecycle.conversation_hold_now, actor=people.leader, conversation=conversation)
    assert not OutboundEmail.objects.filter(kind="invitation_held_early").exists()
    assert Conversation.objects.get(pk=conversation.pk).ics_sequence == 0


def test_moved_again_before_the_worker_sends_it_the_update_says_it_all(invited, people, smtp):
    """The message is built when it is sent: a later move (SEQUENCE + 1 again) replaces it."""
    lifecycle.conversation_hold_now(actor=people.leader, conversation=invited)
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=Conversation.objects.get(pk=invited.pk),
        scheduled_at=invited.scheduled_at + timedelta(days=3),
        duration_minutes=60,
        place="Møterom 2",
    )
    for message in OutboundEmail.objects.filter(status="queued").order_by("pk"):
        email_send.call(message.pk)
    kinds = OutboundEmail.objects.filter(kind__in=("invitation_held_early", "invitation_update"))
    assert sorted(kinds.values_list("kind", "status")) == [
        ("invitation_held_early", "skipped"),
        ("invitation_held_early", "skipped"),
        ("invitation_update", "sent"),
        ("invitation_update", "sent"),
    ]
