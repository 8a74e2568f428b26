import pytest

from samtale.notifications import outbox
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import Built, builder


@builder("test_hello")
def _hello(message):
    if message.ref.get("skip"):
        return None
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


def test_an_smtp_failure_is_retried_and_the_message_arrives(smtp, people, send):
    smtp.fail_next = 2
    message = send(to=people.employee)
    message.refresh_from_db()
    assert len(smtp.messages) == 1
    assert (message.status, message.attempts) == ("sent", 3)


def test_after_five_failures_the_message_is_marked_failed_with_the_error(smtp, people, send):
    smtp.fail_next = 10
    message = send(to=people.employee)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "451" in message.last_error
    assert smtp.messages == []


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


def test_a_claimed_message_is_not_sent_by_a_second_worker(
    people, django_capture_on_commit_callbacks
):
    message = OutboundEmail.objects.create(
        kind="test_hello", to=people.employee, to_email=people.employee.email
    )
    assert outbox.claim(message.pk) is not None
    OutboundEmail.objects.filter(pk=message.pk).update(status="sent")
    assert outbox.claim(message.pk) is None
