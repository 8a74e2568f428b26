"""Deliveries that keep failing are told to the people who can act on them.

A failed delivery is tried again for ever (archive.services.RETRY_MINUTES, then every 6
hours) and shown at /arkiv/, which only the archive staff open. Once one has failed
SAMTALE_ARCHIVE_ALERT_AFTER times, the archive staff and the administrators (who run the
drop folder or the connection) are told by e-mail: the counts and a link, no one's content.
"""

from django.db.models import Q

from samtale.archive import selectors
from samtale.archive.models import Delivery
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person

KIND = "archive_deliveries_failing"


def delivery_failing_tell(*, delivery: Delivery) -> None:
    """Tell the archive staff and the administrators, once, that `delivery` keeps failing.

    Only when no other delivery had already failed as often: a folder that goes away fails
    every form, and one e-mail tells of them all (its counts are taken when it is sent),
    not one per form. The dedupe key makes it once per delivery and person, however often
    it is asked (each later failure asks again)."""
    failing = selectors.deliveries_at_alert_limit()
    if not failing.filter(pk=delivery.pk).exists() or failing.exclude(pk=delivery.pk).exists():
        return
    recipients = Person.objects.filter(Q(is_archivist=True) | Q(is_org_admin=True), is_active=True)
    for person in recipients:
        email_queue(
            to=person,
            kind=KIND,
            ref={"delivery": delivery.pk},
            dedupe_key=f"archive_failing:{delivery.pk}:{person.pk}",
        )
