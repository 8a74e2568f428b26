"""The answers to invitations come back: the parties' mail programs send an iMIP REPLY or
COUNTER to Samtale's calendar address, which the worker reads from a real IMAP mailbox
(Debian's Dovecot, started by the test: the `imap` fixture) or a mail server posts to the
webhook. Delivered here with IMAP APPEND, as a mail server would.

Each rule has its test: the UID is ours and names a conversation; the attendee is a party
and the e-mail is from that attendee; an answer to an earlier SEQUENCE is ignored; the
same answer twice changes nothing and tells no one twice. How the answers arrive (the
mailbox, the webhook): test_invitation_mailbox.py."""

import logging
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, override

from samtale.conversations.models import Conversation, InvitationAnswer
from samtale.conversations.services import lifecycle
from samtale.conversations.tests.invitation_answers import (
    COMMENT,
    answer,
    answers_of,
    first_event,
    left_alone,
    notices_to,
    outlook_counter,
    page,
    said,
)
from samtale.core.models import AuditEntry
from samtale.notifications import inbox
from samtale.notifications.inbox import Outcome
from testkit.mail import calendar_of

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


def test_a_proposal_the_leaders_calendar_holds_asks_to_confirm_first(
    invited, people, client_for, smtp, settings
):
    """The one click checks the two calendars as a move by hand does: a clash goes to the
    time page to be ticked there, and nothing moves."""
    from samtale.calendars import services as calendar_services
    from samtale.calendars.tests.fixtures import LOOPBACK
    from testkit.calendars import Answer, http_server

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
