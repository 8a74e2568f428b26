"""The mail server found away: the installation's SMTP server (MAILERS["default"]) that did
not answer, or hung up before it took a message, is not asked again by this process for a
while, first FIRST_SECONDS, doubling at each time it is found away again up to LONGEST_SECONDS,
and asked at once again once it has taken a message. Meanwhile a message's task does not
wait for a connection that will time out: the message is put back in the outbox for when the
server is asked again (outbox.deferred), and the outbox's sweep hands it on then. So a server
that is away costs each worker one attempt per period, not one per message, and the mail
queue drains at once instead of piling up behind timeouts.

A message the server refuses (an address, a size) says nothing of the server: it is retried
on its own schedule (outbox.message_refused), and the server is not counted as away."""

from __future__ import annotations

import smtplib
import threading
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

FIRST_SECONDS = 15
LONGEST_SECONDS = 600

# What says the server itself is away, not that it refused this message (every SMTP error
# is an OSError too: only these of them).
SERVER_AWAY = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
)


def says_away(error: BaseException) -> bool:
    """Whether `error` says the server is away (refused, unreachable, timed out, a name that
    does not resolve, hung up), not that it refused the message."""
    if isinstance(error, smtplib.SMTPException):
        return isinstance(error, SERVER_AWAY)
    return isinstance(error, OSError)


_lock = threading.Lock()
# By server ("host:port"): until when it is not asked, and how many times in a row it was away.
_until: dict[str, datetime] = {}
_times: dict[str, int] = {}


def server_of(connection: Any) -> str:
    return f"{getattr(connection, 'host', '')}:{getattr(connection, 'port', '')}"


def asked_again_at(server: str) -> datetime | None:
    """When the server is asked again, if it was found away and that is still to come."""
    with _lock:
        until = _until.get(server)
    return until if until is not None and until > timezone.now() else None


def found_away(server: str) -> datetime:
    """The server did not answer: not asked again until the returned moment."""
    with _lock:
        times = _times.get(server, 0) + 1
        _times[server] = times
        wait = min(FIRST_SECONDS * 2 ** (times - 1), LONGEST_SECONDS)
        _until[server] = timezone.now() + timedelta(seconds=wait)
        return _until[server]


def answered(server: str) -> None:
    """The server took a message: asked at once from now on."""
    with _lock:
        _until.pop(server, None)
        _times.pop(server, None)


def forget() -> None:
    """Every server asked at once again (the tests, between one and the next)."""
    with _lock:
        _until.clear()
        _times.clear()
