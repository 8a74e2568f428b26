"""Benchmark: readiness and health with 20 municipalities, one of whose archive is stuck.

    .venv/bin/python bench/readiness.py        # make bench-readiness

An installation of its own, in var/bench-readiness/ (SQLite) or on PostgreSQL at BENCH_PG
(a database samtale_bench_readiness and its tenants' beside it), built afresh: the home
municipality and 19 registered ones, each with the demo's smaller organization
(`demo_data --organization nordvik`, whose one signed form's PDF could not be made), then
that delivery put right in every municipality but one, where it is made three hours old: a
delivery stuck past SAMTALE_READY_DELIVERY_MINUTES. It asks /health/ready at every municipality's host
name and the operators' host, ticks the scheduler once (each municipality's health, asked
inside it and kept in the control database), and reads the operators' page and /metrics.
The last line: `readiness: N hosts, N answered 200 (median M ms, Q queries); health: 1 of
20 not well (k07: archive: stuck)`.
"""

import os
import shutil
import statistics
import sys
import time
from datetime import timedelta

from common import PG_SERVER, ROOT, counted_into, env, manage

SLUGS = ["home"] + [f"k{n:02}" for n in range(1, 20)]
STUCK = "k07"
OPS = "drift.bench.localhost"
DOMAIN = "bench.localhost"


def host(slug: str) -> str:
    return f"{slug}.{DOMAIN}"


def database_url() -> str:
    if os.environ.get("BENCH_DB") != "sqlite":
        try:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as c:
                for (name,) in c.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'samtale_bench_readiness%'"
                ).fetchall():
                    c.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                for (name,) in c.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname LIKE 'samtale_bench_readiness%'"
                ).fetchall():
                    c.execute(f'DROP ROLE "{name}"')
                c.execute('CREATE DATABASE "samtale_bench_readiness"')
            return f"{PG_SERVER}/samtale_bench_readiness"
        except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
            print(f"PostgreSQL not reachable at {PG_SERVER} ({error}); SQLite")
    folder = ROOT / "var" / "bench-readiness"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return f"sqlite:///{folder / 'home.sqlite3'}"


def main() -> None:
    url = database_url()
    manage(url, "collectstatic", "--noinput", "-v0")
    print(f"benchmark: readiness and health, {len(SLUGS)} municipalities, {url.split(':')[0]}")
    os.environ.update(
        env(
            url,
            ALLOWED_HOSTS=f".{DOMAIN}",
            SITE_URL=f"http://{host('home')}",
            SAMTALE_HOSTS=host("home"),
            SAMTALE_TENANT="home",
            SAMTALE_OPERATOR_HOSTS=OPS,
            SAMTALE_READY_REQUIRES="none",
            SAMTALE_HEARTBEAT_SECONDS="0",
            SAMTALE_ORGANIZATION_NUMBER="315987652",
        )
    )
    import django

    django.setup()
    build()
    asked = readiness()
    not_well = health()
    statuses = [status for status, _ms, _queries in asked.values()]
    ok = statuses.count(200)
    median = statistics.median(ms for _status, ms, _queries in asked.values())
    queries = max(q for _status, _ms, q in asked.values())
    said = ", ".join(f"{slug}: {', '.join(failing)}" for slug, failing in sorted(not_well.items()))
    print(
        f"readiness: {len(asked)} hosts, {ok} answered 200 (median {median:.1f} ms, {queries} "
        f"queries); health: {len(not_well)} of {len(SLUGS)} not well ({said})"
    )
    if ok != len(asked) or set(not_well) != {STUCK}:
        sys.exit(1)


def build() -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from samtale import tenancy
    from samtale.operators import services

    started = time.perf_counter()
    call_command("tenants", "-v0", "migrate")
    for slug in SLUGS[1:]:
        services.tenant_create(
            slug=slug,
            name=f"Kommune {slug}",
            hosts=[host(slug)],
            url=f"http://{host(slug)}",
            config={"DEFAULT_FROM_EMAIL": f"Kommune {slug} <samtale@{host(slug)}>"},
        )
    print(f"  {len(SLUGS) - 1} municipalities made in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    from samtale.archive.models import Delivery

    for tenant in tenancy.every_tenant():
        with tenancy.activated(tenant):
            call_command(
                "demo_data", organization="nordvik", no_logins=True, force=True, stdout=_Quiet()
            )
            failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
            if tenant.slug != STUCK:
                # What the archive staff's "try again" ends in: the form delivered.
                failed.update(status=Delivery.Status.DELIVERED)
            else:  # made three hours ago: past SAMTALE_READY_DELIVERY_MINUTES
                failed.update(created_at=timezone.now() - timedelta(hours=3))
    print(
        f"  each filled with the demo's smaller organization in {time.perf_counter() - started:.0f} s"
    )


def readiness() -> dict:
    """/health/ready at each host: (status, ms, queries of any database)."""
    from django.db import connections
    from django.test import Client

    answers = {}
    for name in [host(slug) for slug in SLUGS] + [OPS]:
        client = Client(HTTP_HOST=name)
        client.get("/health/ready")  # the migrations read once
        counted = []
        with (
            connections["default"].execute_wrapper(counted_into(counted)),
            connections["control"].execute_wrapper(counted_into(counted)),
        ):
            started = time.perf_counter()
            answer = client.get("/health/ready")
            ms = (time.perf_counter() - started) * 1000
        answers[name] = (answer.status_code, ms, len(counted))
    return answers


def health() -> dict:
    """One tick of the scheduler (no jobs: its health check alone), then what the control
    database holds, as the operators' page and /metrics read it: failing checks by slug."""
    from samtale.core import health
    from samtale.work import schedule

    schedule.JOBS.clear()
    started = time.perf_counter()
    passed_over = schedule.tick_every_tenant()
    print(
        f"  a tick in every municipality: {time.perf_counter() - started:.1f} s, "
        f"passed over: {passed_over or 'none'}"
    )
    shown()
    return {
        slug: [f"{name}: {answer}" for name, answer in record.checks.items() if answer != "ok"]
        for slug, record in health.tenants_health().items()
        if not record.ok
    }


def shown() -> None:
    """Where the operators look: their page (signed in) and /metrics, at the operators' host."""
    from django.conf import settings
    from django.test import Client

    from samtale.operators import operators

    operators.operator_set("bench", "a-long-bench-operator-password")
    ops = Client(HTTP_HOST=OPS)
    ops.post("/logg-inn/", {"username": "bench", "password": "a-long-bench-operator-password"})
    page = ops.get("/").content.decode()
    settings.SAMTALE_METRICS_TOKEN = "bench-metrics-token-" + "x" * 20
    scrape = Client(
        HTTP_HOST=host("home"),
        headers={"Authorization": f"Bearer {settings.SAMTALE_METRICS_TOKEN}"},
    )
    failing = [
        line
        for line in scrape.get("/metrics").content.decode().splitlines()
        if line.startswith("samtale_tenant_check_ok{") and line.endswith(" 0.0")
    ]
    print(
        f"  operators' page: 'archive: stuck' shown {page.count('archive: stuck')} time(s); "
        f"/metrics failing checks: {failing}"
    )


class _Quiet:
    def write(self, text):
        pass

    def flush(self):
        pass


if __name__ == "__main__":
    main()
