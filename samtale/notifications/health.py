"""A tenant's outgoing and incoming mail in its health (core.health): e-mails the SMTP server
keeps refusing or that were given up, and a calendar mailbox that cannot be read. Shown on the
operators' page and in /metrics under the tenant's name; never a reason to take the
installation off the load balancer."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from samtale.core.health import OK, tenant_check
from samtale.notifications.models import MailboxMark, OutboundEmail
from samtale.tenancy import tenant_settings

# A message refused this many times and still waiting, or given up within GIVEN_UP_WITHIN.
REFUSED_TIMES = 2
GIVEN_UP_WITHIN = timedelta(days=1)
# A calendar mailbox read every minute that could not be read for this long.
UNREADABLE_FOR = timedelta(minutes=15)


@tenant_check("mail")
def mail_check() -> str:
    """Failing: the SMTP server has refused a message REFUSED_TIMES times and it still
    waits, or one was given up within a day (the administrator's outbox lists them)."""
    since = timezone.now() - GIVEN_UP_WITHIN
    failing = OutboundEmail.objects.filter(
        Q(status=OutboundEmail.Status.QUEUED, failures__gte=REFUSED_TIMES)
        | Q(status=OutboundEmail.Status.FAILED, created_at__gte=since)
    )
    return "failing" if failing.exists() else OK


@tenant_check("mailbox")
def mailbox_check() -> str:
    """Unreadable: the calendar address's IMAP mailbox (SAMTALE_CALENDAR_IMAP_URL) has not
    been read for UNREADABLE_FOR: its people's answers to invitations wait there."""
    if not tenant_settings.SAMTALE_CALENDAR_IMAP_URL:
        return OK
    since = timezone.now() - UNREADABLE_FOR
    stuck = MailboxMark.objects.filter(unreadable_since__lt=since)
    return "unreadable" if stuck.exists() else OK
