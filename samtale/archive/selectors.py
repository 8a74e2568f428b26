"""Reads of the deliveries to the archive: how many are where (for /metrics and the e-mail
that tells of deliveries that keep failing)."""

from django.conf import settings
from django.db.models import Count, QuerySet

from samtale.archive.models import Delivery


def deliveries_at_alert_limit() -> QuerySet[Delivery]:
    """Failed deliveries tried SAMTALE_ARCHIVE_ALERT_AFTER times or more: the ones the
    archive staff and the administrators are told of."""
    return Delivery.objects.filter(
        status=Delivery.Status.FAILED, attempts__gte=settings.SAMTALE_ARCHIVE_ALERT_AFTER
    )


def delivery_counts() -> dict[str, int]:
    """The number of deliveries in each status (every status, 0 where there are none), and
    `at_alert_limit`: the failed ones among them tried SAMTALE_ARCHIVE_ALERT_AFTER times or more."""
    counts = {status: 0 for status in Delivery.Status.values}
    for row in Delivery.objects.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["at_alert_limit"] = deliveries_at_alert_limit().count()
    return counts
