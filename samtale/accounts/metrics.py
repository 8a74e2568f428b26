"""Sign-in failures in /metrics (core.metrics), counted in the audit log at each scrape."""

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily

from samtale.core.metrics import metrics_collector
from samtale.core.models import AuditEntry


@metrics_collector("sign_in")
def sign_in_metrics():
    """Failed sign-ins with a password ever (the audit log's login.failed, written by
    accounts.audit; the log keeps every entry, so the count only grows), and those turned
    away before the password was checked (login.refused)."""
    failed = CounterMetricFamily(
        "samtale_sign_in_failures",
        "Sign-ins refused: a wrong password or unknown address (failed), or an address made "
        "to wait or stopped (refused).",
        labels=["reason"],
    )
    actions = {"login.failed": "failed", "login.refused": "refused"}
    counts = dict.fromkeys(actions, 0)
    # Both from the index on action (core.models.AuditEntry), in one query.
    rows = AuditEntry.objects.filter(action__in=actions).order_by().values("action")
    for row in rows.annotate(n=Count("pk")):
        counts[row["action"]] = row["n"]
    for action, reason in actions.items():
        failed.add_metric([reason], counts[action])
    return [failed]
