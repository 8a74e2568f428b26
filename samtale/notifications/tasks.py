import logging
import smtplib

from django.tasks import task
from django.tasks.base import Task
from django.utils import timezone

from samtale.notifications.mail import send_templated
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import BUILDERS, claim, retry_at

logger = logging.getLogger(__name__)


@task
def email_send(message_id: int) -> None:
    """Render and send one recorded message; on an SMTP failure, try again later."""
    message = claim(message_id)
    if message is None:
        return
    person = message.to
    built = BUILDERS[message.kind](message) if person is not None and person.is_active else None
    if built is None:
        OutboundEmail.objects.filter(pk=message.pk).update(status=OutboundEmail.Status.SKIPPED)
        return
    try:
        subject = send_templated(
            to=person,
            address=message.to_email,
            template=built.template,
            context=built.context,
            attachments=built.attachments,
        )
    except (smtplib.SMTPException, OSError) as error:
        again = retry_at(message.attempts)
        logger.warning("e-mail %s attempt %s failed: %s", message.pk, message.attempts, error)
        OutboundEmail.objects.filter(pk=message.pk).update(
            last_error=str(error)[:1000],
            status=OutboundEmail.Status.QUEUED if again else OutboundEmail.Status.FAILED,
        )
        if again is not None:
            _later(email_send, again).enqueue(message.pk)
        return
    OutboundEmail.objects.filter(pk=message.pk).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        subject=subject[:300],
        last_error="",
    )


def _later(task_: Task, when) -> Task:
    # The database backend runs a task after `when`; a backend that cannot defer runs it now.
    return task_.using(run_after=when) if task_.get_backend().supports_defer else task_
