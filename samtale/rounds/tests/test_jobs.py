"""The periodic jobs, with mail over a real SMTP server on loopback."""

from datetime import date, datetime, timedelta

import pytest

from samtale.conversations.models import Conversation, Preparation
from samtale.notifications.models import OutboundEmail
from samtale.rounds import booking, jobs, services
from samtale.rounds.models import Round
from samtale.rounds.tests.conftest import OSLO, at
from samtale.work.schedule import JOBS
from testkit.mail import calendar_of

DAY = date(2026, 12, 1)


@pytest.fixture
def accept(people, round_, django_capture_on_commit_callbacks):
    def run(participant, when=None, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            [conversation] = booking.schedule_accept(
                actor=actor or participant.holder,
                round=round_,
                leader=participant.holder,
                chosen=[booking.Chosen(participant.pk, when or at(DAY, 9), "Møterom 2")],
            )
        return conversation

    return run


def to(smtp, address):
    # Exactly this address: leader@… is also the end of leaders_leader@….
    return [m for m in smtp.messages if m["To"] == address]


def run_job(job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return job.call()


def test_the_jobs_are_registered_for_the_scheduler():
    names = {name.rsplit(".", 1)[-1]: job for name, job in JOBS.items()}
    assert names["invite_due"].every == timedelta(minutes=15)
    assert names["remind_prepare"].daily_at.hour == 7
    assert names["notify_unscheduled"].daily_at.hour == 7


def test_a_conversation_within_the_lead_time_is_invited_as_soon_as_it_is_accepted(
    participant, accept, people, smtp
):
    conversation = accept(participant)
    assert Conversation.objects.get(pk=conversation.pk).status == "invited"
    [invitation] = to(smtp, people.employee.email)
    [copy] = to(smtp, people.leader.email)
    for message in (invitation, copy):
        _method, _calendar, event = calendar_of(message)
        assert event.start == at(DAY, 9)
        assert event.start.tzinfo.key == "Europe/Oslo"


def test_a_conversation_further_ahead_is_invited_when_the_lead_time_comes(
    participant, accept, round_, people, smtp, frozen, django_capture_on_commit_callbacks
):
    Round.objects.filter(pk=round_.pk).update(lead_days=3)
    conversation = accept(participant)
    assert Conversation.objects.get(pk=conversation.pk).status == "planned"
    assert smtp.messages == []
    frozen.move_to(datetime(2026, 11, 28, 9, 1, tzinfo=OSLO))  # three days before, to the minute
    assert run_job(jobs.invite_due, django_capture_on_commit_callbacks) == 1
    assert Conversation.objects.get(pk=conversation.pk).status == "invited"
    assert len(to(smtp, people.employee.email)) == 1
    # The next run finds nothing more to invite.
    assert run_job(jobs.invite_due, django_capture_on_commit_callbacks) == 0
    assert len(smtp.messages) == 2


def test_a_closed_round_invites_nobody(
    participant, accept, round_, people, smtp, frozen, django_capture_on_commit_callbacks
):
    Round.objects.filter(pk=round_.pk).update(lead_days=3)
    accept(participant)
    services.round_set_open(actor=people.hr, round=round_, open=False)
    frozen.move_to(datetime(2026, 11, 29, 9, 0, tzinfo=OSLO))
    assert run_job(jobs.invite_due, django_capture_on_commit_callbacks) == 0


def test_both_are_reminded_to_prepare_three_days_before_once(
    participant, accept, people, smtp, frozen, django_capture_on_commit_callbacks
):
    conversation = accept(participant)
    frozen.move_to(datetime(2026, 11, 27, 7, 0, tzinfo=OSLO))  # four days before: not yet
    assert run_job(jobs.remind_prepare, django_capture_on_commit_callbacks) == 0
    frozen.move_to(datetime(2026, 11, 28, 7, 0, tzinfo=OSLO))
    assert run_job(jobs.remind_prepare, django_capture_on_commit_callbacks) == 2
    reminders = OutboundEmail.objects.filter(kind="prepare_reminder", status="sent")
    assert {m.to_email for m in reminders} == {people.employee.email, people.leader.email}
    assert (
        f"/samtaler/{conversation.pk}/forberedelse/"
        in to(smtp, people.employee.email)[-1].get_body(("plain",)).get_content()
    )
    frozen.move_to(datetime(2026, 11, 29, 7, 0, tzinfo=OSLO))
    assert run_job(jobs.remind_prepare, django_capture_on_commit_callbacks) == 0


def test_a_party_who_has_shared_the_preparation_is_not_reminded(
    participant, accept, people, smtp, frozen, django_capture_on_commit_callbacks
):
    conversation = accept(participant)
    Preparation.objects.create(
        conversation=conversation, author=people.employee, shared_at=datetime.now(tz=OSLO)
    )
    frozen.move_to(datetime(2026, 11, 29, 7, 0, tzinfo=OSLO))
    assert run_job(jobs.remind_prepare, django_capture_on_commit_callbacks) == 1
    assert OutboundEmail.objects.get(kind="prepare_reminder").to_email == people.leader.email


def test_leaders_with_conversations_without_a_time_get_one_notice_a_day(
    round_, people, smtp, frozen, django_capture_on_commit_callbacks
):
    assert run_job(jobs.notify_unscheduled, django_capture_on_commit_callbacks) == 3
    notified = set(
        OutboundEmail.objects.filter(kind="unscheduled_notice").values_list("to_email", flat=True)
    )
    assert notified == {people.leader.email, people.other_leader.email, people.leaders_leader.email}
    body = to(smtp, people.leader.email)[0].get_body(("plain",)).get_content()
    assert f"/runder/{round_.pk}/timeplan/{people.leader.pk}/" in body
    assert round_.name in body
    assert run_job(jobs.notify_unscheduled, django_capture_on_commit_callbacks) == 0
    frozen.move_to(datetime(2026, 11, 24, 7, 0, tzinfo=OSLO))
    assert run_job(jobs.notify_unscheduled, django_capture_on_commit_callbacks) == 3


def test_a_leader_whose_conversations_all_have_a_time_gets_no_notice(
    round_, participant, accept, people, smtp, django_capture_on_commit_callbacks
):
    accept(participant)
    run_job(jobs.notify_unscheduled, django_capture_on_commit_callbacks)
    assert people.leader.email not in set(
        OutboundEmail.objects.filter(kind="unscheduled_notice").values_list("to_email", flat=True)
    )


def test_a_round_not_yet_begun_sends_no_notice(
    round_, people, smtp, django_capture_on_commit_callbacks
):
    Round.objects.filter(pk=round_.pk).update(
        period_start=date(2027, 3, 1), period_end=date(2027, 6, 1)
    )
    assert run_job(jobs.notify_unscheduled, django_capture_on_commit_callbacks) == 0
