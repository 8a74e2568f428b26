"""What the benchmarks share: the environment a production-like Samtale runs in, the
benchmark databases (built once with `manage.py bench_data`, then reused), and manage.py."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
sys.path.insert(0, str(ROOT))

from samtale.core.testing_live import app_env  # noqa: E402 - needs ROOT on the path


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
    return database


_ACTIVE = []


def in_home_tenant() -> None:
    """This benchmark's process is an entry point, as a command is: what it does in Django
    (its data, its test client's sessions) it does in the home tenant, activated here for
    the process's life (core.tenancy: outside a tenant a query is refused)."""
    from samtale.core import tenancy

    block = tenancy.activated(tenancy.home())
    block.__enter__()
    _ACTIVE.append(block)


def counted_into(queries: list):
    """An execute wrapper (connection.execute_wrapper) that appends each query's SQL."""

    def wrapper(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    return wrapper
