"""Benchmark: a release over 357 tenants on one PostgreSQL (make bench-migrate).

    .venv/bin/python bench/migrate.py                  # 357 tenants
    BENCH_QUICK=1 .venv/bin/python bench/migrate.py    # 20 tenants
    BENCH_TENANTS=100 .venv/bin/python bench/migrate.py

An installation whose own database serves no one (SAMTALE_HOSTS=none) and N empty tenants
registered in its control database, each with a database and a role of its own, made with
`tenants create`'s own service (a copy of the template) and kept between runs
(samtale_bench_migrate, samtale_bench_migrate_control, samtale_bench_migrate_<slug> on
BENCH_PG): only the missing ones are made.

Then `tenants migrate` (a process of its own, as an operator runs it), timed:
- with nothing to apply: what every release without migrations costs;
- with one new column: a release whose one migration (bench/column, in INSTALLED_APPS only
  with BENCH_MIGRATE_COLUMN=1) runs `ALTER TABLE org_person ADD COLUMN bench_note …` in
  every tenant. The column and its record in django_migrations are removed again afterwards
  (directly, in every database), so the next run starts from the same place.
The targets (the issue): nothing to apply ≤ 30 s, one column ≤ 5 minutes, at 357 tenants.
Last line: `migrate: N tenants, nothing to apply S s, one column S s`.
"""

import os
import subprocess
import time

from common import PG_SERVER, PYTHON, ROOT, env

QUICK = os.environ.get("BENCH_QUICK") == "1"
COUNT = int(os.environ.get("BENCH_TENANTS") or (20 if QUICK else 357))
HOME = "samtale_bench_migrate"
PREFIX = "samtale_bench_migrate_"
TARGETS = {"nothing": 30.0, "column": 300.0}


def slug(n: int) -> str:
    return f"m{n:03d}"


def installation_env(**extra) -> dict:
    return env(
        f"{PG_SERVER}/{HOME}",
        DJANGO_SETTINGS_MODULE="bench.migrate_settings",
        SAMTALE_HOSTS="none",
        SAMTALE_TENANT_DATABASES=PREFIX,
        # The tenants' database passwords are kept encrypted with it: the same every run.
        SAMTALE_SECRETS_KEY="samtale-bench-migrate-secrets-key",
        ALLOWED_HOSTS=".bench.localhost,testserver,127.0.0.1",
        SAMTALE_HEARTBEAT_SECONDS="0",
        SAMTALE_READY_REQUIRES="none",
        **extra,
    )


def manage(*args, capture=False, **extra) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=installation_env(**extra),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def _server(database: str = "postgres"):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True)


# Made in one process: the control database and the template brought up to date once, then
# each missing tenant through services.tenant_create (the template copied, its role made).
BUILD_SNIPPET = """
import os, time
from django.core.management import call_command
from samtale import tenancy
from samtale.operators import databases, services
count = int(os.environ["BENCH_COUNT"])
databases.control_ensure()
call_command("migrate", database="control", verbosity=0, skip_checks=True)
have = set(services.Registration.objects.values_list("slug", flat=True))
wanted = [f"m{n:03d}" for n in range(count)]
missing = [slug for slug in wanted if slug not in have]
started = time.perf_counter()
for done, slug in enumerate(missing, 1):
    services.tenant_create(
        slug=slug, name=f"Kommune {slug}", hosts=[f"{slug}.bench.localhost"],
        config={"DEFAULT_FROM_EMAIL": f"Kommune {slug} <samtale@{slug}.bench.localhost>"},
    )
    tenancy.close_connections()  # a few hundred kept open would pass the server's limit
    if done % 25 == 0:
        print(f"  {done}/{len(missing)} in {time.perf_counter() - started:.0f} s", flush=True)
print(f"BUILT {len(missing)} {time.perf_counter() - started:.1f}")
"""


def build() -> None:
    """The installation and its COUNT tenants: only the missing ones are made."""
    with _server() as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [HOME]).fetchone():
            server.execute(f'CREATE DATABASE "{HOME}"')
    out = manage("shell", "-c", BUILD_SNIPPET, capture=True, BENCH_COUNT=str(COUNT))
    made, seconds = out.split("BUILT", 1)[1].split()
    if int(made):
        print(
            f"made {made} tenants in {float(seconds):.0f} s ({float(seconds) / int(made):.2f} s each)"
        )


def databases_of_the_bench() -> list[str]:
    with _server() as server:
        rows = server.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [PREFIX.replace("_", "\\_") + "%"],
        ).fetchall()
    return [HOME, *(name for (name,) in rows)]


def clean() -> None:
    """The new column and its record out of every database again (the tenants', the
    template's, the control database's and the installation's own)."""
    for name in databases_of_the_bench():
        with _server(name) as database:
            has_table = database.execute("SELECT to_regclass('public.org_person')").fetchone()[0]
            if has_table:
                database.execute("ALTER TABLE org_person DROP COLUMN IF EXISTS bench_note")
            if database.execute("SELECT to_regclass('public.django_migrations')").fetchone()[0]:
                database.execute("DELETE FROM django_migrations WHERE app = 'column'")


def timed_migrate(**extra) -> tuple[float, str]:
    started = time.perf_counter()
    out = manage("tenants", "migrate", capture=True, **extra)
    return time.perf_counter() - started, out


def columns_made() -> int:
    made = 0
    for name in databases_of_the_bench():
        with _server(name) as database:
            made += bool(
                database.execute(
                    "SELECT 1 FROM information_schema.columns "
                    "WHERE table_name = 'org_person' AND column_name = 'bench_note'"
                ).fetchone()
            )
    return made


def main() -> None:
    print(f"benchmark: tenants migrate over {COUNT} tenants, PostgreSQL at {PG_SERVER}")
    build()
    if os.environ.get("BENCH_BUILD_ONLY") == "1":
        return
    clean()
    manage("tenants", "-v0", "migrate")  # everything current, whatever the last run left
    nothing, said = timed_migrate()
    print(f"\nnothing to apply: {nothing:.1f} s (target {TARGETS['nothing']:.0f} s)")
    print("  " + said.strip().replace("\n", "\n  "))
    try:
        column, said = timed_migrate(BENCH_MIGRATE_COLUMN="1")
        print(
            f"\none new column (bench/column: RunSQL ALTER TABLE org_person ADD COLUMN, "
            f"nullable): {column:.1f} s (target {TARGETS['column']:.0f} s)"
        )
        print("  " + said.strip().replace("\n", "\n  "))
        print(f"  the column is in {columns_made()} databases (the tenants' and the template)")
    finally:
        clean()
    print(
        f"\nmigrate: {COUNT} tenants, nothing to apply {nothing:.1f} s, one column {column:.1f} s"
    )


if __name__ == "__main__":
    main()
