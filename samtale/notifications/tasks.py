import contextlib
import imaplib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.tasks import task

from samtale.core import handoff
from samtale.notifications import away, inbox, outbox
from samtale.notifications.mail import mailer, render_templated
from samtale.tenancy import tenant_settings
from samtale.work.schedule import periodic

logger = logging.getLogger(__name__)


@handoff.receives(outbox.SEND)
@task
def email_send(message_id: int) -> None:
    """Render and send one recorded message under its lease (see notifications.outbox); on
    an SMTP failure it is queued for a later attempt, and one that cannot be made or sent
    is given up with its reason (never lost with its message claimed)."""
    server = away.server_of(mailer())
    if (until := away.asked_again_at(server)) is not None:
        # Not a connection that would time out: the message waits for the server's return.
        outbox.deferred(message_id, until, f"not asked again before {until:%H:%M:%S}")
        return
    message = outbox.claim(message_id)
    if message is None:
        return
    person = message.to
    try:
        built = (
            outbox.BUILDERS[message.kind](message)
            if person is not None and (person.is_active or message.kind in outbox.TO_LEAVERS)
            else None
        )
        email = (
            render_templated(
                to=person,
                address=message.to_email,
                template=built.template,
                context=built.context,
                calendar=built.calendar,
                message_id=message.message_id,
            )
            if built is not None
            else None
        )
    except Exception as error:
        # Sending it again would fail the same way: give it up, and say why in the log.
        logger.exception("e-mail %s could not be made", message.pk)
        outbox.message_failed(message, f"Could not be made: {error!r}")
        return
    if email is None:
        outbox.message_skipped(message)
        return
    _deliver(message, email)


def _deliver(message, email) -> None:
    """Hand the made message to the SMTP server, and record what came of it: sent, refused
    (queued for a later attempt), or given up with its reason."""
    connection = mailer()
    try:
        connection.open()
        connection.send_messages([email])
    except (smtplib.SMTPException, OSError) as error:
        connection.close()
        if away.says_away(error):
            until = away.found_away(away.server_of(connection))
            logger.warning(
                "The mail server is away (%s): not asked again before %s.",
                error,
                f"{until:%H:%M:%S}",
            )
        again = outbox.message_refused(message, str(error))
        logger.warning(
            "e-mail %s attempt %s failed%s: %s",
            message.pk,
            message.attempts,
            "" if again else ", given up",
            error,
        )
        return
    except Exception as error:
        # What no later attempt would send either (an address the mail library refuses,
        # a sender that is none): given up, and kept with its reason, where the tenant's
        # health and the outbox show it; never a task that dies with its message claimed.
        with contextlib.suppress(Exception):
            connection.close()
        logger.exception("e-mail %s cannot be sent", message.pk)
        outbox.message_failed(message, f"Cannot be sent: {error!r}")
        return
    # The server has it: recorded before the goodbye, so the window for a second copy is
    # this one UPDATE.
    outbox.message_sent(message, email.subject)
    away.answered(away.server_of(connection))
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


@periodic(every=timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS), quiet=True)
@task
def outbox_sweep() -> int:
    """Hand every stranded message (a due retry, a dead worker's, a lost task's) to a
    worker again. Returns how many."""
    found = outbox.stranded()
    for pk in found:
        email_send.enqueue(pk)
    if found:
        logger.info("outbox: %s messages handed to a worker again", len(found))
    return len(found)


@periodic(every=timedelta(minutes=1), quiet=True)
@task
def calendar_mailbox_read() -> int:
    """Read what came to the calendar address's IMAP mailbox since the last run: the
    answers to invitations (notifications.inbox). Nothing unless SAMTALE_CALENDAR_IMAP_URL
    is set. Returns how many messages were read."""
    if not tenant_settings.SAMTALE_CALENDAR_IMAP_URL:
        return 0
    mailbox = inbox.ImapMailbox(tenant_settings.SAMTALE_CALENDAR_IMAP_URL)
    try:
        read = mailbox.read_new(inbox.receive)
    except (OSError, imaplib.IMAP4.error) as error:
        # Unreachable or refused: said once a run, tried again at the next, and shown in the
        # tenant's health while it lasts (notifications.health).
        logger.warning("calendar mailbox %s could not be read: %s", mailbox.name, error)
        inbox.mailbox_unreadable(mailbox.name)
        return 0
    inbox.mailbox_read(mailbox.name)
    return read
