from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from samtale.notifications import outbox
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import Built, builder
from samtale.notifications.tasks import email_send, outbox_sweep


@builder("test_hello")
def _hello(message):
    if message.ref.get("skip"):
        return None
    if message.ref.get("explode"):
        raise KeyError("a reference that no longer resolves")
    return Built(
        template="accounts/email/password_reset",
        context={"person": message.to, "link": "https://x/"},
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def queue(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return outbox.email_queue(kind="test_hello", **kwargs)

    return queue


def test_a_message_is_sent_over_smtp_and_recorded(smtp, people, send):
    message = send(to=people.employee)
    assert len(smtp.to(people.employee.email)) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1 and message.sent_at
    assert message.subject == "Velg passordet ditt for Samtale"


def test_the_same_dedupe_key_is_sent_only_once(smtp, people, send):
    assert send(to=people.employee, dedupe_key="digest:1:2026-11-22") is not None
    assert send(to=people.employee, dedupe_key="digest:1:2026-11-22") is None
    assert len(smtp.messages) == 1
    assert OutboundEmail.objects.count() == 1


def _later(minutes: float):
    """The clock `minutes` from now, not ticking."""
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_an_smtp_failure_is_retried_by_the_sweep_and_the_message_arrives(smtp, people, send):
    smtp.fail_next = 2
    message = send(to=people.employee)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.failures) == ("queued", 1, 1)
    assert "451" in message.last_error and message.lease_until is None
    assert outbox_sweep.call() == 0  # not due for a minute
    with _later(1.1):
        assert outbox_sweep.call() == 1  # refused again
    with _later(1.1 + 5.1):
        assert outbox_sweep.call() == 1
    message.refresh_from_db()
    assert len(smtp.messages) == 1
    assert (message.status, message.attempts, message.failures) == ("sent", 3, 2)


def test_after_five_failures_the_message_is_marked_failed_with_the_error(smtp, people, send):
    smtp.fail_next = 10
    message = send(to=people.employee)
    elapsed = 0.0
    for minutes in outbox.RETRY_MINUTES:
        elapsed += minutes + 0.1
        with _later(elapsed):
            outbox_sweep.call()
    message.refresh_from_db()
    assert (message.status, message.failures) == ("failed", outbox.MAX_ATTEMPTS)
    assert "451" in message.last_error
    assert smtp.messages == []
    with _later(elapsed + 1000):
        assert outbox_sweep.call() == 0


def test_a_message_whose_worker_died_is_sent_once_its_lease_runs_out(smtp, people, settings):
    message = _recorded(people)
    assert outbox.claim(message.pk) is not None  # and the worker is killed here
    assert outbox.claim(message.pk) is None  # no other worker takes it meanwhile
    assert outbox_sweep.call() == 0
    with _later(settings.OUTBOX_LEASE_SECONDS / 60 + 0.1):
        assert outbox_sweep.call() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp.messages) == 1


def test_a_message_whose_task_was_lost_is_found_by_the_sweep(smtp, people, settings):
    message = _recorded(people)  # committed, but the process died before enqueueing
    assert outbox_sweep.call() == 0  # its task may be waiting in a long queue
    with _later(settings.OUTBOX_LEASE_SECONDS / 60 + 0.1):
        assert outbox_sweep.call() == 1
    message.refresh_from_db()
    assert message.status == "sent" and len(smtp.messages) == 1


def test_every_copy_carries_the_messages_one_message_id(smtp, people, monkeypatch, settings):
    """The window: the server has the message, the worker dies before recording it."""
    message = _recorded(people)
    assert message.message_id.startswith("<") and message.message_id.endswith("@localhost>")

    def killed(message, subject):
        raise SystemExit("killed after the server's acceptance")

    with monkeypatch.context() as patched:
        patched.setattr(outbox, "message_sent", killed)
        with pytest.raises(SystemExit):
            email_send.call(message.pk)
    message.refresh_from_db()
    assert message.status == "queued" and len(smtp.messages) == 1
    with _later(settings.OUTBOX_LEASE_SECONDS / 60 + 0.1):
        outbox_sweep.call()
    message.refresh_from_db()
    assert message.status == "sent"
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id] * 2


def test_a_message_that_cannot_be_made_is_given_up_not_tried_for_ever(smtp, people, send):
    message = send(to=people.employee, ref={"explode": True})
    message.refresh_from_db()
    assert message.status == "failed" and "Could not be made" in message.last_error
    with _later(1000):
        assert outbox_sweep.call() == 0
    assert smtp.messages == []


def test_a_message_the_mail_library_refuses_is_given_up_with_its_reason_not_lost(
    smtp, people, send, settings, caplog
):
    """A sender that is no address (a registered tenant's before it had to have one gave
    `From: "Samtale (for Tone Lien)" <>`): Django refuses the message before SMTP sees it,
    with a ValueError the task once did not catch, and the message stayed claimed."""
    settings.DEFAULT_FROM_EMAIL = "Samtale <>"
    message = send(to=people.employee)
    message.refresh_from_db()
    assert message.status == "failed" and message.lease_until is None
    assert "Cannot be sent" in message.last_error
    assert f"e-mail {message.pk} cannot be sent" in caplog.text
    assert smtp.messages == []
    from samtale.notifications.health import mail_check

    assert mail_check() == "failing"


def test_a_message_that_takes_its_worker_down_every_time_is_given_up(smtp, people, settings):
    message = _recorded(people)
    for n in range(outbox.MAX_CLAIMS):
        with _later(n * (settings.OUTBOX_LEASE_SECONDS / 60 + 0.1)):
            assert outbox.claim(message.pk) is not None
    with _later(outbox.MAX_CLAIMS * (settings.OUTBOX_LEASE_SECONDS / 60 + 0.1)):
        assert outbox.claim(message.pk) is None
    message.refresh_from_db()
    assert message.status == "failed" and "stopped while sending" in message.last_error


def test_a_message_no_longer_relevant_is_skipped(smtp, people, send):
    message = send(to=people.employee, ref={"skip": True})
    message.refresh_from_db()
    assert message.status == "skipped" and smtp.messages == []


def test_an_inactive_person_gets_nothing(smtp, people, send):
    people.employee.is_active = False
    people.employee.save()
    message = send(to=people.employee)
    message.refresh_from_db()
    assert message.status == "skipped" and smtp.messages == []


def test_a_task_slow_in_a_long_queue_gets_one_more_task_per_lease_not_one_per_sweep(
    people, settings
):
    message = _recorded(people)
    lease = settings.OUTBOX_LEASE_SECONDS / 60
    handed = []
    for minutes in (lease + 0.1, lease + 0.2, lease + 0.3, 2 * lease + 0.2):
        with _later(minutes):
            handed.append(outbox.stranded())
    assert handed == [[message.pk], [], [], [message.pk]]


def test_a_claimed_message_is_not_sent_by_a_second_worker(people):
    message = _recorded(people)
    assert outbox.claim(message.pk) is not None
    OutboundEmail.objects.filter(pk=message.pk).update(status="sent")
    assert outbox.claim(message.pk) is None


def _recorded(people) -> OutboundEmail:
    """A message recorded as email_queue records it, with no task to send it."""
    return OutboundEmail.objects.create(
        kind="test_hello",
        to=people.employee,
        to_email=people.employee.email,
        message_id=outbox.new_message_id(),
        next_attempt_at=timezone.now(),
    )
