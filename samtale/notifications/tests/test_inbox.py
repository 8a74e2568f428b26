"""The calendar address's mail, read back (notifications.inbox): the answers found in a
message wherever a mail program put them, what is no answer said so and left alone, and
an IMAP mailbox (Debian's Dovecot, started by the test) read once, never changed.

The domain that takes the answers (conversations.services.replies) is replaced here by a
handler that records what it is given (`handled`, in conftest): the conversations' own
tests take it from there. What goes over a limit: test_inbox_limits."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar, Event, vCalAddress

from samtale.notifications import ics, inbox
from samtale.notifications.inbox import ImapMailbox, Outcome
from samtale.notifications.models import MailboxMark
from testkit.mail import EXCHANGE_VTIMEZONE

STAMP = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def calendar(method="REPLY", *, uid="ours-1", partstat="DECLINED", start=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Test//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", STAMP)
    event.add("sequence", 2)
    attendee = vCalAddress("mailto:Kari@Example.no")
    attendee.params["partstat"] = partstat
    event.add("attendee", attendee)
    if start is not None:
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
    cal.add_component(event)
    return cal.to_ical()


def message(*, calendar_part: bytes | None = None, attached: bytes | None = None, sender=None):
    mail = EmailMessage()
    mail["From"] = sender or "Kari Nordmann <kari@example.no>"
    mail["Message-ID"] = "<svar-1@example.no>"
    mail.set_content("Avslått.")
    if calendar_part is not None:
        mail.add_alternative(
            calendar_part, maintype="text", subtype="calendar", params={"method": "REPLY"}
        )
    if attached is not None:
        mail.add_attachment(attached, maintype="application", subtype="ics", filename="svar.ics")
    return mail.as_bytes()


def test_an_answer_beside_the_text_is_handed_on_with_its_sender(handled):
    assert inbox.receive(message(calendar_part=calendar())) == [Outcome.APPLIED]
    [(answer, sender)] = handled
    assert sender == "kari@example.no"
    assert (answer.method, answer.uid, answer.sequence, answer.stamp) == (
        "REPLY",
        "ours-1",
        2,
        STAMP,
    )
    assert answer.partstat == {"kari@example.no": "DECLINED"}


def test_an_answer_only_attached_as_a_file_is_found_too(handled):
    assert inbox.receive(message(attached=calendar())) == [Outcome.APPLIED]
    assert len(handled) == 1


def test_the_same_calendar_twice_in_a_message_is_one_answer(handled):
    both = message(calendar_part=calendar(), attached=calendar())
    assert inbox.receive(both) == [Outcome.APPLIED]
    assert len(handled) == 1


def test_a_calendar_in_another_charset_is_read_in_it(handled):
    text = calendar().decode().replace("ATTENDEE;", "ATTENDEE;CN=Kari Sørensen;")
    mail = EmailMessage()
    mail["From"] = "kari@example.no"
    mail.set_content("Avslått.")
    mail.add_alternative(
        text.encode("cp1252"),
        maintype="text",
        subtype="calendar",
        params={"method": "REPLY", "charset": "windows-1252"},
    )
    assert inbox.receive(mail.as_bytes()) == [Outcome.APPLIED]


def test_an_answer_about_an_event_that_is_not_ours_is_said_so(handled):
    assert inbox.receive(message(calendar_part=calendar(uid="theirs"))) == [Outcome.NOT_OURS]
    assert handled == []


@pytest.mark.parametrize(
    ("raw", "outcome"),
    [
        (message(), Outcome.NOT_IMIP),  # a person's own mail
        (message(calendar_part=calendar("REQUEST")), Outcome.NOT_IMIP),  # an invitation
        (message(calendar_part=b"BEGIN:VCALENDAR\r\ngarbage"), Outcome.UNREADABLE),
        (message(calendar_part=calendar().replace(b"DTSTAMP", b"X-NO")), Outcome.UNREADABLE),
        (b"", Outcome.NOT_IMIP),
        (b"\xff\xfe\x00 binary", Outcome.NOT_IMIP),
    ],
)
def test_what_is_no_answer_is_said_so_and_nothing_raises(handled, raw, outcome):
    assert inbox.receive(raw) == [outcome]
    assert handled == []


def test_a_calendar_that_names_a_file_on_this_machine_is_not_read_from_it(handled, tmp_path):
    """icalendar opens a text without a line break as a file's name: a stranger's calendar
    part holding "/path/to/some.ics" must not make Samtale read that file."""
    local = tmp_path / "svar.ics"
    local.write_bytes(calendar(uid="ours-from-a-file"))
    raw = message(calendar_part=str(local).encode())
    assert inbox.receive(raw) == [Outcome.UNREADABLE]
    assert handled == []


def test_a_message_from_more_or_fewer_than_one_address_has_no_sender(handled):
    for sender in ("a@example.no, b@example.no", "undisclosed-recipients:;"):
        inbox.receive(message(calendar_part=calendar(), sender=sender))
    assert [sender for _answer, sender in handled] == ["", ""]


def test_a_counter_in_windows_zone_names_is_read_as_the_time_it_means():
    counter = (
        b"""BEGIN:VCALENDAR\r
METHOD:COUNTER\r
VERSION:2.0\r
"""
        + EXCHANGE_VTIMEZONE.encode()
        + b"""BEGIN:VEVENT\r
ATTENDEE;PARTSTAT=TENTATIVE:mailto:kari@example.no\r
UID:conversation-7@testserver\r
DTSTART;TZID=W. Europe Standard Time:20270708T100000\r
DTEND;TZID=W. Europe Standard Time:20270708T113000\r
DTSTAMP:20270701T101010Z\r
COMMENT:Passer torsdag?\r
END:VEVENT\r
END:VCALENDAR\r
"""
    )
    [answer] = ics.itip_read(counter)
    assert answer.method == "COUNTER" and answer.sequence == 0
    # 10:00 in Oslo in July is 08:00 UTC.
    assert answer.start == datetime(2027, 7, 8, 8, 0, tzinfo=UTC)
    assert answer.end - answer.start == timedelta(minutes=90)
    assert answer.partstat == {"kari@example.no": "TENTATIVE"}
    assert "Passer" not in repr(answer)  # no text of the answer is read into it


def test_a_counter_without_a_time_of_day_proposes_no_time():
    [answer] = ics.itip_read(calendar("COUNTER", start=datetime(2027, 7, 8).date()))
    assert (answer.start, answer.end) == (None, None)


def test_a_uid_is_ours_only_with_our_host(settings):
    settings.SITE_URL = "https://samtale.kommune.example"
    assert ics.conversation_pk_of("conversation-42@samtale.kommune.example") == 42
    assert ics.conversation_pk_of("conversation-42@SAMTALE.kommune.example") == 42
    for uid in (
        "conversation-42@other.example",
        "conversation-0@samtale.kommune.example",
        "conversation-x@samtale.kommune.example",
        "040000008200E00074C5B7101A82E008",
        "",
    ):
        assert ics.conversation_pk_of(uid) is None, uid


def test_the_mailbox_is_named_without_its_password():
    mailbox = ImapMailbox("imaps://kalender%40kommune.no:p%C3%A5ss%2Fword@imap.example:993/")
    assert (mailbox.user, mailbox.password) == ("kalender@kommune.no", "påss/word")
    assert (mailbox.host, mailbox.port, mailbox.folder, mailbox.tls) == (
        "imap.example",
        993,
        "INBOX",
        True,
    )
    assert "påss" not in mailbox.name and "p%C3" not in mailbox.name
    assert ImapMailbox("imap://u:p@localhost/Kalender svar").port == 143
    with pytest.raises(ValueError):
        ImapMailbox("https://u:p@imap.example/INBOX")


# --- A real IMAP mailbox ----------------------------------------------------------------


def _delivered(imap, count: int) -> list[bytes]:
    raws = [message(calendar_part=calendar(uid=f"ours-{n}")) for n in range(count)]
    for raw in raws:
        imap.append(raw)
    return raws


def test_the_mailbox_is_read_in_batches_each_message_once(db, imap, handled):
    _delivered(imap, 3)
    mailbox = ImapMailbox(imap.url, batch=2)
    assert mailbox.read_new(inbox.receive) == 2
    assert mailbox.read_new(inbox.receive) == 1
    assert mailbox.read_new(inbox.receive) == 0
    assert [answer.uid for answer, _sender in handled] == ["ours-0", "ours-1", "ours-2"]
    # Read-only: not one message is marked read.
    assert all("\\Seen" not in flags for _body, flags in imap.messages().values())


def test_a_mailbox_made_anew_is_read_again_from_the_start(db, imap, handled):
    _delivered(imap, 2)
    mailbox = ImapMailbox(imap.url)
    assert mailbox.read_new(inbox.receive) == 2
    MailboxMark.objects.update(uidvalidity=1)  # as if the server had made INBOX anew
    assert mailbox.read_new(inbox.receive) == 2
    assert len(handled) == 4


def test_a_wrong_password_is_an_imap_error_and_reads_nothing(db, imap, handled):
    from testkit.mail import ImapServer

    url = imap.url.replace(ImapServer.password, "feil")
    with pytest.raises(inbox.imaplib.IMAP4.error):
        ImapMailbox(url).read_new(inbox.receive)
    assert handled == [] and not MailboxMark.objects.exists()
