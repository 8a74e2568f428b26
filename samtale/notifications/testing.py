"""A real SMTP server on loopback for tests (aiosmtpd), and settings that send to it."""

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from icalendar import Calendar


class Inbox:
    """Collects what the server receives; `fail_next` makes it refuse that many messages."""

    def __init__(self):
        self.messages = []
        self.fail_next = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.fail_next:
            self.fail_next -= 1
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


def calendar_of(message):
    """(METHOD parameter of the part, the parsed calendar, its one event) of a received
    message's calendar file."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invitasjon.ics"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.events
    return part.get_param("method"), calendar, event


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    """Yield (inbox, MAILERS setting) for a server listening on 127.0.0.1."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailers = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        }
        yield inbox, mailers
    finally:
        controller.stop()
