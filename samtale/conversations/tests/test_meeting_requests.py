"""Every message with a calendar that Samtale sends is a meeting request as RFC 6047 (iMIP)
has one, in the structure Google Calendar sends: read as the real SMTP server on loopback
received it, with Python's `email` package (policy=default) and `icalendar`.

One event per conversation in the organizer model (notifications.ics): Samtale's calendar
address organizes it and sends it, and the leader (CHAIR) and the employee are attendees.
The invitation, the leader's copy, the update, the postponement, the meeting held early and
the cancellation all
carry the same UID and attendees, with the SEQUENCE of the moment."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from samtale.conversations.models import Conversation, Note, Preparation
from samtale.conversations.services import lifecycle
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import BUILDERS
from testkit.mail import calendar_of, mime_tree

MARKER = "HEMMELIG-NOTAT-4471"
CALENDAR_KINDS = {
    kind for kind, build in BUILDERS.items() if build.__module__ == "samtale.conversations.emails"
}


def _sent(smtp, before: int) -> list:
    return smtp.messages[before:]


@pytest.fixture
def every_kind(conversation, people, run, smtp, settings):
    """A conversation's whole life in the calendars: invited (the invitation and the leader's
    copy), moved (an update to both), postponed (a cancellation of the time it had), given a
    new time (an update), held before its day (an update to the time it is held) and
    cancelled. Returns [(kind, sequence, message)] as received."""
    settings.SAMTALE_CALENDAR_ADDRESS = "kalender@kommune.example"
    preparation = Preparation.objects.create(conversation=conversation, author=people.employee)
    Note.objects.create(preparation=preparation, theme_key="motivasjon", text=MARKER)
    received = []

    def step(service, **kwargs):
        before = len(smtp.messages)
        run(service, actor=people.leader, **kwargs)
        return _sent(smtp, before)

    for message in step(lifecycle.conversation_invite, conversation=conversation):
        kind = "invitation" if message["To"] == people.employee.email else "invitation_copy"
        received.append((kind, 0, message))
    later = timezone.now().replace(microsecond=0) + timedelta(days=12)
    for message in step(
        lifecycle.conversation_schedule,
        conversation=conversation,
        scheduled_at=later,
        duration_minutes=60,
        place="Møterom 3",
    ):
        received.append(("invitation_update", 1, message))
    for message in step(lifecycle.conversation_postpone, conversation=conversation, reason="Syk"):
        received.append(("invitation_postponed", 2, message))
    for message in step(
        lifecycle.conversation_schedule,
        conversation=Conversation.objects.get(pk=conversation.pk),
        scheduled_at=later + timedelta(days=2),
        duration_minutes=90,
        place="Møterom 3",
    ):
        received.append(("invitation_update", 3, message))
    for message in step(
        lifecycle.conversation_hold_now, conversation=Conversation.objects.get(pk=conversation.pk)
    ):
        received.append(("invitation_held_early", 4, message))
    for message in step(
        lifecycle.conversation_cancel,
        conversation=Conversation.objects.get(pk=conversation.pk),
        reason="Sluttet",
    ):
        received.append(("invitation_cancel", 5, message))
    sent_kinds = set(OutboundEmail.objects.filter(status="sent").values_list("kind", flat=True))
    assert sent_kinds == CALENDAR_KINDS == {kind for kind, _s, _m in received}
    return received


def test_every_calendar_message_is_multipart_mixed_around_the_alternatives_and_the_file(
    every_kind,
):
    for kind, _sequence, message in every_kind:
        assert message.get_content_type() == "multipart/mixed", kind
        body, attached = message.iter_parts()
        assert body.get_content_type() == "multipart/alternative", kind
        assert [p.get_content_type() for p in body.iter_parts()] == [
            "text/plain",
            "text/html",
            "text/calendar",
        ], kind
        # The calendar beside the text is no attachment; the file is, with its name.
        calendar = list(body.iter_parts())[2]
        assert calendar.get_content_disposition() is None, kind
        assert attached.get_content_type() == "application/ics", kind
        assert attached.get_content_disposition() == "attachment", kind
        assert attached.get_param("name") == "invitasjon.ics", kind
        assert attached.get_filename() == "invitasjon.ics", kind
        assert list(message.iter_attachments()) == [attached], kind


def test_the_method_parameter_is_the_calendar_s_method_and_the_charset_utf_8(every_kind):
    expected = {"invitation_postponed": "CANCEL", "invitation_cancel": "CANCEL"}
    for kind, _sequence, message in every_kind:
        method, calendar, _event = calendar_of(message)  # the file holds the same calendar
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert method == calendar["METHOD"] == expected.get(kind, "REQUEST"), kind
        assert part.get_content_charset() == "utf-8", kind
        # Byte for byte the calendar as built, lines ending in CRLF (RFC 5545 §3.1).
        [attached] = message.iter_attachments()
        raw = part.get_payload(decode=True)
        assert raw == attached.get_payload(decode=True), kind
        assert raw.count(b"\r\n") == raw.count(b"\n") > 10, kind


def test_every_copy_is_the_same_event_organized_and_sent_by_the_calendar_address(
    every_kind, people
):
    uids = set()
    for kind, sequence, message in every_kind:
        _method, _calendar, event = calendar_of(message)
        uids.add(str(event["UID"]))
        assert event["SEQUENCE"] == sequence, kind
        organizer = event["ORGANIZER"]
        assert organizer == "mailto:kalender@kommune.example", kind
        # RFC 6047 §3: the sender of a request is its organizer.
        [sender] = message["From"].addresses
        assert sender.addr_spec == "kalender@kommune.example", kind
        assert sender.display_name == organizer.params["CN"], kind
        with override("nb"):
            cn = gettext("Samtale (for %(leader)s)") % {"leader": people.leader.full_name}
        assert organizer.params["CN"] == cn, kind
        leader, employee = event["ATTENDEE"]
        assert leader == f"mailto:{people.leader.email}", kind
        assert employee == f"mailto:{people.employee.email}", kind
        assert (leader.params["ROLE"], employee.params["ROLE"]) == ("CHAIR", "REQ-PARTICIPANT")
        for attendee in (leader, employee):
            assert attendee.params["PARTSTAT"] == "NEEDS-ACTION", kind
            assert attendee.params["RSVP"] == "TRUE", kind
        cancelled = kind in ("invitation_postponed", "invitation_cancel")
        assert event["STATUS"] == ("CANCELLED" if cancelled else "CONFIRMED"), kind
    assert len(uids) == 1
    # Each change reached both: a pair of messages per SEQUENCE, the invitation's too.
    sequences = [sequence for _kind, sequence, _message in every_kind]
    assert sorted(sequences) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_dtstamp_is_the_time_the_message_was_made_in_utc(invited, people, run, smtp):
    before = timezone.now().replace(microsecond=0)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=invited.scheduled_at + timedelta(days=1),
        duration_minutes=90,
        place="Møterom 2",
    )
    after = timezone.now()
    for message in smtp.messages[-2:]:
        _method, _calendar, event = calendar_of(message)
        stamp = event["DTSTAMP"].dt
        assert stamp.utcoffset() == timedelta(0)
        assert event["DTSTAMP"].to_ical().endswith(b"Z")
        assert before <= stamp <= after


def test_summary_and_description_are_in_norwegian_and_hold_no_content(every_kind, people):
    with override("nb"):
        summary = gettext("Employee conversation: %(employee)s and %(leader)s") % {
            "employee": people.employee.full_name,
            "leader": people.leader.full_name,
        }
    for kind, _sequence, message in every_kind:
        _method, _calendar, event = calendar_of(message)
        assert event["SUMMARY"] == summary, kind
        assert "/forberedelse/" in event["DESCRIPTION"], kind
        assert MARKER not in message.as_string(), kind


def test_the_mime_tree_of_an_invitation_as_sent(invited, people, smtp):
    [invitation] = smtp.to(people.employee.email)
    tree = mime_tree(invitation)
    print(tree)
    assert [line.split(";")[0].strip() for line in tree.splitlines()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    assert 'method="REQUEST"' in tree.splitlines()[4]
