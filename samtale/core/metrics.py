"""Metrics for Prometheus at /metrics, in its text format (docs/running/production.md,
"Metrics").

Two kinds. What happens in a web process (requests by view and status, their time, their
database queries; autosaves) is counted in that process with prometheus_client. Several
gunicorn workers each count their own share, so with PROMETHEUS_MULTIPROC_DIR set (a
folder the workers share, emptied before they start) each writes its counts there and a
scrape adds up all of them; without it, a scrape sees only the process that answers.

What the installation holds (the task queue (work.metrics), the outbox, the archive's deliveries, the
sign-in failures, the heartbeats) is asked of the database when Prometheus scrapes: the
same answer whichever process is asked, and nothing to lose when one restarts. Core's own
collectors are below; a domain registers its own with `@metrics_collector` from its
AppConfig.ready(), for the platform imports no domain app.

Labels name views (the URL's name), statuses and kinds, never a path (it holds ids) nor
anything about a person.
"""

import ipaddress
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from samtale import tenancy
from samtale.core.http import client_ip
from samtale.core.models import ProcessBeat, SetAsideMessage

logger = logging.getLogger(__name__)

# Requests, counted by the middleware below.
REQUESTS = Counter(
    "samtale_http_requests", "Requests answered, by view (URL name) and status.", ["view", "status"]
)
REQUEST_SECONDS = Histogram(
    "samtale_http_request_duration_seconds",
    "Time until the answer was ready, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_QUERIES = Histogram(
    "samtale_http_request_queries",
    "Database queries per request, by view: a page whose count grows with the data shows here.",
    ["view"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)

# name → a function of no arguments that returns metric families (prometheus_client.core's
# GaugeMetricFamily, CounterMetricFamily), asked at every scrape: in each tenant, or (the
# installation's: heartbeats, the tenants' health) once, from the control database.
Collect = Callable[[], Iterable[Metric]]
COLLECTORS: dict[str, Collect] = {}
INSTALLATION_COLLECTORS: dict[str, Collect] = {}


def metrics_collector(name: str, *, per_tenant: bool = True) -> Callable[[Collect], Collect]:
    """Register a scrape-time collector: a function of no arguments that returns metric
    families computed from the database, asked in each tenant (per_tenant) or once for the
    installation. Keep it to a query or two: Prometheus asks every 15 to 60 seconds."""

    def register(collect: Callable[[], Iterable[Metric]]) -> Callable[[], Iterable[Metric]]:
        (COLLECTORS if per_tenant else INSTALLATION_COLLECTORS)[name] = collect
        return collect

    return register


class _Registered:
    """The registered collectors as one prometheus_client collector. A collector that fails
    is left out of that scrape (its reason in the log) and says so in samtale_collector_up,
    never a 500 that would blind every other metric."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "samtale_collector_up",
            "1 when the collector answered this scrape.",
            labels=["collector"],
        )
        tenants = tenancy.every_tenant()
        for name, collect in [*COLLECTORS.items(), *INSTALLATION_COLLECTORS.items()]:
            try:
                if name in INSTALLATION_COLLECTORS:
                    families = list(collect())
                else:
                    families = self.in_every_tenant(collect, tenants)
            except Exception:  # noqa: BLE001 - one broken collector must not hide the rest
                logger.warning("The metrics collector %r failed.", name, exc_info=True)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up

    @staticmethod
    def in_every_tenant(collect: Any, tenants: Any) -> list[Any]:
        """Each tenant's series, in it, with its `tenant` label (its slug), the home
        tenant's as any other's. One tenant whose database is away is
        left out (its health says so), not every tenant's series."""
        families: list[Any] = []
        for tenant in tenants:
            try:
                with tenancy.activated(tenant):
                    theirs = list(collect())
            except DatabaseError:
                # One tenant's database away hides no other's series; a collector that
                # fails in itself fails whole (samtale_collector_up 0), as it always has.
                logger.warning("Metrics: tenant %s's database is not answering.", tenant.slug)
                continue
            _labelled(families, theirs, tenant.slug)
        return families


def _labelled(families: list[Any], theirs: Iterable[Metric], slug: str) -> None:
    """A tenant's series, each with its `tenant` label, put beside the other tenants' of
    the same name."""
    by_name = {family.name: family for family in families}
    for family in theirs:
        samples = [s._replace(labels={**s.labels, "tenant": slug}) for s in family.samples]
        if family.name in by_name:
            by_name[family.name].samples += samples
        else:
            family.samples = samples
            families.append(family)
            by_name[family.name] = family


class _ThisProcess:
    """This process's own counts (prometheus_client's default registry)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def multiprocess_mode() -> bool:
    # prometheus_client chose where counts live when it was imported, from the environment.
    return values.ValueClass is not values.MutexValue


def exposition() -> bytes:
    """The metrics in Prometheus's text format: the web processes' counts, then the
    registered collectors'."""
    registry = CollectorRegistry()
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(_Registered())
    return generate_latest(registry)


def metrics_response() -> HttpResponse:
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response


def may_scrape(request: HttpRequest) -> bool:
    """Whether this request may read the metrics: it carries `Authorization: Bearer
    <SAMTALE_METRICS_TOKEN>`, or comes from an address in SAMTALE_METRICS_NETWORKS (past the
    trusted proxies). Neither set: no one."""
    token = settings.SAMTALE_METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and constant_time_compare(given.strip(), token):
            return True
    networks = settings.SAMTALE_METRICS_NETWORKS
    if networks:
        client = client_ip(request)
        if client:
            address = ipaddress.ip_address(client)
            return any(address in network for network in networks)
    return False


@cache
def _metrics_path(prefix: str) -> str:
    return reverse("metrics")


class _QueryCount:
    __slots__ = ("queries",)

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    """Counts each request by view and status, and its time and database queries by view
    (a wrapper around the connection's execute: no query log, no DEBUG).

    Answers /metrics itself to a scraper it lets in, so that Prometheus may ask by the
    process's address (Host: 10.0.3.7:8000, which ALLOWED_HOSTS refuses) and without a
    session, like the health checks; the scrapes are not counted. Anyone else passes on
    to the view, which answers 404 as for any page that does not exist. Placed after the
    health checks, which are not counted either: a load balancer asks every few seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.path == _metrics_path(get_script_prefix())
            and request.method in ("GET", "HEAD")
            and may_scrape(request)
        ):
            return metrics_response()
        count = _QueryCount()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = request.resolver_match
        view = (match.view_name or "unnamed") if match else "unmatched"
        REQUESTS.labels(view, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(view).observe(seconds)
        REQUEST_QUERIES.labels(view).observe(count.queries)
        return response


# Core's own collectors.


@metrics_collector("heartbeats", per_tenant=False)
def heartbeat_metrics() -> list[Metric]:
    """Per kind of process (web, worker, scheduler): seconds since one last beat, and how
    many beat within SAMTALE_HEARTBEAT_LIMIT_SECONDS."""
    now = timezone.now()
    since = now - timedelta(seconds=settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS)
    rows = (
        ProcessBeat.objects.order_by()
        .values("process")
        .annotate(last=Max("beat_at"), alive=Count("pk", filter=Q(beat_at__gte=since)))
    )
    age = GaugeMetricFamily(
        "samtale_heartbeat_age_seconds",
        "Seconds since a process of this kind last wrote its heartbeat.",
        labels=["process"],
    )
    alive = GaugeMetricFamily(
        "samtale_heartbeat_processes",
        "Processes of this kind that beat within SAMTALE_HEARTBEAT_LIMIT_SECONDS.",
        labels=["process"],
    )
    for row in rows:
        age.add_metric([row["process"]], max((now - row["last"]).total_seconds(), 0))
        alive.add_metric([row["process"]], row["alive"])
    return [age, alive]


@metrics_collector("set_aside")
def set_aside_metrics() -> list[Metric]:
    """Messages from outside set aside (core.setaside), by source and reason: each counted
    every time it came, so a rate shows a sender that keeps trying."""
    family = GaugeMetricFamily(
        "samtale_set_aside_messages",
        "Messages from outside set aside (not taken, never read again), by source and reason.",
        labels=["source", "reason"],
    )
    # The two sources always, 0 where none, so that an alert has a series to watch.
    for source in ("fiks", "calendar_mail"):
        family.add_metric([source, ""], 0)
    rows = SetAsideMessage.objects.order_by().values("source", "reason").annotate(n=Sum("times"))
    for row in rows:
        family.add_metric([row["source"], row["reason"]], row["n"])
    return [family]


@metrics_collector("tenant_health", per_tenant=False)
def tenant_health_metrics() -> list[Metric]:
    """Each tenant's health as last checked inside it (core.health): 1 per check that is OK,
    0 per one that is not, and how long ago it was checked; by the tenant's short name."""
    from samtale.core.health import OK, tenants_health

    now = timezone.now()
    check = GaugeMetricFamily(
        "samtale_tenant_check_ok",
        "1 when the tenant's check answered ok when last asked, 0 when not.",
        labels=["tenant", "check"],
    )
    age = GaugeMetricFamily(
        "samtale_tenant_health_age_seconds",
        "Seconds since the tenant's health was last checked (by the scheduler, every minute).",
        labels=["tenant"],
    )
    for slug, record in sorted(tenants_health().items()):
        for name, answer in record.checks.items():
            check.add_metric([slug, name], 1 if answer == OK else 0)
        age.add_metric([slug], max((now - record.checked_at).total_seconds(), 0))
    return [check, age]
