"""The outbox in /metrics (core.metrics), asked of the database at each scrape."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from samtale.core.metrics import metrics_collector
from samtale.notifications.models import OutboundEmail


@metrics_collector("emails")
def email_metrics():
    """The outbox's e-mails by status (queued, sent, failed, skipped) and kind. The outbox
    keeps its rows, so sent ones only grow; a failed one that is sent again moves to sent."""
    emails = GaugeMetricFamily(
        "samtale_emails", "E-mails in the outbox, by status and kind.", labels=["status", "kind"]
    )
    # Every status, 0 where there are none, so that an alert on failures has a series.
    for status in OutboundEmail.Status.values:
        emails.add_metric([status, ""], 0)
    rows = OutboundEmail.objects.order_by().values("status", "kind").annotate(n=Count("pk"))
    for row in rows:
        emails.add_metric([row["status"], row["kind"]], row["n"])
    return [emails]
