"""Benchmark: twenty municipalities on one PostgreSQL (make bench-tenants).

    .venv/bin/python bench/tenants.py              # 20 tenants, about 100,000 people
    BENCH_QUICK=1 .venv/bin/python bench/tenants.py   # 3 tenants, 2,500 people

An installation whose own database serves no one (SAMTALE_HOSTS=none), and twenty tenants
registered in its control database, each with a database and a role of its own: one of
25,000 people and nineteen from 500 to 5,000 (`manage.py bench_data` in each, two at a
time). Built once and kept (samtale_bench_tenants, samtale_bench_tenants_control and
samtale_bench_t_<slug> on BENCH_PG); the times it took are printed when it is built.

Then, each run:
- `tenants migrate` over all of them (nothing to apply: what a release without migrations
  costs), and a new tenant created from the template and deleted again;
- in this process, every page for every role in the largest and in the smallest tenant,
  at its own host name (bench/crawl.py, as `make bench-pages`), against the same limits;
- a request's cost with tenancy against without: the bare view (bench/urls.py) for the
  largest tenant's employee at its host (its host looked up, its connection put in place
  for the request) against the same database served as the installation's own (no tenant
  to find), each in a process of its own, alternating, three times each.
The last line: `tenants: worst queries Q, worst kB K, worst ms M, worst xbare X`.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from common import PG_SERVER, PYTHON, ROOT, env

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = (
    [2_000, 250, 250]
    if QUICK
    else [25_000, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 3_500, 4_000, 4_500, *[5_000] * 10]
)
HOME = "samtale_bench_tenants" + ("_quick" if QUICK else "")
PREFIX = "samtale_bench_t_" + ("q_" if QUICK else "")
REPEAT = 5
LIMITS = {"queries": 12, "kb": 100, "ms": 75}
ROLES = ["employee", "leader", "leaders_leader", "hr", "admin"]
INSIGHT = ("/innsikt/", "/behov/", "/kompetanseplan/")


def slug(n: int) -> str:
    return f"k{n:02d}"


def host(n: int) -> str:
    return f"{slug(n)}.bench.localhost"


def installation_env(**extra) -> dict:
    return env(
        f"{PG_SERVER}/{HOME}",
        SAMTALE_HOSTS="none",
        SAMTALE_TENANT_DATABASES=PREFIX,
        # The tenants' database passwords are kept encrypted with it: the same every run.
        SAMTALE_SECRETS_KEY="samtale-bench-tenants-secrets-key",
        ALLOWED_HOSTS=".bench.localhost,testserver,127.0.0.1",
        SAMTALE_HEARTBEAT_SECONDS="0",
        SAMTALE_READY_REQUIRES="none",
        **extra,
    )


def manage(*args, capture=False, environment=None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment or installation_env(),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def timed(*args) -> float:
    started = time.perf_counter()
    manage(*args)
    return time.perf_counter() - started


def _server():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def build() -> None:
    """The installation and its tenants, once: kept while every tenant is there."""
    with _server() as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [HOME]).fetchone():
            server.execute(f'CREATE DATABASE "{HOME}"')
    manage("tenants", "-v0", "migrate")
    listed = manage("tenants", "list", capture=True)
    missing = [n for n in range(len(SIZES)) if f"{slug(n)} " not in listed]
    if not missing:
        return
    print(f"building {len(missing)} tenants ({sum(SIZES[n] for n in missing):,} people) …")
    created = [
        (
            n,
            timed(
                "tenants",
                "create",
                slug(n),
                "--name",
                f"Kommune {n}",
                "--host",
                host(n),
                f"--set=DEFAULT_FROM_EMAIL=Kommune {n} <samtale@{host(n)}>",
            ),
        )
        for n in missing
    ]
    print("  created: " + ", ".join(f"{slug(n)} {s:.1f} s" for n, s in created))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(_fill, missing))
    print(f"  filled in {time.perf_counter() - started:.0f} s (bench_data, two at a time)")


def _fill(n: int) -> None:
    started = time.perf_counter()
    manage("tenants", "run", slug(n), "--", "bench_data", "--people", str(SIZES[n]))
    print(f"  {slug(n)}: {SIZES[n]:,} people in {time.perf_counter() - started:.0f} s", flush=True)


def operations() -> dict:
    """Migrating all, and creating one more (then deleting it)."""
    figures = {"migrate_all_s": timed("tenants", "-v0", "migrate")}
    figures["create_one_s"] = timed(
        "tenants",
        "create",
        "kny",
        "--name",
        "Ny kommune",
        "--host",
        "kny.bench.localhost",
        "--set=DEFAULT_FROM_EMAIL=Ny kommune <samtale@kny.bench.localhost>",
    )
    manage("tenants", "suspend", "kny")
    figures["delete_one_s"] = timed("tenants", "delete", "kny", "--yes")
    return figures


BARE_SNIPPET = """
import statistics, sys
sys.path.insert(0, "bench")
from crawl import bare_ms
from samtale import tenancy
from samtale.demo.bench_today import BENCH_LOGINS
from samtale.org.models import Person
import os
slug, host = os.environ["BENCH_BARE_SLUG"], os.environ["BENCH_BARE_HOST"]
tenant = tenancy.by_slug(slug) if slug != "-" else tenancy.in_own_database()
with tenancy.activated(tenant):
    person = Person.objects.get(email=BENCH_LOGINS["employee"])
    print("BARE", statistics.median(bare_ms(person, host) for _ in range(5)))
"""


def bare_ms_in_a_process(*, tenancy: bool) -> float:
    """The bare view (bench/urls.py) for the largest tenant's employee, in a process of
    its own: at the tenant's host (its host looked up, its connection put in place), or,
    without tenancy, with the tenant's database as the installation's own."""
    database = f"{PG_SERVER}/{PREFIX}{slug(0)}"
    environment = (
        installation_env(DJANGO_SETTINGS_MODULE="settings", PYTHONPATH=str(ROOT / "bench"))
        if tenancy
        else env(
            database,
            DJANGO_SETTINGS_MODULE="settings",
            PYTHONPATH=str(ROOT / "bench"),
            SAMTALE_HOSTS="testserver",
            CONTROL_DATABASE_URL=f"{PG_SERVER}/{HOME}_control",
            SAMTALE_HEARTBEAT_SECONDS="0",
            SAMTALE_READY_REQUIRES="none",
        )
    )
    environment.update(
        BENCH_BARE_SLUG=slug(0) if tenancy else "-",
        BENCH_BARE_HOST=host(0) if tenancy else "testserver",
    )
    out = manage("shell", "-c", BARE_SNIPPET, capture=True, environment=environment)
    return float(out.split("BARE", 1)[1].split()[0])


def bare_compared() -> dict:
    """With and without tenancy, alternating, three times each: the median of each."""
    runs = {"with": [], "without": []}
    for _ in range(3):
        runs["without"].append(bare_ms_in_a_process(tenancy=False))
        runs["with"].append(bare_ms_in_a_process(tenancy=True))
    return {
        "bare_with_tenancy_ms": statistics.median(runs["with"]),
        "bare_without_tenancy_ms": statistics.median(runs["without"]),
        "bare_runs": runs,
    }


def in_process() -> list:
    os.environ.update(installation_env(DJANGO_SETTINGS_MODULE="settings"))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from crawl import crawl_roles

    from samtale import tenancy
    from samtale.demo.bench_today import BENCH_LOGINS

    visits = []
    smallest = min(range(len(SIZES)), key=SIZES.__getitem__)
    for n, label in ((0, "largest"), (smallest, "smallest")):
        tenant = tenancy.by_slug(slug(n))
        print(f"\n{label}: {tenant.name} ({SIZES[n]:,} people) at {host(n)}")
        with tenancy.activated(tenant):
            found = crawl_roles(ROLES, BENCH_LOGINS, repeat=REPEAT, skip=INSIGHT, host=host(n))
        for visit in found:
            visit.role = f"{label[0]}:{visit.role}"
        visits += found
    return visits


def main() -> None:
    print(f"benchmark: {len(SIZES)} tenants, {sum(SIZES):,} people, PostgreSQL at {PG_SERVER}")
    build()
    manage("collectstatic", "--noinput", "-v0")
    figures = operations()
    print(
        f"\ntenants migrate (all {len(SIZES)}, nothing to apply): {figures['migrate_all_s']:.1f} s; "
        f"a new tenant: {figures['create_one_s']:.1f} s; deleting it: {figures['delete_one_s']:.1f} s"
    )
    bare = bare_compared()
    visits = in_process()
    ratio = bare["bare_with_tenancy_ms"] / bare["bare_without_tenancy_ms"]
    print(
        f"\na request with tenancy: bare view {bare['bare_with_tenancy_ms']:.2f} ms at a tenant's host, "
        f"{bare['bare_without_tenancy_ms']:.2f} ms as the installation's own database: {ratio:.2f}x"
    )
    from crawl import report

    out = ROOT / "var" / f"bench-tenants-{len(SIZES)}.json"
    out.write_text(
        json.dumps({**figures, **bare, "visits": [v.__dict__ for v in visits]}, indent=1)
    )
    report(visits, LIMITS, "tenants")


if __name__ == "__main__":
    main()
