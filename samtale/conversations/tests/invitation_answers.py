"""The invitation-answer tests' helpers: answers written as the parties' mail programs write
them, delivered, and what the pages and the mailbox show of them."""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from icalendar import Calendar, Event, vCalAddress

from samtale.conversations.models import InvitationAnswer
from samtale.notifications.models import OutboundEmail
from testkit.mail import EXCHANGE_VTIMEZONE, calendar_of

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
