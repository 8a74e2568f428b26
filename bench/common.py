"""What the benchmarks share: the environment a production-like Samtale runs in, the
benchmark databases (built once with `manage.py bench_data`, then reused), and manage.py."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
sys.path.insert(0, str(ROOT))

from testkit.live import app_env  # noqa: E402 - needs ROOT on the path


def env(database_url: str, **extra) -> dict:
    """A production process's environment; its database connections kept as in production."""
    return app_env(database_url, DB_CONN_MAX_AGE="600", **extra)


def manage(database_url: str, *args, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env(database_url),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


# READY: built; EMPTY: not yet; OLD: built by a bench_data that wrote no answers (before
# issue 13), so it is built again.
READY_SNIPPET = """
from samtale.demo.bench_today import BENCH_LEADER_EMAIL
from samtale.actions.models import Action
from samtale.conversations.models import LikertAnswer
from samtale.org.models import Person
if not Person.objects.filter(email=BENCH_LEADER_EMAIL).exists():
    print("EMPTY")
else:
    marked = Action.objects.exclude(competence="").exists()
    print("READY" if LikertAnswer.objects.exists() and marked else "OLD")
"""


def sqlite_url(people: int) -> str:
    (ROOT / "var").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / f'bench-{people}.sqlite3'}"


def postgres_url(people: int) -> str | None:
    """The PostgreSQL benchmark database samtale_bench_<people>, created if missing; None
    when no PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            name = f"samtale_bench_{people}"
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
            return f"{PG_SERVER}/{name}"
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"PostgreSQL not reachable at {PG_SERVER} ({error}); measuring SQLite only")
        return None


def prepare_database(database_url: str, people: int) -> None:
    """Migrate, and fill the database once; an older benchmark database gets what it lacks."""
    manage(database_url, "tenants", "-v0", "migrate")
    state = manage(database_url, "shell", "-c", READY_SNIPPET, capture=True)
    if "OLD" in state:
        print("  the benchmark database predates what bench_data writes: building it again")
        _empty(database_url)
        manage(database_url, "tenants", "-v0", "migrate")
    if "READY" not in state:
        print(f"  building the benchmark database ({people} people); this takes a while …")
        sys.stdout.flush()
        manage(database_url, "bench_data", "--people", str(people), "--tenant", home_slug())
    else:
        manage(database_url, "bench_data", "--ensure", "--tenant", home_slug())


def home_slug() -> str:
    """The installation's own tenant, which the benchmark fills: named, as a command for one
    tenant needs where the installation has registered others beside it."""
    return os.environ.get("SAMTALE_TENANT", "").strip() or "main"


def _empty(database_url: str) -> None:
    """Drop a benchmark database and make it again, empty."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def open_in_process(people: int, what: str, repeat: int) -> str:
    """The benchmark database of `people` (PostgreSQL, or SQLite when none answers or
    BENCH_DB=sqlite), built if need be, and Django set up on it in this process, as in
    production. Returns "postgresql" or "sqlite"."""
    use_sqlite = os.environ.get("BENCH_DB") == "sqlite"
    url = (None if use_sqlite else postgres_url(people)) or sqlite_url(people)
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    print(f"benchmark: {what}, {people} people, {database}, median of {repeat}")
    prepare_database(url, people)
    manage(url, "collectstatic", "--noinput", "-v0")
    os.environ.update(env(url))
    import django

    django.setup()
    in_home_tenant()
    analyze()
    return database


# Autovacuum's own rules (PostgreSQL's defaults), which the benchmarks apply themselves: it
# is off here, as in CI. A table is analyzed again once more rows have changed since its last
# ANALYZE than 50 and a tenth of those it has; vacuumed once more than 1,000 and a fifth have
# been inserted, or 50 and a fifth are dead (the visibility map that index-only scans read).
STALE_SQL = """
SELECT t.relname FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
WHERE t.schemaname = current_schema() AND (
    (c.reltuples <> 0 AND NOT EXISTS (
        SELECT 1 FROM pg_stats s WHERE s.schemaname = t.schemaname AND s.tablename = t.relname))
    OR t.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0)
    OR t.n_ins_since_vacuum > 1000 + 0.2 * GREATEST(c.reltuples, 0)
    OR t.n_dead_tup > 50 + 0.2 * GREATEST(c.reltuples, 0))
ORDER BY 1
"""


def analyze() -> None:
    """Statistics (and on PostgreSQL the visibility map) for the tables of the database just
    opened that have none, or whose rows have changed since as autovacuum would see to: a
    database just built or restored has none, and PostgreSQL then plans a round of 40,000
    as if it had a hundred (HR's page to hand out a round took 1.7 s on one never analyzed)
    and reads the table behind every index-only count. SQLite: ANALYZE when it has never been
    run. Said, with the time it took."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(STALE_SQL)
            tables = [name for (name,) in cursor.fetchall()]
            for name in tables:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(name)}")
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            tables = [] if cursor.fetchone() else ["every table"]
            if tables:
                cursor.execute("ANALYZE")
    if tables:
        print(
            f"  VACUUM ANALYZE of {len(tables)} tables without statistics or changed since "
            f"({time.monotonic() - started:.1f} s)",
            flush=True,
        )


_ACTIVE = []


def in_home_tenant() -> None:
    """This benchmark's process is an entry point, as a command is: what it does in Django
    (its data, its test client's sessions) it does in the tenant of the installation's own database, as
    the environment registers it, activated here for the process's life (tenancy: outside a
    tenant a query is refused)."""
    from samtale import tenancy
    from samtale.tenancy import seed

    block = tenancy.activated(seed.environment_tenant())
    block.__enter__()
    _ACTIVE.append(block)


def counted_into(queries: list):
    """An execute wrapper (connection.execute_wrapper) that appends each query's SQL."""

    def wrapper(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    return wrapper
