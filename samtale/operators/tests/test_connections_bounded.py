"""A process that serves many tenants holds a bounded number of database connections,
whatever the number of tenants: each thread keeps SAMTALE_TENANT_CONNECTIONS_KEPT
connections to tenants' databases between its requests (tenancy.connections), not one
to every tenant it ever served.

Measured where the connections are: on PostgreSQL the server's own list of its sessions
(pg_stat_activity), on SQLite the files this process holds open (/proc/self/fd)."""

import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client

from config.settings.tenants import _server
from samtale import tenancy
from samtale.operators import databases
from samtale.operators.tests.second_server import pgbouncer
from samtale.tenancy.connections import close_thread_connections
from samtale.tenancy.models import Host, Registration

pytestmark = [
    pytest.mark.django_db(databases=["default", "control"]),
    pytest.mark.xdist_group("tenants"),
]

TENANTS = 100
THREADS = 4


def _databases_open() -> int:
    """The connections this process holds open to the tenants' databases made here, as the
    operating system has them: on SQLite the database files it holds open, on PostgreSQL its
    sockets to the server that the server has as sessions in those databases."""
    if databases.engine() != "sqlite3":
        return _sockets_to_the_server()
    folder = Path(databases.sqlite_path("many000")).parent
    held = 0
    for target in _open_files():
        held += target.startswith(str(folder / "many")) and target.endswith(".sqlite3")
    return held


def _open_files() -> list[str]:
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # closed meanwhile
            continue
    return targets


def _sockets_to_the_server() -> int:
    """This process's open TCP connections that the server has as sessions in the tenants'
    databases made here (its sockets' local ports, against pg_stat_activity's client_port:
    a closed connection whose backend has not exited yet is not this process's any more)."""
    port = int(connections.settings["default"].get("PORT") or 5432)
    mine = {t[len("socket:[") : -1] for t in _open_files() if t.startswith("socket:[")}
    ports = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                remote = int(fields[2].rsplit(":", 1)[1], 16)
                if remote == port and fields[3] == "01" and fields[9] in mine:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    like = databases.pg_name("many").replace("_", "\\_") + "%"
    sessions = databases._pg_admin(
        "SELECT client_port FROM pg_stat_activity WHERE datname LIKE %s", (like,)
    )
    return sum(1 for (client_port,) in sessions if client_port in ports)


def _server_sessions() -> int:
    """The server's sessions in the tenants' databases made here, once those closed have
    exited (asked until they have, for at most ten seconds)."""
    like = databases.pg_name("many").replace("_", "\\_") + "%"
    for _ in range(100):
        count = databases._pg_admin(
            "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE %s", (like,)
        )[0][0]
        if count == 0:
            return 0
        time.sleep(0.1)
    return count


@pytest.fixture(scope="module")
def many(tenant_databases, django_db_blocker):
    """A hundred tenants, registered as the operators' commands register them, each with a
    database of its own that holds what the requests below read (the sessions' table: a
    copy of the whole template, a hundred times over, would take a minute on PostgreSQL),
    without a role of its own (what is counted here is connections, not who makes them)."""
    slugs = [f"many{number:03d}" for number in range(TENANTS)]
    with django_db_blocker.unblock():
        small = _small_template()
        for slug in slugs:
            _copy(small, slug)
        rows = Registration.objects.bulk_create(
            Registration(
                slug=slug, name=slug, url=f"http://{slug}.testserver", database=_name(slug)
            )
            for slug in slugs
        )
        Host.objects.bulk_create(Host(tenant=row, name=f"{row.slug}.testserver") for row in rows)
        tenancy.forget()
    yield [f"{slug}.testserver" for slug in slugs]
    with django_db_blocker.unblock():
        for tenant in [t for t in tenancy.registered() if t.slug.startswith("many")]:
            databases.database_drop(tenant)
        databases.database_drop(small)
        Registration.objects.filter(slug__startswith="many").delete()
        tenancy.forget()


def _name(slug: str) -> str:
    if databases.engine() == "sqlite3":
        return str(databases.sqlite_path(slug))
    return databases.pg_name(slug)


def _small_template() -> tenancy.Tenant:
    small = tenancy.Tenant(slug="manysmall", name="", url="", database={"NAME": _name("manysmall")})
    if databases.engine() != "sqlite3":
        databases._pg_admin(f'DROP DATABASE IF EXISTS "{_name("manysmall")}"')
        databases._pg_admin(f'CREATE DATABASE "{_name("manysmall")}" TEMPLATE template0')
    with tenancy.activated(small), connections["default"].schema_editor() as editor:
        editor.create_model(Session)
    databases.close_connections(small.slug)
    return small


def _copy(small: tenancy.Tenant, slug: str) -> None:
    if databases.engine() == "sqlite3":
        databases._sqlite_copy(Path(str(small.database["NAME"])), databases.sqlite_path(slug))
    else:
        databases._pg_admin(f'CREATE DATABASE "{_name(slug)}" TEMPLATE "{_name("manysmall")}"')


def _serve(hosts: list[str], *, threads: int, also=None) -> tuple[int, int]:
    """Every host asked twice, in a random order, by `threads` threads as a web process's
    pool of threads serves them: the home page with a session cookie the tenant's database
    does not know (read there, then sent to sign in). Returns (the most connections seen
    open while serving, those still open after)."""
    asks = [host for host in hosts for _ in range(2)]
    random.Random(62).shuffle(asks)
    peak = 0
    lock = threading.Lock()

    def ask(host: str) -> int:
        nonlocal peak
        client = Client(HTTP_HOST=host)
        client.cookies[django_settings.SESSION_COOKIE_NAME] = "unknown" * 5
        response = client.get("/")
        seen = _databases_open()
        if also is not None:
            also()
        with lock:
            peak = max(peak, seen)
        return response.status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = set(pool.map(ask, asks))
        after = _databases_open()
        _each_thread(pool, threads, close_thread_connections)  # its work done
    assert statuses == {302}, statuses  # to sign in
    return peak, after


def _each_thread(pool: ThreadPoolExecutor, threads: int, work) -> None:
    """Run `work` once in each of the pool's threads (each waits for the others, so no
    thread takes two)."""
    barrier = threading.Barrier(threads)

    def once() -> None:
        barrier.wait()
        work()

    for done in [pool.submit(once) for _ in range(threads)]:
        done.result()


def test_a_hundred_tenants_are_served_with_connections_bounded_by_the_threads(
    many, settings, django_db_blocker
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]
    kept = settings.SAMTALE_TENANT_CONNECTIONS_KEPT
    with django_db_blocker.unblock():
        peak, after = _serve(many, threads=THREADS)
    # While serving, a thread holds the tenant it serves and those it keeps; after, those
    # it keeps: at most threads × (kept + 1), and threads × kept, for 100 tenants as for 1.
    assert peak <= THREADS * (kept + 1), (peak, after)
    assert after <= THREADS * kept, (peak, after)
    assert _databases_open() == 0  # the threads' own, closed when they said so
    if databases.engine() != "sqlite3":
        assert _server_sessions() == 0


def test_without_the_bound_the_connections_grow_with_the_tenants(many, settings, django_db_blocker):
    """What the bound prevents, shown on a few tenants (on PostgreSQL each is a server's
    session out of its max_connections): every thread keeps one to each tenant it served."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]
    settings.SAMTALE_TENANT_CONNECTIONS_KEPT = 50
    threads, hosts = 3, many[:8]
    with django_db_blocker.unblock():
        peak, after = _serve(hosts, threads=threads)
    assert after > threads * 2, (peak, after)
    assert _databases_open() == 0


def test_the_readiness_probe_asks_no_tenants_database(many, settings, django_db_blocker):
    """/health/ready answers for the installation: the control database, no tenant's (eight
    probes at once, on a hundred tenants, hold no tenant's connection)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]

    def probe(host: str) -> int:
        try:
            return Client(HTTP_HOST=host).get("/health/ready").status_code
        finally:
            seen.append(_databases_open())
            close_thread_connections()

    seen: list[int] = []
    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(probe, many[:40]))
    assert set(codes) <= {200, 503}  # 503 only for the installation's own reasons
    assert max(seen) == 0
    assert connections["default"].vendor  # the test's own connection is untouched


@pytest.mark.postgresql
def test_through_pgbouncer_a_hundred_tenants_hold_nothing_at_rest(
    many, settings, django_db_blocker
):
    """Behind a transaction-pooling PgBouncer (a server whose SAMTALE_DATABASE_SERVERS entry
    names a ?pool=): every tenant is served through it; the process keeps no connection
    between requests (the pooler keeps the server's); each tenant's database has at most the
    pooler's cap of server connections however many threads ask; and the server's are given
    back once idle (server_idle_timeout)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]
    direct = connections.settings["default"]
    server = f"{direct.get('HOST') or '127.0.0.1'}:{direct.get('PORT') or 5432}"
    with pgbouncer(server, cap=2, idle_seconds=1) as port, django_db_blocker.unblock():
        url = f"postgres://{direct['USER']}@127.0.0.1:{direct.get('PORT') or 5432}/postgres"
        settings.SAMTALE_DATABASE_SERVERS = {"pooled": _server(f"{url}?pool=127.0.0.1:{port}")}
        _placed("pooled")
        try:
            widest = []
            peak, after = _serve(many, threads=THREADS, also=lambda: widest.append(_widest()))
            assert after == 0 and peak <= THREADS, (peak, after)  # none kept by the process
            assert max(widest) <= 2  # the pooler's cap per tenant
            assert _server_sessions() == 0  # given back by the pooler once idle
        finally:
            _placed("")


def _placed(server: str) -> None:
    """The hundred tenants placed on `server`, committed for the threads that serve them to
    read (this test's own transaction would keep it from them)."""
    databases._pg_admin("UPDATE tenants_tenant SET server = %s WHERE slug LIKE 'many%%'", (server,))
    tenancy.forget()


def _widest() -> int:
    """The most server sessions any one of the tenants' databases has now."""
    like = databases.pg_name("many").replace("_", "\\_") + "%"
    rows = databases._pg_admin(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM pg_stat_activity "
        "WHERE datname LIKE %s GROUP BY datname) AS per_database",
        (like,),
    )
    return rows[0][0]
