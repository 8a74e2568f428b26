"""The answers to invitations come back: the parties' mail programs send an iMIP REPLY or
COUNTER to Samtale's calendar address, which the worker reads from a real IMAP mailbox
(Debian's Dovecot, started by the test: the `imap` fixture) or a mail server posts to the
webhook. Delivered here with IMAP APPEND, as a mail server would.

Each rule has its test: the UID is ours and names a conversation; the attendee is a party
and the e-mail is from that attendee; an answer to an earlier SEQUENCE is ignored; the
same answer twice changes nothing and tells no one twice. Anything else in the mailbox is
left there, unchanged, and never read again."""

import logging
from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, override
from icalendar import Calendar, Event, vCalAddress

from samtale.conversations.models import Conversation, InvitationAnswer
from samtale.conversations.services import lifecycle
from samtale.core.models import AuditEntry
from samtale.notifications import inbox
from samtale.notifications.inbox import Outcome
from samtale.notifications.models import MailboxMark, OutboundEmail
from samtale.notifications.tasks import calendar_mailbox_read
from samtale.notifications.testing import EXCHANGE_VTIMEZONE, calendar_of

OSLO = ZoneInfo("Europe/Oslo")
COMMENT = "HEMMELIG-KOMMENTAR-8812"
TOKEN = "t" * 40


def wire(message: EmailMessage) -> bytes:
    """A message as it travels, lines ending in CRLF (as IMAP keeps it)."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def first_event(smtp, people):
    return calendar_of(smtp.to(people.employee.email)[0])[2]


def answer(
    event,
    *,
    attendee: str,
    partstat: str = "ACCEPTED",
    method: str = "REPLY",
    sender: str | None = None,
    sequence: int | None = None,
    stamp=None,
    proposed=None,
) -> bytes:
    """An answer as Outlook sends one: multipart/alternative, the text and
    text/calendar; method=REPLY (or COUNTER, with the time proposed), a COMMENT typed in."""
    calendar = Calendar()
    calendar.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    reply = Event()
    reply.add("uid", str(event["UID"]))
    reply.add("sequence", event["SEQUENCE"] if sequence is None else sequence)
    reply.add("dtstamp", stamp or timezone.now())
    reply.add("organizer", event["ORGANIZER"])
    address = vCalAddress(f"mailto:{attendee}")
    address.params["partstat"] = partstat
    reply.add("attendee", address)
    start = proposed or event["DTSTART"].dt
    reply.add("dtstart", start)
    reply.add("dtend", start + timedelta(minutes=90))
    reply.add("comment", COMMENT)
    calendar.add_component(reply)
    message = EmailMessage()
    message["From"] = sender or attendee
    message["To"] = str(event["ORGANIZER"]).removeprefix("mailto:")
    message["Subject"] = f"Svar: {event['SUMMARY']}"
    message["Message-ID"] = make_msgid()
    message.set_content(f"Svar fra {attendee}. {COMMENT}")
    message.add_alternative(
        calendar.to_ical(),
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
    )
    return wire(message)


# A COUNTER as Exchange writes one: the proposed time in Windows' name of the zone, with
# its own VTIMEZONE, and the time it answers in X-MS-OLK-ORIGINALSTART.
OUTLOOK_COUNTER = (
    """\
BEGIN:VCALENDAR\r
METHOD:COUNTER\r
PRODID:Microsoft Exchange Server 2010\r
VERSION:2.0\r
"""
    + EXCHANGE_VTIMEZONE
    + """BEGIN:VEVENT\r
ATTENDEE;PARTSTAT=DECLINED;CN=Emma Testesen:mailto:{attendee}\r
COMMENT;LANGUAGE=nb-NO:{comment}\r
UID:{uid}\r
SUMMARY;LANGUAGE=nb-NO:Nytt tidspunkt foreslått: Medarbeidersamtale\r
DTSTART;TZID=W. Europe Standard Time:{start}\r
DTEND;TZID=W. Europe Standard Time:{end}\r
DTSTAMP:{stamp}\r
SEQUENCE:{sequence}\r
X-MS-OLK-ORIGINALSTART;TZID=W. Europe Standard Time:20260101T090000\r
END:VEVENT\r
END:VCALENDAR\r
"""
)


def outlook_counter(event, *, attendee: str, proposed) -> bytes:
    local = proposed.astimezone(OSLO)
    text = OUTLOOK_COUNTER.format(
        attendee=attendee.upper(),  # addresses compare without case
        comment=COMMENT,
        uid=event["UID"],
        start=local.strftime("%Y%m%dT%H%M%S"),
        end=(local + timedelta(minutes=90)).strftime("%Y%m%dT%H%M%S"),
        stamp=timezone.now().astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ"),
        sequence=event["SEQUENCE"],
    )
    message = EmailMessage()
    message["From"] = f"Emma Testesen <{attendee}>"
    message["Subject"] = "Nytt tidspunkt foreslått"
    message["Message-ID"] = make_msgid()
    message.set_content("Nytt tidspunkt foreslått.")
    message.add_alternative(
        text.encode(),
        maintype="text",
        subtype="calendar",
        params={"method": "COUNTER", "charset": "utf-8"},
    )
    return wire(message)


@pytest.fixture
def read(run):
    """Run the worker's periodic read of the calendar mailbox once; how many it read."""
    return lambda: run(calendar_mailbox_read.call)


def page(client_for, role: str, conversation) -> str:
    response = client_for(role).get(reverse("conversation_detail", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def said(msgid: str, **values) -> str:
    with override("nb"):
        return gettext(msgid) % values


def answers_of(conversation) -> dict[str, str]:
    return dict(
        InvitationAnswer.objects.filter(conversation=conversation).values_list("party", "answer")
    )


def notices_to(person):
    return OutboundEmail.objects.filter(to=person, kind="step_notice")


def left_alone(imap, delivered: dict[int, bytes]) -> None:
    """Every message delivered is still in the mailbox, as it was: not read (\\Seen), not
    flagged, moved or deleted."""
    found = imap.messages()
    for uid, raw in delivered.items():
        body, flags = found[uid]
        assert body == raw
        assert not flags & {"\\Seen", "\\Deleted", "\\Flagged", "\\Answered"}, flags


# --- What an answer does ---------------------------------------------------------------


def test_an_accepted_invitation_marks_the_employee_accepted(
    invited, people, imap, read, client_for, smtp
):
    event = first_event(smtp, people)
    raw = answer(event, attendee=people.employee.email)
    uid = imap.append(raw)
    assert read() == 1
    assert answers_of(invited) == {"employee": "accepted"}
    name = people.employee.full_name
    assert said("%(name)s accepted.", name=name) in page(client_for, "leader", invited)
    assert said("You accepted.") in page(client_for, "employee", invited)
    # An accept tells no one: it shows on the page.
    assert not notices_to(people.leader).exists()
    [entry] = AuditEntry.objects.filter(action="conversation.invitation_answered")
    assert entry.actor_id == people.employee.pk and entry.object_id == str(invited.pk)
    assert entry.data["answer"] == "accepted" and entry.data["party"] == "employee"
    left_alone(imap, {uid: raw})


def test_a_decline_shows_as_declined_and_tells_the_leader(
    invited, people, imap, read, client_for, smtp
):
    event = first_event(smtp, people)
    imap.append(answer(event, attendee=people.employee.email, partstat="DECLINED"))
    before = len(smtp.messages)
    read()
    assert answers_of(invited) == {"employee": "declined"}
    name = people.employee.full_name
    assert said("%(name)s declined.", name=name) in page(client_for, "leader", invited)
    [notice] = smtp.messages[before:]
    assert notice["To"] == people.leader.email
    assert name in notice["Subject"]
    assert f"/samtaler/{invited.pk}/" in notice.get_body(("plain",)).get_content()
    assert COMMENT not in notice.as_string()


def test_a_counter_shows_the_proposed_time_and_one_click_moves_the_conversation_there(
    invited, people, imap, read, client_for, smtp, django_capture_on_commit_callbacks
):
    event = first_event(smtp, people)
    proposed = (invited.scheduled_at + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    imap.append(outlook_counter(event, attendee=people.employee.email, proposed=proposed))
    read()
    recorded = InvitationAnswer.objects.get(conversation=invited)
    assert (recorded.answer, recorded.proposed_start) == ("declined", proposed)
    assert recorded.proposed_minutes == 90
    local = timezone.localtime(proposed)
    with override("nb"):
        shown = said(
            "%(name)s declined; proposed %(day)s %(time)s.",
            name=people.employee.full_name,
            day=formats.date_format(local, "l"),
            time=formats.date_format(local, "DATETIME_FORMAT"),
        )
        button = gettext("Move to the proposed time")
    leader_page = page(client_for, "leader", invited)
    assert shown in leader_page and button in leader_page
    assert button not in page(client_for, "employee", invited)

    before = len(smtp.messages)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("leader").post(
            reverse("conversation_move_to_proposal", args=[invited.pk]), {"party": "employee"}
        )
    assert response.status_code == 302
    moved = Conversation.objects.get(pk=invited.pk)
    assert (moved.scheduled_at, moved.ics_sequence) == (proposed, 1)
    # The usual update to both, SEQUENCE + 1, at the time proposed.
    updates = smtp.messages[before:]
    assert sorted(m["To"] for m in updates) == sorted([people.employee.email, people.leader.email])
    for message in updates:
        method, _calendar, update = calendar_of(message)
        assert (method, update["SEQUENCE"], update.start) == ("REQUEST", 1, local)
    # The answer was to the time before: it no longer shows, and both are asked again.
    assert shown not in page(client_for, "leader", moved)
    assert AuditEntry.objects.filter(action="conversation.moved_to_proposal").count() == 1


# --- The rules ---------------------------------------------------------------------------


def test_an_answer_to_a_uid_that_is_not_ours_or_names_no_conversation_is_ignored(
    invited, people, imap, read, smtp, caplog
):
    event = first_event(smtp, people)
    for uid in ("conversation-999999@testserver", f"conversation-{invited.pk}@other.example"):
        event["UID"] = uid
        imap.append(answer(event, attendee=people.employee.email))
    with caplog.at_level(logging.INFO):
        assert read() == 2
    assert not InvitationAnswer.objects.exists()
    assert not AuditEntry.objects.filter(action="conversation.invitation_answered").exists()
    logged = caplog.text
    assert "conversation 999999 ignored: there is no such conversation" in logged
    assert f"REPLY: {Outcome.NOT_OURS}" in logged


@pytest.mark.parametrize(
    ("attendee", "sender"),
    [
        ("employee", "other_employee"),  # someone else writes the employee's answer
        ("employee", "leader"),  # even the other party
        ("other_employee", "other_employee"),  # not a party
        ("employee", None),  # the attendee's own From, but a second address in it
    ],
)
def test_an_answer_not_from_the_attendee_who_is_a_party_is_ignored(
    invited, people, imap, read, smtp, caplog, attendee, sender
):
    event = first_event(smtp, people)
    address = people.by_role(attendee).email
    sent_from = people.by_role(sender).email if sender else f"{address}, {people.hr.email}"
    imap.append(answer(event, attendee=address, sender=sent_from))
    with caplog.at_level(logging.INFO):
        read()
    assert not InvitationAnswer.objects.exists()
    assert "ignored: the e-mail is not from a party who answers in it" in caplog.text


def test_an_answer_to_an_earlier_sequence_is_ignored(
    invited, people, imap, read, run, client_for, smtp, caplog
):
    event = first_event(smtp, people)  # SEQUENCE 0
    imap.append(answer(event, attendee=people.employee.email))
    read()
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=invited.scheduled_at + timedelta(days=1),
        duration_minutes=90,
        place="Møterom 2",
    )
    moved = Conversation.objects.get(pk=invited.pk)
    assert moved.ics_sequence == 1
    # The accept was to the time before: it no longer shows.
    name = people.employee.full_name
    assert said("%(name)s accepted.", name=name) not in page(client_for, "leader", moved)
    imap.append(answer(event, attendee=people.employee.email, partstat="DECLINED"))
    with caplog.at_level(logging.INFO):
        read()
    assert answers_of(moved) == {"employee": "accepted"}
    assert "it answers SEQUENCE 0, the invitation out is 1" in caplog.text


def test_the_same_answer_twice_changes_nothing_the_second_time(invited, people, imap, read, smtp):
    event = first_event(smtp, people)
    raw = answer(event, attendee=people.employee.email, partstat="DECLINED")
    imap.append(raw)
    imap.append(raw)  # a mail server delivered it twice
    assert inbox.receive(raw) == [Outcome.APPLIED]  # and the webhook had it first
    read()
    assert inbox.receive(raw) == [Outcome.UNCHANGED]
    assert answers_of(invited) == {"employee": "declined"}
    assert AuditEntry.objects.filter(action="conversation.invitation_answered").count() == 1
    assert notices_to(people.leader).count() == 1


def test_a_later_answer_counts_and_an_older_one_arriving_late_does_not(invited, people, smtp):
    event = first_event(smtp, people)
    now = timezone.now()
    employee = people.employee.email
    inbox.receive(answer(event, attendee=employee, partstat="DECLINED", stamp=now))
    older = answer(event, attendee=employee, partstat="ACCEPTED", stamp=now - timedelta(hours=1))
    assert inbox.receive(older) == [Outcome.UNCHANGED]
    assert answers_of(invited) == {"employee": "declined"}
    later = answer(event, attendee=employee, partstat="ACCEPTED", stamp=now + timedelta(hours=1))
    assert inbox.receive(later) == [Outcome.APPLIED]
    assert answers_of(invited) == {"employee": "accepted"}


def test_an_answer_to_a_cancelled_conversation_is_ignored(invited, people, run, smtp):
    event = first_event(smtp, people)
    run(lifecycle.conversation_cancel, actor=people.leader, conversation=invited, reason="x")
    event["SEQUENCE"] = Conversation.objects.get(pk=invited.pk).ics_sequence
    assert inbox.receive(answer(event, attendee=people.employee.email)) == [Outcome.IGNORED]
    assert not InvitationAnswer.objects.exists()


def test_no_text_of_the_answer_is_kept(invited, people, smtp):
    event = first_event(smtp, people)
    inbox.receive(answer(event, attendee=people.employee.email, partstat="DECLINED"))
    stored = list(InvitationAnswer.objects.values())
    assert stored and COMMENT not in str(stored)
    entries = AuditEntry.objects.filter(action="conversation.invitation_answered")
    assert COMMENT not in str(list(entries.values()))


# --- Who sees what ------------------------------------------------------------------------


def test_the_employee_sees_their_own_answer_and_the_leader_both(invited, people, client_for, smtp):
    event = first_event(smtp, people)
    inbox.receive(answer(event, attendee=people.leader.email))
    inbox.receive(answer(event, attendee=people.employee.email, partstat="TENTATIVE"))
    assert answers_of(invited) == {"leader": "accepted", "employee": "tentative"}
    leader_page = page(client_for, "leader", invited)
    assert said("You accepted.") in leader_page
    assert said("%(name)s answered maybe.", name=people.employee.full_name) in leader_page
    employee_page = page(client_for, "employee", invited)
    assert said("You answered maybe.") in employee_page
    assert said("%(name)s accepted.", name=people.leader.full_name) not in employee_page
    assert said("You accepted.") not in employee_page


def test_only_the_leader_moves_the_conversation_to_the_proposed_time(
    invited, people, client_for, smtp
):
    event = first_event(smtp, people)
    proposed = invited.scheduled_at + timedelta(days=3)
    inbox.receive(
        answer(event, attendee=people.employee.email, method="COUNTER", proposed=proposed)
    )
    url = reverse("conversation_move_to_proposal", args=[invited.pk])
    assert client_for("employee").post(url, {"party": "employee"}).status_code == 403
    assert client_for("other_leader").post(url, {"party": "employee"}).status_code == 404
    assert client_for("leader").get(url).status_code == 405
    assert Conversation.objects.get(pk=invited.pk).scheduled_at == invited.scheduled_at


def test_moving_to_a_proposal_without_one_says_so_and_changes_nothing(invited, people, client_for):
    url = reverse("conversation_move_to_proposal", args=[invited.pk])
    response = client_for("leader").post(url, {"party": "employee"}, follow=True)
    with override("nb"):
        assert gettext("No new time is proposed for this conversation now.") in (
            response.content.decode()
        )
    assert Conversation.objects.get(pk=invited.pk).ics_sequence == 0


def test_a_proposal_past_the_leaders_limit_a_day_asks_to_confirm_first(
    invited, people, guide_version, client_for, smtp
):
    day = timezone.localtime(invited.scheduled_at + timedelta(days=4)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    for hour, employee in ((0, people.other_employee), (3, None)):
        lifecycle.conversation_plan(
            actor=people.hr,
            employee=employee or _report(people),
            leader=people.leader,
            guide_version=guide_version,
            scheduled_at=day + timedelta(hours=hour),
        )
    event = first_event(smtp, people)
    proposed = day + timedelta(hours=6)
    inbox.receive(
        answer(event, attendee=people.employee.email, method="COUNTER", proposed=proposed)
    )
    url = reverse("conversation_move_to_proposal", args=[invited.pk])
    response = client_for("leader").post(url, {"party": "employee"})
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["warning"]
    assert reverse("conversation_schedule", args=[invited.pk]) in body
    assert timezone.localtime(proposed).strftime("%H:%M") in body
    assert Conversation.objects.get(pk=invited.pk).scheduled_at == invited.scheduled_at


def _report(people):
    from samtale.org.models import Person

    return Person.objects.create_user(
        "rapport@test.example",
        "x",
        first_name="Rune",
        last_name="Rapport",
        unit=people.employee.unit,
        manager=people.leader,
    )


# --- The mailbox ------------------------------------------------------------------------


def test_a_mail_that_is_no_answer_is_left_alone_and_not_read_again(
    invited, people, imap, read, smtp, monkeypatch, caplog
):
    plain = EmailMessage()
    plain["From"] = people.employee.email
    plain["Subject"] = "Takk for invitasjonen"
    plain["Message-ID"] = make_msgid()
    plain.set_content("Vi sees på torsdag.")
    delivered = {imap.append(wire(plain)): wire(plain)}
    with caplog.at_level(logging.INFO):
        assert read() == 1
    assert f"is no answer to an invitation ({Outcome.NOT_IMIP})" in caplog.text
    assert not InvitationAnswer.objects.exists()
    left_alone(imap, delivered)
    seen = []
    monkeypatch.setattr(inbox, "receive", lambda raw: seen.append(raw))
    assert read() == 0
    assert seen == []
    left_alone(imap, delivered)
    assert MailboxMark.objects.get().last_uid == max(delivered)


def test_a_broken_message_never_stops_the_reader(invited, people, imap, read, smtp, caplog):
    event = first_event(smtp, people)
    garbage = [
        b"\xff\xfe not a message at all \x80\x81",
        b"From: \r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nbroken",
        (
            b"From: " + people.employee.email.encode() + b"\r\n"
            b"Content-Type: text/calendar; method=REPLY\r\n\r\n"
            b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            b"DTSTAMP:not-a-time\r\nEND:VEVENT\r\n"
        ),
    ]
    delivered = {imap.append(raw): raw for raw in garbage}
    good = answer(event, attendee=people.employee.email)
    delivered[imap.append(good)] = good
    with caplog.at_level(logging.INFO):
        assert read() == 4
    assert answers_of(invited) == {"employee": "accepted"}
    assert Outcome.UNREADABLE in caplog.text
    left_alone(imap, delivered)


def test_a_handler_that_fails_on_one_message_does_not_stop_the_others(
    invited, people, imap, read, smtp, monkeypatch, caplog
):
    event = first_event(smtp, people)
    first = answer(event, attendee=people.leader.email)
    second = answer(event, attendee=people.employee.email)
    imap.append(first)
    imap.append(second)
    receive = inbox.receive

    def fails_on_the_first(raw):
        if raw == first:
            raise RuntimeError("a bug")
        return receive(raw)

    monkeypatch.setattr(inbox, "receive", fails_on_the_first)
    assert read() == 2
    assert answers_of(invited) == {"employee": "accepted"}
    assert "could not be handled" in caplog.text


def test_an_unreachable_mailbox_is_said_and_tried_again_at_the_next_run(
    db, settings, caplog, monkeypatch
):
    from samtale.notifications.testing import free_port

    settings.SAMTALE_CALENDAR_IMAP_URL = f"imap://kalender:hemmelig@127.0.0.1:{free_port()}/INBOX"
    with caplog.at_level(logging.WARNING):
        assert calendar_mailbox_read.call() == 0
    assert "could not be read" in caplog.text
    assert "hemmelig" not in caplog.text
    assert not MailboxMark.objects.exists()


# --- The webhook --------------------------------------------------------------------------


def test_the_webhook_takes_a_message_with_the_token(invited, people, settings, smtp):
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = TOKEN
    event = first_event(smtp, people)
    raw = answer(event, attendee=people.employee.email, partstat="DECLINED")
    client = Client(enforce_csrf_checks=True)  # a mail server has no CSRF cookie
    url = reverse("calendar_inbound")
    response = client.post(
        url, raw, content_type="message/rfc822", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status_code == 204
    assert answers_of(invited) == {"employee": "declined"}
    # Whatever it held, the answer is the same: the sender learns nothing.
    garbage = client.post(
        url, b"junk", content_type="message/rfc822", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert garbage.status_code == 204


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}"])
def test_the_webhook_refuses_a_message_without_the_token(
    invited, people, settings, smtp, client_for, authorization
):
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = TOKEN
    event = first_event(smtp, people)
    raw = answer(event, attendee=people.employee.email, partstat="DECLINED")
    headers = {"Authorization": authorization} if authorization else {}
    # A signed-in session is no credential here either.
    response = client_for("employee").post(
        reverse("calendar_inbound"), raw, content_type="message/rfc822", headers=headers
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not InvitationAnswer.objects.exists()


def test_the_webhook_is_not_found_while_no_token_is_set(invited, people, smtp, client):
    raw = answer(first_event(smtp, people), attendee=people.employee.email)
    headers = {"Authorization": "Bearer "}
    url = reverse("calendar_inbound")
    response = client.post(url, raw, content_type="message/rfc822", headers=headers)
    assert response.status_code == 404
    assert client.get(url).status_code == 405
    assert not InvitationAnswer.objects.exists()


def test_a_proposal_the_leaders_calendar_holds_asks_to_confirm_first(
    invited, people, client_for, smtp, settings
):
    """The one click checks the two calendars as a move by hand does: a clash goes to the
    time page to be ticked there, and nothing moves."""
    from samtale.calendars import services as calendar_services
    from samtale.calendars.testing import Answer, http_server
    from samtale.calendars.tests.fixtures import LOOPBACK

    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = LOOPBACK  # the test's calendar is on loopback

    proposed = timezone.localtime(invited.scheduled_at + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    busy = proposed.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    until = (proposed + timedelta(hours=1)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nBEGIN:VEVENT\r\nUID:b\r\n"
        f"DTSTAMP:20261101T000000Z\r\nDTSTART:{busy}\r\nDTEND:{until}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    event = first_event(smtp, people)
    inbox.receive(
        answer(event, attendee=people.employee.email, method="COUNTER", proposed=proposed)
    )
    with http_server() as published:
        published.routes[("GET", "/leif.ics")] = Answer(200, body)
        calendar_services.connection_save(
            actor=people.leader, person=people.leader, kind="ics", url=f"{published.url}/leif.ics"
        )
        url = reverse("conversation_move_to_proposal", args=[invited.pk])
        response = client_for("leader").post(url, {"party": "employee"})
    assert response.status_code == 200
    assert response.context["calendar_clashes"]
    assert reverse("conversation_schedule", args=[invited.pk]) in response.content.decode()
    assert Conversation.objects.get(pk=invited.pk).scheduled_at == invited.scheduled_at
