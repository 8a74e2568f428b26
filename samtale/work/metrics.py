"""The task queue's metrics at /metrics (core.metrics): asked of the tenant's task table when
Prometheus scrapes."""

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from samtale.core.metrics import metrics_collector


@metrics_collector("tasks")
def tasks_metrics() -> list[Metric]:
    """The tasks waiting for the worker, by queue, and how long the oldest has waited
    (from when it was enqueued, or from when it was due if it was put off)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    never = get_date_max()
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(
            n=Count("pk"),
            enqueued=Min("enqueued_at", filter=Q(run_after=never)),
            due=Min("run_after", filter=~Q(run_after=never)),
        )
    )
    depth = GaugeMetricFamily(
        "samtale_tasks_waiting", "Tasks due and waiting for the worker, by queue.", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "samtale_tasks_oldest_waiting_seconds",
        "How long the task that has waited longest has waited, by queue (0: none waits).",
        labels=["queue"],
    )
    # Every configured queue, 0 when none waits, so that an alert has a series to watch.
    waiting = dict.fromkeys(settings.TASKS["default"].get("QUEUES", ["default"]), (0, 0.0))
    for row in rows:
        since = min(t for t in (row["enqueued"], row["due"]) if t is not None)
        waiting[row["queue_name"]] = (row["n"], max((now - since).total_seconds(), 0.0))
    for queue, (n, age) in waiting.items():
        depth.add_metric([queue], n)
        oldest.add_metric([queue], age)
    return [depth, oldest]
