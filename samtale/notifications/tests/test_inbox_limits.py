"""What anyone may send to the calendar address is bounded (notifications.inbox): a
message over a limit is refused whole, before anything of it is parsed or applied, set
aside once with the limit it went over (core.setaside), and never read again; one whose
handling fails is set aside too. The messages behind it are read as before.

Played as a mail server plays it: posted to the webhook with the token, and delivered into
a real IMAP mailbox (Debian's Dovecot, started by the test). No test times anything: what
shows that a hostile message costs nothing is what it did not do (no query on the
conversation, no calendar parsed, nothing applied)."""

import io
from email.message import EmailMessage

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.test.client import FakePayload
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from samtale.conversations.models import InvitationAnswer
from samtale.core import setaside
from samtale.core.models import AuditEntry, SetAsideMessage
from samtale.notifications import ics, inbox, views
from samtale.notifications.inbox import ImapMailbox, Outcome, Refused
from samtale.notifications.models import MailboxMark

TOKEN = "k" * 40
MESSAGE_ID = "<svar-1@example.no>"


@pytest.fixture
def invited(send_invitation):
    return send_invitation("Møterom 3")


@pytest.fixture
def post(settings):
    """post(raw, **environ) -> the webhook's response to a mail server posting `raw`."""
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = TOKEN
    client = Client(enforce_csrf_checks=True)

    def send(raw: bytes, *, token: str = TOKEN, **environ):
        return client.post(
            reverse("calendar_inbound"),
            raw,
            content_type="message/rfc822",
            headers={"Authorization": f"Bearer {token}"},
            **environ,
        )

    return send


def event(uid: str, attendee: str, sequence: int = 0) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        f"SEQUENCE:{sequence}\r\n"
        "DTSTAMP:20261123T080000Z\r\n"
        f"ATTENDEE;PARTSTAT=DECLINED:mailto:{attendee}\r\n"
        "END:VEVENT\r\n"
    )


def calendar(events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\n"
        f"{events}END:VCALENDAR\r\n"
    )


def reply(conversation, person, *, events: int = 1) -> bytes:
    """The party's REPLY declining the conversation, its one VEVENT `events` times over (a
    hundred thousand make 15 MB), as a mail server hands it on."""
    answer = event(ics.conversation_uid(conversation), person.email, conversation.ics_sequence)
    head = (
        f"From: {person.email}\r\nMessage-ID: {MESSAGE_ID}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
    )
    return (head + calendar(answer * events)).encode()


def calendar_parts(count: int, content: bytes = b"x") -> bytes:
    """A message of `count` calendar parts, each as small as MIME allows."""
    part = b"--b\r\nContent-Type: text/calendar\r\n\r\n" + content + b"\r\n"
    return (
        b"From: kari@example.no\r\nMessage-ID: " + MESSAGE_ID.encode() + b"\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + part * count
        + b"--b--\r\n"
    )


def nothing_applied() -> None:
    assert not InvitationAnswer.objects.exists()
    assert not AuditEntry.objects.filter(action="conversation.invitation_answered").exists()


def conversation_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "conversations_conversation" in q["sql"]]


def set_aside() -> SetAsideMessage:
    [found] = SetAsideMessage.objects.all()
    assert found.source == inbox.SOURCE
    return found


# --- The webhook --------------------------------------------------------------------------


def test_an_answer_within_the_limits_is_applied(invited, people, post):
    response = post(reply(invited, people.employee))
    assert response.status_code == 204
    assert InvitationAnswer.objects.get().answer == "declined"
    assert not SetAsideMessage.objects.exists()


def test_a_reply_of_a_hundred_thousand_events_is_refused_before_its_body_is_read(
    invited, people, post, settings
):
    raw = reply(invited, people.employee, events=100_000)
    assert len(raw) > settings.SAMTALE_CALENDAR_MAX_BYTES == 1024 * 1024
    body = FakePayload(raw)
    with CaptureQueriesContext(connection) as queries:
        response = post(raw, **{"wsgi.input": body})
    assert response.status_code == 413
    assert not body.read_started
    assert conversation_queries(queries) == []
    nothing_applied()
    found = set_aside()
    assert found.reason == setaside.TOO_LARGE
    assert found.size == len(raw)
    assert "over SAMTALE_CALENDAR_MAX_BYTES=1048576" in found.detail
    assert found.key.startswith("webhook:")


def test_a_hundred_thousand_events_within_a_larger_body_limit_are_refused_by_their_count(
    invited, people, post, settings, monkeypatch, caplog
):
    settings.SAMTALE_CALENDAR_MAX_BYTES = 32 * 1024 * 1024
    parsed = []
    monkeypatch.setattr(ics, "itip_read", lambda data: parsed.append(data))
    raw = reply(invited, people.employee, events=100_000)
    with CaptureQueriesContext(connection) as queries:
        response = post(raw)
    assert response.status_code == 413
    assert parsed == []
    assert conversation_queries(queries) == []
    nothing_applied()
    found = set_aside()
    assert (found.reason, found.key, found.size) == (setaside.TOO_MANY, MESSAGE_ID, len(raw))
    assert found.detail == "100000 events in a calendar, over SAMTALE_CALENDAR_MAX_ANSWERS=5"
    # One line says which limit; none for each event.
    assert [r.getMessage() for r in caplog.records if "MAX_ANSWERS" in r.getMessage()] == [
        f"calendar_mail: a message set aside (too_many): {found.detail} [{MESSAGE_ID}]"
    ]
    assert len(caplog.records) < 5


def test_twenty_thousand_calendar_parts_are_refused_before_any_is_parsed(
    db, post, settings, monkeypatch
):
    parsed = []
    monkeypatch.setattr(ics, "itip_read", lambda data: parsed.append(data))
    raw = calendar_parts(20_000)  # "x": none parses
    assert len(raw) < settings.SAMTALE_CALENDAR_MAX_BYTES
    assert post(raw).status_code == 413
    assert parsed == []
    found = set_aside()
    assert found.reason == setaside.TOO_MANY
    assert found.detail == "20000 calendar parts, over SAMTALE_CALENDAR_MAX_PARTS=5"


def test_a_body_of_no_length_is_read_no_further_than_the_limit(db, settings):
    """A chunked body says no Content-Length (or one that lies): what is read stops at the
    limit + 1 bytes, and that is enough to refuse it."""
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = TOKEN
    settings.SAMTALE_CALENDAR_MAX_BYTES = 1000
    request = RequestFactory().post(
        "/", b"", content_type="message/rfc822", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = stream = io.BytesIO(b"x" * 50_000)
    assert views.calendar_inbound(request).status_code == 413
    assert stream.tell() == 1001
    found = set_aside()
    assert (found.reason, found.size) == (setaside.TOO_LARGE, 1001)
    assert found.key.startswith("sha256:")


def test_a_wrong_token_is_401_before_anything_else_is_done(db, post):
    body = FakePayload(b"x" * 100)
    response = post(b"x" * 100, token="w" * 40, CONTENT_LENGTH="99999999", **{"wsgi.input": body})
    assert response.status_code == 401
    assert not body.read_started
    assert not SetAsideMessage.objects.exists()


def test_ordinary_mail_to_the_address_is_taken_and_not_set_aside(db, post):
    for raw in (b"Hei, er du ledig?", calendar_parts(2), calendar_parts(5, b"BEGIN:VEVENT")):
        assert post(raw).status_code == 204
    assert not SetAsideMessage.objects.exists()


def test_a_posted_message_whose_handling_fails_is_set_aside_and_counted_when_posted_again(
    invited, people, post, monkeypatch
):
    def fails(**_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(inbox, "_handlers", [fails])
    raw = reply(invited, people.employee)
    assert post(raw).status_code == 204  # posting it again would fail the same way
    assert post(raw).status_code == 204
    found = set_aside()
    assert (found.reason, found.key, found.times) == (setaside.FAILED, MESSAGE_ID, 2)
    assert found.detail == "handling failed: RuntimeError"


# --- The count before parsing -------------------------------------------------------------


def test_a_message_at_the_limits_is_read(handled):
    five = calendar(event("ours-1", "kari@example.no") * 5)
    mail = EmailMessage()
    mail["From"] = "kari@example.no"
    mail.set_content("Avslått.")
    for n in range(5):
        mail.add_attachment(
            five.encode(), maintype="application", subtype="ics", filename=f"{n}.ics"
        )
    assert inbox.receive(mail.as_bytes()) == [Outcome.APPLIED] * 5


@pytest.mark.parametrize(
    "begin",
    [
        "BEGIN:VEVENT",
        "begin:vevent",
        "BEGIN:VEV\r\n ENT",  # folded
        "BEGIN;X-A=1:VEVENT",  # a parameter
        "BEG\u0131N:VEVENT",  # a dotless i, which upper-cases to I
    ],
)
def test_no_spelling_of_an_event_the_parser_reads_escapes_the_count(handled, begin):
    one = event("ours-1", "kari@example.no").replace("BEGIN:VEVENT", begin)
    text = calendar(one * 6)
    assert len(Calendar.from_ical(text.encode()).walk("VEVENT")) == 6  # what icalendar sees
    mail = EmailMessage()
    mail["From"] = "kari@example.no"
    mail.set_content(text.encode(), maintype="text", subtype="calendar")
    with pytest.raises(Refused) as refused:
        inbox.receive(mail.as_bytes())
    assert refused.value.detail == "6 events in a calendar, over SAMTALE_CALENDAR_MAX_ANSWERS=5"
    assert handled == []


# --- The IMAP mailbox ---------------------------------------------------------------------


def answer_mail(uid: str, *, padding: int = 0) -> bytes:
    mail = EmailMessage()
    mail["From"] = "kari@example.no"
    mail["Message-ID"] = f"<{uid}@example.no>"
    mail.set_content("Avslått." + " " * padding)
    mail.add_alternative(
        calendar(event(uid, "kari@example.no")).encode(), maintype="text", subtype="calendar"
    )
    return mail.as_bytes()


@pytest.fixture
def fetched(monkeypatch):
    """The UIDs the mailbox fetched the bodies of."""
    seen = []
    fetch = inbox._fetch

    def spy(imap, uid):
        seen.append(uid)
        return fetch(imap, uid)

    monkeypatch.setattr(inbox, "_fetch", spy)
    return seen


def test_a_message_too_large_is_not_fetched_and_the_answer_behind_it_is_read(
    db, imap, handled, fetched, settings
):
    settings.SAMTALE_CALENDAR_MAX_BYTES = 4000
    big = imap.append(answer_mail("ours-big", padding=10_000))
    good = imap.append(answer_mail("ours-good"))
    mailbox = ImapMailbox(imap.url)
    assert mailbox.read_new(inbox.receive) == 2
    assert [answer.uid for answer, _sender in handled] == ["ours-good"]
    assert fetched == [good]
    found = set_aside()
    mark = MailboxMark.objects.get()
    assert found.key == f"{mailbox.name}:{mark.uidvalidity}:{big}"
    assert found.reason == setaside.TOO_LARGE
    assert found.detail.endswith("bytes, over SAMTALE_CALENDAR_MAX_BYTES=4000")
    assert found.size > 10_000
    # Passed by: the next run reads neither again.
    assert mailbox.read_new(inbox.receive) == 0
    assert SetAsideMessage.objects.get().times == 1
    assert fetched == [good]


def test_a_message_over_a_count_in_the_mailbox_is_set_aside_once(db, imap, handled):
    uid = imap.append(calendar_parts(6))
    imap.append(answer_mail("ours-good"))
    mailbox = ImapMailbox(imap.url)
    assert mailbox.read_new(inbox.receive) == 2
    assert len(handled) == 1
    found = set_aside()
    assert found.key.endswith(f":{uid}")
    assert found.detail == "6 calendar parts, over SAMTALE_CALENDAR_MAX_PARTS=5"
    assert mailbox.read_new(inbox.receive) == 0
    assert SetAsideMessage.objects.get().times == 1


def failing(fails_on: bytes, *, times: int, error=OperationalError):
    """inbox.receive, but raising `error` the first `times` times it is given `fails_on`."""
    left = [times]

    def handle(raw):
        if raw.replace(b"\r\n", b"\n") == fails_on.replace(b"\r\n", b"\n") and left[0]:
            left[0] -= 1
            raise error("the database went away")
        return inbox.receive(raw)

    return handle


def test_a_message_that_fails_on_the_database_run_after_run_is_set_aside_and_passed_by(
    db, imap, handled, settings
):
    assert settings.SAMTALE_CALENDAR_MAX_ATTEMPTS == 3
    first = answer_mail("ours-first")
    uid = imap.append(first)
    imap.append(answer_mail("ours-second"))
    mailbox = ImapMailbox(imap.url)
    handle = failing(first, times=1000)
    for _run in range(2):
        with pytest.raises(OperationalError):
            mailbox.read_new(handle)
        assert handled == [] and not SetAsideMessage.objects.exists()
    assert mailbox.read_new(handle) == 2
    assert [answer.uid for answer, _sender in handled] == ["ours-second"]
    found = set_aside()
    assert found.key.endswith(f":{uid}")
    assert found.reason == setaside.FAILED
    assert found.detail == (
        "handling failed on the database 3 runs in a row "
        "(SAMTALE_CALENDAR_MAX_ATTEMPTS=3): OperationalError"
    )
    assert mailbox.read_new(handle) == 0
    assert MailboxMark.objects.get().failures == 0


def test_a_message_that_failed_on_the_database_once_is_read_again(db, imap, handled):
    first = answer_mail("ours-first")
    imap.append(first)
    imap.append(answer_mail("ours-second"))
    mailbox = ImapMailbox(imap.url)
    handle = failing(first, times=1)
    with pytest.raises(OperationalError):
        mailbox.read_new(handle)
    assert MailboxMark.objects.get().failures == 1
    assert mailbox.read_new(handle) == 2
    assert [answer.uid for answer, _sender in handled] == ["ours-first", "ours-second"]
    assert not SetAsideMessage.objects.exists()
    assert MailboxMark.objects.get().failures == 0


def test_a_message_whose_handling_raises_is_set_aside_at_once(db, imap, handled):
    first = answer_mail("ours-first")
    imap.append(first)
    imap.append(answer_mail("ours-second"))
    mailbox = ImapMailbox(imap.url)
    handle = failing(first, times=1000, error=RuntimeError)
    assert mailbox.read_new(handle) == 2
    assert [answer.uid for answer, _sender in handled] == ["ours-second"]
    assert set_aside().detail == "handling failed: RuntimeError"
    assert mailbox.read_new(handle) == 0
    assert SetAsideMessage.objects.get().times == 1


def test_a_calendar_of_too_many_lines_is_refused_before_it_is_parsed(handled, settings):
    """One event padded with a megabyte of short lines took seconds to parse: more lines
    than SAMTALE_CALENDAR_MAX_LINES are refused by their count."""
    padded = event("ours-1", "kari@example.no").replace(
        "END:VEVENT", "X-PAD:1\r\n" * 2000 + "END:VEVENT"
    )
    mail = EmailMessage()
    mail["From"] = "kari@example.no"
    mail.set_content(calendar(padded).encode(), maintype="text", subtype="calendar")
    with pytest.raises(Refused) as refused:
        inbox.receive(mail.as_bytes())
    assert refused.value.reason == setaside.TOO_MANY
    assert "lines in a calendar, over SAMTALE_CALENDAR_MAX_LINES=1000" in refused.value.detail
    assert handled == []
    settings.SAMTALE_CALENDAR_MAX_LINES = 3000
    assert inbox.receive(mail.as_bytes()) == [Outcome.APPLIED]
