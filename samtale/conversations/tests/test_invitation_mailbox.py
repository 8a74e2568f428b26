"""The answers to invitations reach Samtale through its calendar mailbox, read by the worker
from a real IMAP server (Debian's Dovecot, started by the test: the `imap` fixture), or
through the webhook a mail server posts to. Anything in the mailbox that is no answer is
left there, unchanged, and never read again; a broken message or an unreachable mailbox
never stops the reader."""

import logging
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.test import Client
from django.urls import reverse

from samtale.conversations.models import InvitationAnswer
from samtale.conversations.tests.invitation_answers import (
    TOKEN,
    answer,
    answers_of,
    first_event,
    left_alone,
    wire,
)
from samtale.notifications import inbox
from samtale.notifications.inbox import Outcome
from samtale.notifications.models import MailboxMark
from samtale.notifications.tasks import calendar_mailbox_read

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
    from testkit.mail import free_port

    settings.SAMTALE_CALENDAR_IMAP_URL = f"imap://kalender:hemmelig@127.0.0.1:{free_port()}/INBOX"
    with caplog.at_level(logging.WARNING):
        assert calendar_mailbox_read.call() == 0
    assert "could not be read" in caplog.text
    assert "hemmelig" not in caplog.text
    # Kept, for the tenant's health (notifications.health): since when it cannot be read.
    (mark,) = MailboxMark.objects.all()
    assert mark.unreadable_since is not None and mark.last_uid == 0
    assert "hemmelig" not in mark.mailbox


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
