"""Queue e-mails through the task queue, send them with retries, record each one.

An app registers a builder per kind of message with `@builder("kind")`. A builder
receives the recorded message and returns what to render (or None: no longer
relevant, skip it). Rendering happens in the worker, in the recipient's language.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from samtale.notifications.models import OutboundEmail

MAX_ATTEMPTS = 5
# Minutes to wait before attempt 2, 3, 4 and 5 after an SMTP failure.
RETRY_MINUTES = (1, 5, 30, 120)


@dataclass
class Built:
    template: str  # "<app>/email/<name>": _subject.txt, _body.txt and _body.html
    context: dict
    # (filename, content, mimetype); a text/calendar part is sent as an invitation.
    attachments: list[tuple[str, str | bytes, str]] = field(default_factory=list)


BUILDERS: dict[str, Callable[[OutboundEmail], Built | None]] = {}


def builder(kind: str):
    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def email_queue(
    *,
    to,
    kind: str,
    ref: dict | None = None,
    dedupe_key: str | None = None,
    address: str | None = None,
):
    """Record a message to `to` (a Person) and send it from the worker after commit.

    It goes to the address recorded here: the person's address now, or `address` (the old
    one, told of a change). Returns None, sending nothing, when `dedupe_key` was claimed
    before: the same reminder never goes out twice.
    """
    if kind not in BUILDERS:
        raise ValueError(f"no e-mail builder for {kind!r}")
    try:
        with transaction.atomic():
            message = OutboundEmail.objects.create(
                kind=kind,
                to=to,
                to_email=address or to.email,
                ref=ref or {},
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    from samtale.notifications.tasks import email_send

    transaction.on_commit(lambda: email_send.enqueue(message.pk))
    return message


def claim(message_id: int) -> OutboundEmail | None:
    """Take a queued message for one attempt; None if another worker has it or it is done."""
    message = OutboundEmail.objects.filter(
        pk=message_id, status=OutboundEmail.Status.QUEUED
    ).first()
    if message is None:
        return None
    taken = OutboundEmail.objects.filter(
        pk=message.pk, status=OutboundEmail.Status.QUEUED, attempts=message.attempts
    ).update(attempts=F("attempts") + 1)
    if not taken:
        return None
    message.attempts += 1
    return message


def retry_at(attempts: int):
    """When to try again after `attempts` failed attempts, or None to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return timezone.now() + timedelta(minutes=RETRY_MINUTES[attempts - 1])
