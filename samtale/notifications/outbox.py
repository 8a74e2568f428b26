"""Queue e-mails through the task queue, send them with retries, record each one.

An app registers a builder per kind of message with `@builder("kind")`. A builder
receives the recorded message and returns what to render (or None: no longer
relevant, skip it). Rendering happens in the worker, in the recipient's language.

Nothing is lost when a worker dies, and nothing is sent twice but in one short window:

- A worker claims a message with a conditional UPDATE that counts the attempt and gives it
  a lease (`OUTBOX_LEASE_SECONDS`): no other worker takes it while the lease runs.
- It sends over its own SMTP connection and, as soon as the server has accepted the
  message, marks it sent in one transaction (`sent`), before it says goodbye to the server.
- A worker killed before that leaves the message queued with a lease that runs out; the
  sweep (`stranded`, run by the scheduler every `OUTBOX_SWEEP_SECONDS`) hands it to a worker
  again. So does it a message whose retry is due after the server refused it, and one not
  attempted a lease's time after it was due: its task was lost (the web process died between
  the commit and the enqueue, or a worker died after taking the task and before claiming
  the message: django-tasks-db never gives a dead worker's task to another). A task that is
  only slow in a long queue gets a second one, which finds the message taken and does
  nothing.
- The window: a worker killed after the server's acceptance and before that transaction
  commits (one UPDATE, milliseconds) leaves a message the server has that is still queued;
  it is sent again once its lease runs out. Both copies carry the message's one
  Message-ID, so mail systems that drop duplicates show it once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from samtale import tenancy
from samtale.core import handoff
from samtale.notifications.models import OutboundEmail

# SMTP refusals before a message is given up as failed.
# The worker's task that renders and sends one message (notifications.tasks).
SEND = "notifications.email_send"
MAX_ATTEMPTS = 5
# Minutes to wait before attempt 2, 3, 4 and 5 after an SMTP failure.
RETRY_MINUTES = (1, 5, 30, 120)
# Claims of any kind (a worker that died with it counts too) before it is given up: a
# message that brings its worker down every time must not do so for ever.
MAX_CLAIMS = 25


@dataclass
class Built:
    template: str  # "<app>/email/<name>": _subject.txt, _body.txt and _body.html
    context: dict
    # A calendar (notifications.ics): the message is sent as a meeting request with it
    # (notifications.mail.InvitationEmail), From the calendar's organizer.
    calendar: bytes | None = None


BUILDERS: dict[str, Callable[[OutboundEmail], Built | None]] = {}
# Kinds that go to a person who has left as well (the worker skips every other kind for
# them): what they asked for themselves, to the address they gave.
TO_LEAVERS: set[str] = set()


def builder(kind: str, *, to_leavers: bool = False):
    def register(function):
        BUILDERS[kind] = function
        if to_leavers:
            TO_LEAVERS.add(kind)
        return function

    return register


def new_message_id() -> str:
    """A Message-ID in the sender's domain, made once per message."""
    domain = (
        parseaddr(tenancy.tenant_settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    )
    return make_msgid("samtale", domain=domain)


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
                message_id=new_message_id(),
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    handoff.after_commit(SEND, message.pk)
    return message


def claim(message_id: int) -> OutboundEmail | None:
    """Take a queued, due message for one attempt under a lease; None if another worker
    holds it, it is not due, or it is done."""
    now = timezone.now()
    claimable = Q(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    message = OutboundEmail.objects.filter(claimable, pk=message_id).first()
    if message is None:
        return None
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    # attempts= makes the UPDATE conditional: of two workers only one changes the row.
    taken = OutboundEmail.objects.filter(
        claimable, pk=message.pk, attempts=message.attempts
    ).update(attempts=F("attempts") + 1, lease_until=lease)
    if not taken:
        return None
    message.attempts += 1
    message.lease_until = lease
    if message.attempts > MAX_CLAIMS:
        message_failed(message, "Given up: the worker stopped while sending it every time.")
        return None
    return message


def message_sent(message: OutboundEmail, subject: str) -> None:
    """The SMTP server has accepted it: record that in one transaction, at once."""
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=message.pk).update(
            status=OutboundEmail.Status.SENT,
            sent_at=timezone.now(),
            subject=subject[:300],
            lease_until=None,
            last_error="",
        )


def message_skipped(message: OutboundEmail) -> None:
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.SKIPPED, lease_until=None
    )


def message_failed(message: OutboundEmail, error: str) -> None:
    """It cannot be sent (it cannot be rendered, or it was tried too often): give it up."""
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.FAILED, lease_until=None, last_error=error[:1000]
    )


def message_refused(message: OutboundEmail, error: str) -> bool:
    """The SMTP server refused it or could not be reached: queue it for a later attempt, or
    give it up after MAX_ATTEMPTS refusals. True if it will be tried again."""
    failures = message.failures + 1
    again = retry_at(failures)
    OutboundEmail.objects.filter(pk=message.pk).update(
        failures=failures,
        last_error=error[:1000],
        lease_until=None,
        next_attempt_at=again,
        status=OutboundEmail.Status.QUEUED if again else OutboundEmail.Status.FAILED,
    )
    return again is not None


# What a message put back while the mail server was away says (notifications.away): the
# sweep hands it on as soon as it is due again, as it does a retry.
DEFERRED = "Deferred: the mail server was away"


def deferred(message_id: int, until, error: str) -> None:
    """Not tried now, the mail server being away: queued again for `until`, no attempt and
    no failure counted (it was never sent to a server)."""
    OutboundEmail.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=timezone.now()),
        pk=message_id,
        status=OutboundEmail.Status.QUEUED,
    ).update(next_attempt_at=until, last_error=f"{DEFERRED}: {error}"[:1000])


def retry_at(failures: int):
    """When to try again after `failures` refusals, or None to give up."""
    if failures >= MAX_ATTEMPTS:
        return None
    return timezone.now() + timedelta(minutes=RETRY_MINUTES[failures - 1])


def stranded(now=None) -> list[int]:
    """Queued messages due and held by no worker that no task will take: a retry that is
    due, one whose worker died (its lease ran out), or one not attempted a lease's time
    after it was due (its task was lost). The last are counted due from now again, so a
    long queue gets one more task per message per lease, not one per sweep."""
    now = now or timezone.now()
    lost_before = now - timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = OutboundEmail.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=OutboundEmail.Status.QUEUED,
        next_attempt_at__lte=now,
    )
    found = list(
        due.filter(
            Q(attempts__gt=0)
            | Q(next_attempt_at__lte=lost_before)
            | Q(last_error__startswith=DEFERRED)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:1000]
    )
    due.filter(pk__in=found, attempts=0).update(next_attempt_at=now)
    return found
