"""A mail server that is away is backed off from, not piled on (issue 74, point 5;
notifications.away): a server on loopback that takes each connection and hangs up at once,
counting them. Thirty messages queued while it is so: one connection, the first message
counted as refused once, the others put back without a failure; no message lost or given up;
another municipality's message waits as well, and asks nothing of the server. Once it is
back, the outbox's sweep sends every one, each municipality's with its own sender."""

import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from samtale.notifications import away, outbox
from samtale.notifications.models import OutboundEmail
from samtale.notifications.tasks import outbox_sweep
from samtale.notifications.tests import test_outbox  # its message builder, and its fixture
from samtale.operators.tests import conftest as tenants_tests
from samtale.org.models import Person
from testkit.mail import smtp_server

send = test_outbox.send
nordvik = tenants_tests.nordvik
in_nordvik = tenants_tests.in_nordvik

MESSAGES = 30


class HangsUp:
    """A TCP server on loopback that accepts each connection and closes it at once."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted += 1
            connection.close()

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


@pytest.fixture
def hangs_up(settings):
    server = HangsUp()
    away.forget()
    settings.MAILERS = server.mailers()
    yield server
    server.socket.close()
    away.forget()


def _queued(to: Person, n: int, capture) -> None:
    for i in range(n):
        with capture(execute=True):
            outbox.email_queue(kind="test_hello", to=to, dedupe_key=f"away:{to.pk}:{i}")


def test_a_server_that_is_away_is_asked_once_and_no_message_is_lost(
    hangs_up, people, in_nordvik, settings, django_capture_on_commit_callbacks
):
    _queued(people.employee, MESSAGES, django_capture_on_commit_callbacks)
    with in_nordvik():
        theirs = Person.objects.create_user(
            email="kari@nordvik.example", first_name="Kari", last_name="Nord"
        )
        _queued(theirs, 1, django_capture_on_commit_callbacks)
        assert OutboundEmail.objects.get().attempts == 0  # waits, and asked nothing
    print(f"\n{MESSAGES + 1} messages queued, the server asked {hangs_up.accepted} times")
    assert hangs_up.accepted == 1
    messages = OutboundEmail.objects.order_by("pk")
    assert [m.status for m in messages] == ["queued"] * MESSAGES
    assert [m.failures for m in messages] == [1] + [0] * (MESSAGES - 1)
    assert all(m.next_attempt_at > timezone.now() for m in messages)
    assert all(m.last_error.startswith(outbox.DEFERRED) for m in messages[1:])

    # Still away at the next sweep after the first wait: asked once more, not thirty times.
    with time_machine.travel(timezone.now() + timedelta(minutes=1.1), tick=False):
        outbox_sweep.call()
    assert hangs_up.accepted == 2

    # Back: everything is sent by the sweeps, each municipality's with its own sender.
    with smtp_server() as (inbox, mailers):
        settings.MAILERS = mailers
        away.forget()  # a process started meanwhile, or the wait over
        later = timezone.now() + timedelta(minutes=6)
        with time_machine.travel(later, tick=False):
            outbox_sweep.call()
            with in_nordvik():
                outbox_sweep.call()
        assert len(inbox.to(people.employee.email)) == MESSAGES
        [nordviks] = inbox.to("kari@nordvik.example")
    assert "nordvik" in nordviks["From"].lower()
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_message_the_server_refuses_says_nothing_of_the_server(smtp, people, send):
    smtp.fail_next = 1
    send(to=people.employee)
    send(to=people.other_employee)
    assert len(smtp.to(people.other_employee.email)) == 1  # asked at once, not backed off
