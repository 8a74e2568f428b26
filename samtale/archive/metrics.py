"""The archive's deliveries in /metrics (core.metrics), asked of the database at each scrape."""

from prometheus_client.core import GaugeMetricFamily

from samtale.archive.selectors import delivery_counts
from samtale.core.metrics import metrics_collector


@metrics_collector("archive")
def archive_metrics():
    """Deliveries of signed forms to the archive by state, and the failed ones tried
    SAMTALE_ARCHIVE_ALERT_AFTER times or more."""
    counts = delivery_counts()
    at_alert_limit = counts.pop("at_alert_limit")
    deliveries = GaugeMetricFamily(
        "samtale_archive_deliveries", "Deliveries to the archive, by state.", labels=["state"]
    )
    for state, n in sorted(counts.items()):
        deliveries.add_metric([state], n)
    stuck = GaugeMetricFamily(
        "samtale_archive_deliveries_at_alert_limit",
        "Failed deliveries tried SAMTALE_ARCHIVE_ALERT_AFTER times or more.",
        value=at_alert_limit,
    )
    return [deliveries, stuck]
