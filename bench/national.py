"""Benchmark: the whole country on one installation (make bench-national).

    .venv/bin/python bench/national.py              # 357 tenants, people 1:20
    BENCH_QUICK=1 .venv/bin/python bench/national.py   # 30 tenants, people 1:200

357 tenants sized as Norway's municipalities (the twenty largest by name, the rest from a
fixed log-normal with a median of 5,000 inhabitants, Utsira the smallest), with employees
8 % of the inhabitants, scaled down by SCALE so that the country fits this machine. An
installation whose own database (on BENCH_PG) serves no one, and two PostgreSQL servers the
bench runs itself ("one" and "two", their data kept under var/national-<tag>-*), a PgBouncer
in front of each; the tenants alternate between them, the largest on "one". Built once and
reused (samtale_national[_quick] on BENCH_PG, samtale_national_t_/q_<slug> on the two).

Then, each run, one line each:
- the servers' connections to the tenants' databases, two gunicorn processes of four
  threads serving 24, 120 and all tenants (quick: 10 and all), at rest and under a mixed load (random tenants'
  home pages, an employee and a leader signed in in each): before SAMTALE_TENANT_CONNECTIONS_
  KEPT (1,000: a connection kept per thread and tenant), with its default, and through the
  PgBouncers;
- `tenants migrate` with nothing to apply and with one new column (bench/migrate.py's);
- `tenants move` of the largest to the other server: seconds read-only, seconds in all;
- `tenants export` and `tenants restore` of the smallest;
- every page of every role in the largest, the smallest, and a tenant just created with
  people and nothing published (bench/crawl.py's limits).
The last line: `national: …` with the key figures.
"""

import contextlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import national_load
from common import PG_SERVER, PYTHON, ROOT, env
from crawl import BARE_LIMIT
from national_load import measured, pools, servers, servers_setting, sessions

from testkit.live import gunicorn

QUICK = os.environ.get("BENCH_QUICK") == "1"
COUNT = int(os.environ.get("BENCH_TENANTS") or (30 if QUICK else 357))
SCALE = int(os.environ.get("BENCH_SCALE") or (200 if QUICK else 20))
TAG = "quick" if QUICK else "full"
HOME = "samtale_national" + ("_quick" if QUICK else "")
PREFIX = "samtale_national_" + ("q_" if QUICK else "t_")
FLOOR = 30  # people: a leader with reports, HR, an administrator and a leader's leader
SECONDS = 10 if QUICK else 30
# The municipalities served in each connection run (the 24, 120 and every one).
SERVED = [n for n in (24, 120, COUNT) if n <= COUNT] if not QUICK else [10, COUNT]
LIMITS = {"queries": 12, "kb": 100, "ms": 75, "bare": BARE_LIMIT}
ROLES = ["employee", "leader", "leaders_leader", "hr", "admin"]
INSIGHT = ("/innsikt/", "/behov/", "/kompetanseplan/")
NEW = "kny"
# What is measured (BENCH_PARTS, comma-separated): all three by default.
PARTS = os.environ.get("BENCH_PARTS", "connections,operations,pages").split(",")
# The largest municipalities (inhabitants, about 2025); the rest are drawn.
LARGEST = [
    ("Oslo", 717_000), ("Bergen", 291_000), ("Trondheim", 216_000), ("Stavanger", 149_000),
    ("Bærum", 131_000), ("Kristiansand", 116_000), ("Drammen", 104_000), ("Asker", 98_000),
    ("Lillestrøm", 94_000), ("Fredrikstad", 84_000), ("Sandnes", 83_000), ("Tromsø", 78_000),
    ("Ålesund", 68_000), ("Sandefjord", 65_000), ("Sarpsborg", 59_000), ("Tønsberg", 58_000),
    ("Skien", 56_000), ("Bodø", 53_000), ("Larvik", 48_000), ("Arendal", 46_000),
]  # fmt: skip


def municipalities() -> list[tuple[str, int]]:
    """357 (name, inhabitants), largest first: the table, 336 drawn from a log-normal with
    a median of 5,000 (fixed seed, between 250 and 45,000), and Utsira's 200."""
    rng = random.Random(357)
    drawn = sorted(
        (
            min(45_000, max(250, round(rng.lognormvariate(math.log(5_000), 1.0))))
            for _ in range(336)
        ),
        reverse=True,
    )
    return [*LARGEST, *((f"Kommune {i + 21}", n) for i, n in enumerate(drawn)), ("Utsira", 200)]


def sizes() -> list[int]:
    """People per tenant: 8 % of the inhabitants, divided by SCALE, at least FLOOR. The
    quick run keeps the largest, the smallest and an even spread between."""
    every = municipalities()
    if len(every) > COUNT:
        step = (len(every) - 1) / (COUNT - 1)
        every = [every[round(i * step)] for i in range(COUNT)]
    return [max(FLOOR, round(n * 0.08 / SCALE)) for _, n in every]


SIZES = sizes()


def slug(n: int) -> str:
    return f"k{n:03d}"


def host(name: str) -> str:
    return f"{name}.bench.localhost"


def installation_env(found: dict, *, pooled: bool = False, **extra) -> dict:
    return env(
        f"{PG_SERVER}/{HOME}",
        DJANGO_SETTINGS_MODULE="bench.national_settings",
        SAMTALE_HOSTS="none",
        SAMTALE_TENANT_DATABASES=PREFIX,
        SAMTALE_DATABASE_SERVERS=servers_setting(found, pooled=pooled),
        # The tenants' database passwords are kept encrypted with it: the same every run.
        SAMTALE_SECRETS_KEY="samtale-bench-national-secrets-key",
        ALLOWED_HOSTS=".bench.localhost,testserver,127.0.0.1",
        SAMTALE_HEARTBEAT_SECONDS="0",
        SAMTALE_READY_REQUIRES="none",
        **extra,
    )


FOUND: dict = {}


def manage(*args, capture=False, **extra) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=installation_env(FOUND, **extra),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def timed(*args, **extra) -> tuple[float, str]:
    started = time.perf_counter()
    out = manage(*args, capture=True, **extra)
    return time.perf_counter() - started, out


CREATE_SNIPPET = """
import os, time
from samtale import tenancy
from samtale.operators import services
have = set(services.Registration.objects.values_list("slug", flat=True))
started, made = time.perf_counter(), 0
for item in os.environ["BENCH_WANTED"].split():
    slug, server = item.split(":")
    if slug in have:
        continue
    host = f"{slug}.bench.localhost"
    services.tenant_create(
        slug=slug, name=f"Kommune {slug}", hosts=[host], server=server,
        config={"DEFAULT_FROM_EMAIL": f"Kommune {slug} <samtale@{host}>"},
    )
    tenancy.close_connections()
    made += 1
    if made % 25 == 0:
        print(f"  created {made} in {time.perf_counter() - started:.0f} s", flush=True)
print(f"CREATED {made} {time.perf_counter() - started:.1f}")
"""

FILL_SNIPPET = """
import os, time
from django.core.management import call_command
from samtale import tenancy
from samtale.org.models import Person
for item in os.environ["BENCH_FILL"].split():
    slug, people, years = item.split(":")
    with tenancy.activated(tenancy.by_slug(slug)):
        filled = Person.objects.exists()
    if not filled:
        started = time.perf_counter()
        call_command("bench_data", "--tenant", slug, "--people", people, "--years", years,
                     stdout=open(os.devnull, "w"))
        print(f"  {slug}: {int(people):,} people in {time.perf_counter() - started:.1f} s",
              flush=True)
    tenancy.close_connections()
"""


def build() -> float:
    """The installation and its tenants: only what is missing is made. Returns the seconds."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [HOME]).fetchone():
            server.execute(f'CREATE DATABASE "{HOME}"')
    manage("tenants", "-v0", "migrate")
    wanted = " ".join(f"{slug(n)}:{('one', 'two')[n % 2]}" for n in range(COUNT))
    out = manage("shell", "-c", CREATE_SNIPPET, capture=True, BENCH_WANTED=wanted)
    made, seconds = out.split("CREATED", 1)[1].split()
    if int(made):
        print(f"created {made} tenants in {float(seconds):.0f} s", flush=True)
    smallest = len(SIZES) - 1
    # The small ones cheaply: two years of history rather than five (not the crawled ones).
    items = [
        f"{slug(n)}:{people}:{5 if people >= 200 or n in (0, smallest) else 2}"
        for n, people in enumerate(SIZES)
    ]
    halves = [" ".join(items[0::2]), " ".join(items[1::2])]
    filling = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda half: manage("shell", "-c", FILL_SNIPPET, BENCH_FILL=half), halves))
    print(
        f"filled in {time.perf_counter() - filling:.0f} s (bench_data, two processes; those filled before only looked at)"
    )
    return time.perf_counter() - started


def connection_runs() -> list[dict]:
    """Connections at rest and under load for 24, 120 and every tenant served: before the
    setting (1,000 kept), with its default, and through the PgBouncers."""
    all_sessions = sessions(
        manage, [slug(n) for n in range(COUNT)], ROOT / "var" / f"national-{TAG}-sessions.json"
    )
    runs = []
    for label, extra in (("before", {"BENCH_KEPT": "1000"}), ("after", {}), ("pgbouncer", {})):
        with pools(FOUND) if label == "pgbouncer" else contextlib.nullcontext():
            environment = installation_env(FOUND, pooled=label == "pgbouncer", **extra)
            for served in SERVED:
                runs.append(served_once(environment, all_sessions, served, label))
    return runs


def served_once(environment: dict, all_sessions: dict, served: int, label: str) -> dict:
    log = ROOT / "var" / f"national-{TAG}-gunicorn-{label}-{served}.log"
    with gunicorn(environment, log) as port:
        figures = measured(
            port,
            all_sessions,
            [slug(n) for n in range(served)],
            SECONDS,
            lambda: national_load.connections(FOUND, PREFIX),
        )
    figures.update(mode=label, served=served)
    print(
        f"connections {label}, {served} tenants: at start {figures['start']}, most under "
        f"load {figures['peak']}, 5 s after {figures['after5']}, at rest {figures['rest']} "
        f"({figures['requests']} requests, {figures['errors']} errors, {SECONDS} s"
        + (
            ", ended early: the machine was short of memory)" if figures["short_of_memory"] else ")"
        ),
        flush=True,
    )
    return figures


def clean_column() -> None:
    """bench/migrate.py's column and its record out of every database again."""
    import psycopg

    urls = [f"{PG_SERVER}/{HOME}", f"{PG_SERVER}/{HOME}_control"]
    every = [PG_SERVER, *(f"postgres://postgres@{server}" for server, _pool in FOUND.values())]
    for server in every:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            names = db.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                [PREFIX.replace("_", "\\_") + "%"],
            ).fetchall()
        urls += [f"{server}/{name}" for (name,) in names]
    for url in urls:
        with psycopg.connect(url, autocommit=True) as db:
            if db.execute("SELECT to_regclass('public.org_person')").fetchone()[0]:
                db.execute("ALTER TABLE org_person DROP COLUMN IF EXISTS bench_note")
            if db.execute("SELECT to_regclass('public.django_migrations')").fetchone()[0]:
                db.execute("DELETE FROM django_migrations WHERE app = 'column'")


def operations() -> dict:
    """migrate (nothing; one column), move of the largest, export and restore of the smallest."""
    figures = {}
    clean_column()
    manage("tenants", "-v0", "migrate")
    figures["migrate_nothing_s"], _ = timed("tenants", "migrate")
    try:
        figures["migrate_column_s"], _ = timed("tenants", "migrate", BENCH_MIGRATE_COLUMN="1")
    finally:
        clean_column()
    print(
        f"tenants migrate, {COUNT} tenants: nothing to apply {figures['migrate_nothing_s']:.1f} s, "
        f"one new column {figures['migrate_column_s']:.1f} s",
        flush=True,
    )
    target = _other_server(slug(0))
    seconds, out = timed("tenants", "move", slug(0), target)
    said = out.strip().splitlines()[-1]
    figures["move_read_only_s"] = float(said.split("read-only for ", 1)[1].split(" s")[0])
    figures["move_s"] = seconds
    print(f"tenants move {slug(0)} ({SIZES[0]:,} people) to {target}: {said}", flush=True)
    figures.update(export_restore(slug(len(SIZES) - 1)))
    return figures


def _other_server(name: str) -> str:
    out = manage(
        "shell",
        "-c",
        f"from samtale.tenancy.models import Registration; print('SERVER', Registration.objects.get(slug='{name}').server)",
        capture=True,
    )
    return "two" if out.split("SERVER", 1)[1].strip() == "one" else "one"


def export_restore(name: str) -> dict:
    folder = ROOT / "var" / f"national-{TAG}-export"
    shutil.rmtree(folder, ignore_errors=True)
    # Sealed for a receiver, as every export is: the key made here, opened again at restore.
    from pyrage import x25519

    key = x25519.Identity.generate()
    key_file = ROOT / "var" / f"national-{TAG}-key.txt"
    key_file.write_text(f"{key}\n")
    export_s, _ = timed("tenants", "export", name, str(folder), "--to", str(key.to_public()))
    restored = "krestore"
    listed = manage("tenants", "list", capture=True)
    if f"    {restored} " in listed:
        manage("tenants", "suspend", restored)
        manage("tenants", "delete", restored, "--yes")
    restore_s, _ = timed(
        "tenants",
        "restore",
        str(folder),
        "--identity",
        str(key_file),
        "--slug",
        restored,
        "--host",
        host(restored),
        # Beside the tenant it was exported from, a copy takes none of its accounts outside,
        # its sender among them (operators.transfer): given its own.
        "--set",
        f"DEFAULT_FROM_EMAIL=Samtale <samtale@{restored}.bench.localhost>",
    )
    manage("tenants", "suspend", restored)
    manage("tenants", "delete", restored, "--yes", "--certificate", str(folder.with_suffix(".del")))
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(folder.with_suffix(".del"), ignore_errors=True)
    key_file.unlink()
    print(
        f"tenants export of {name} ({SIZES[-1]} people): {export_s:.1f} s; restore {restore_s:.1f} s",
        flush=True,
    )
    return {"export_s": export_s, "restore_s": restore_s}


NEW_SNIPPET = """
import os, random
from django.db import transaction
from samtale import tenancy
from samtale.demo import bench_history, bench_today
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Person
people = int(os.environ["BENCH_PEOPLE"])
with tenancy.activated(tenancy.by_slug(os.environ["BENCH_SLUG"])):
    if not Person.objects.exists():
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        with transaction.atomic():
            teams = bench_history.units(max(10, min(200, people // 100)))
            bench_history.people(people, teams, random.Random(people))
        bench_today.this_year(print)
"""


def new_tenant(people: int) -> float:
    """A tenant just created, with people and this year's round, nothing published: made
    once (its creation timed then), kept."""
    if f"    {NEW} " in manage("tenants", "list", capture=True):
        return 0.0
    seconds, _ = timed(
        "tenants", "create", NEW, "--name", "Ny kommune", "--host", host(NEW), "--server", "one",
        f"--set=DEFAULT_FROM_EMAIL=Ny kommune <samtale@{host(NEW)}>",
    )  # fmt: skip
    manage("shell", "-c", NEW_SNIPPET, capture=True, BENCH_SLUG=NEW, BENCH_PEOPLE=str(people))
    print(f"a new tenant {NEW} ({people:,} people, nothing published), created in {seconds:.1f} s")
    return seconds


def in_process(new_people: int) -> list:
    """Every page of every role in the largest, the smallest and the new tenant."""
    os.environ.update(installation_env(FOUND))
    import django

    django.setup()
    from crawl import crawl_roles

    from samtale import tenancy
    from samtale.demo.bench_today import BENCH_LOGINS

    visits = []
    smallest = len(SIZES) - 1
    crawled = (
        (slug(0), "largest", SIZES[0]),
        (slug(smallest), "smallest", SIZES[smallest]),
        (NEW, "new", new_people),
    )
    for name, label, people in crawled:
        tenant = tenancy.by_slug(name)
        print(f"\n{label}: {name} ({people:,} people) at {host(name)}", flush=True)
        with tenancy.activated(tenant):
            found = crawl_roles(ROLES, BENCH_LOGINS, repeat=5, skip=INSIGHT, host=host(name))
        for visit in found:
            visit.role = f"{label[0]}:{visit.role}"
        visits += found
    return visits


def worst(visits: list, prefix: str) -> str:
    pages = [v for v in visits if v.kind == "page" and v.role.startswith(prefix)]
    return (
        f"{max(v.queries for v in pages)} q, {max(v.kb for v in pages):.0f} kB, "
        f"{max(v.ms for v in pages):.0f} ms, {max(v.times_bare for v in pages):.1f}x bare"
    )


def summary(build_s: float, runs: list, figures: dict, visits: list) -> str:
    kept = {(r["mode"], r["served"]): r for r in runs}
    connections = "; ".join(
        f"{mode} " + "/".join(f"{kept[mode, n]['rest']}:{kept[mode, n]['peak']}" for n in SERVED)
        for mode in ("before", "after", "pgbouncer")
    )
    return (
        f"national: {COUNT} tenants, {sum(SIZES):,} people (1:{SCALE}), built in {build_s:.0f} s; "
        f"connections rest:load at {'/'.join(map(str, SERVED))} tenants: {connections}; "
        f"migrate nothing {figures['migrate_nothing_s']:.1f} s, one column "
        f"{figures['migrate_column_s']:.1f} s; move largest read-only "
        f"{figures['move_read_only_s']:.1f} s of {figures['move_s']:.1f} s; export "
        f"{figures['export_s']:.1f} s, restore {figures['restore_s']:.1f} s; pages largest "
        f"{worst(visits, 'l:')}, smallest {worst(visits, 's:')}, new {worst(visits, 'n:')}"
    )


def main() -> None:
    every = municipalities()
    print(
        f"benchmark: {COUNT} tenants as Norway's municipalities ({sum(n for _, n in every):,} "
        f"inhabitants, employees 8 %), people scaled 1:{SCALE}: {sum(SIZES):,} people, the "
        f"largest {SIZES[0]:,} (Oslo), the smallest {SIZES[-1]:,} (Utsira; at least {FLOOR})",
        flush=True,
    )
    with servers(TAG) as found:
        FOUND.update(found)
        print(f"servers: {found}", flush=True)
        build_s = build()
        manage("collectstatic", "--noinput", "-v0")
        new_people = SIZES[len(SIZES) // 2] if QUICK else max(SIZES[len(SIZES) // 2], 250)
        new_tenant(new_people)
        runs = connection_runs() if "connections" in PARTS else []
        figures = operations() if "operations" in PARTS else {}
        visits = in_process(new_people) if "pages" in PARTS else []
        from crawl import report

        out = ROOT / "var" / f"bench-national-{COUNT}.json"
        out.write_text(
            json.dumps({"runs": runs, **figures, "visits": [v.__dict__ for v in visits]}, indent=1)
        )
        if visits:
            report(visits, LIMITS, "national pages")
        if len(PARTS) == 3:
            print("\n" + summary(build_s, runs, figures, visits), flush=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
