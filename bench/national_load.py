"""What bench/national.py runs beside the app: its two PostgreSQL servers (clusters of its own,
kept under var/ between runs), a PgBouncer in front of each, two gunicorn processes, and a
threaded client that asks random tenants' pages while the servers' connections are counted."""

import json
import os
import random
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from common import ROOT

from samtale.operators.tests.second_server import _as_owner, _free_port, _tool, pgbouncer

VAR = ROOT / "var"


@contextmanager
def cluster(folder: Path):
    """A PostgreSQL server of the bench's own on a free loopback port: its data folder made
    once (initdb) and kept, so its tenants are there the next run. Yields host:port."""
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        subprocess.run(
            _as_owner([_tool("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"])
            + ["-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            capture_output=True,
        )
    if (data / "postmaster.pid").exists():  # left running by a run that was stopped
        subprocess.run(
            _as_owner([_tool("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
    port = _free_port()
    # Enough connections for the run before SAMTALE_TENANT_CONNECTIONS_KEPT (one kept by each
    # thread for each tenant it served); fsync off: a benchmark's data, made again if lost.
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c max_connections=1500 "
        "-c shared_buffers=256MB -c autovacuum=off"
    )
    ctl = [_tool("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log")]
    subprocess.run(_as_owner([*ctl, "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_owner([_tool("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
        )


@contextmanager
def servers(tag: str):
    """Two servers, "one" and "two". Yields {name: [host:port, its pool's host:port or ""]}:
    the pools are started by pools(), once the tenants' roles are there."""
    with ExitStack() as stack:
        yield {
            name: [stack.enter_context(cluster(VAR / f"national-{tag}-{name}")), ""]
            for name in ("one", "two")
        }


@contextmanager
def pools(found: dict):
    """A PgBouncer in front of each server while it lasts, with the pooling settings the
    containers ship (containers/pgbouncer.ini): its pool filled in `found`. Loopback is trusted, but PgBouncer still wants every role it lets through
    named in its file of users: each login role the server has."""
    import psycopg

    with ExitStack() as stack:
        for entry in found.values():
            with psycopg.connect(f"postgres://postgres@{entry[0]}/postgres") as db:
                roles = [r for (r,) in db.execute("SELECT rolname FROM pg_roles WHERE rolcanlogin")]
            port = stack.enter_context(
                pgbouncer(entry[0], roles=tuple(roles), clients=2000, shipped=True)
            )
            entry[1] = f"127.0.0.1:{port}"
        try:
            yield found
        finally:
            for entry in found.values():
                entry[1] = ""


def servers_setting(found: dict, *, pooled: bool) -> str:
    """SAMTALE_DATABASE_SERVERS for the servers: reached directly, or through their pools."""
    return " ".join(
        f"{name}=postgres://postgres@{server}/postgres" + (f"?pool={pool}" if pooled else "")
        for name, (server, pool) in found.items()
    )


def connections(found: dict, prefix: str) -> int:
    """Client connections to the bench's tenants' databases on both servers, the app's own
    and PgBouncer's (this count's own not counted)."""
    import psycopg

    total = 0
    for server, _pool in found.values():
        with psycopg.connect(f"postgres://postgres@{server}/postgres", autocommit=True) as db:
            total += db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid() AND datname LIKE %s",
                [prefix.replace("_", "\\_") + "%"],
            ).fetchone()[0]
    return total


def load(port, sessions: dict, slugs: list[str], seconds: float, ended, *, threads: int = 8):
    """`threads` clients for `seconds`, each going round `slugs` in an order of its own, signed
    in as an employee or a leader of each tenant: one request in three that tenant's home
    page, the others the bare view (bench/urls.py: the session and the person read from the
    tenant's database, so its connection is opened, at a tenth of a page's cost). Returns
    the requests made and how many of them failed. `ended` (an Event) ends it early."""
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int):
        rng = random.Random(number)
        order = rng.sample(slugs, len(slugs))
        asked = 0
        while time.monotonic() < stop and not ended.is_set():
            slug = order[asked % len(order)]
            path = "/" if asked % 3 == 0 else "/bench/bare/"
            asked += 1
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={"Host": f"{slug}.bench.localhost", "Cookie": rng.choice(sessions[slug])},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
                    answer.read()
                    ok = answer.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                counts["requests"] += 1
                counts["errors"] += not ok

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return counts


def measured(port: int, sessions: dict, slugs: list[str], seconds: float, count) -> dict:
    """The servers' connections before, at their most during, and after a load over `slugs`:
    5 s after it, and at rest (what the processes and poolers keep once the requests have
    stopped, 30 s after). The load
    ends early should the machine have less than 3 GB of memory left (a few thousand server
    processes, before the setting, on a machine others share)."""
    figures = {"start": count(), "short_of_memory": False}
    peak = [figures["start"]]
    done, ended = threading.Event(), threading.Event()

    def sample():
        while not done.is_set():
            peak.append(count())
            if available_gb() < 3:
                figures["short_of_memory"] = True
                ended.set()
            done.wait(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        figures.update(load(port, sessions, slugs, seconds, ended))
    finally:
        done.set()
        sampler.join()
    time.sleep(5)
    figures.update(peak=max(peak), after5=count())
    time.sleep(25)
    figures.update(rest=count())
    return figures


def available_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024 / 1024
    return 99.0


SESSIONS_SNIPPET = """
import json, os
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from samtale import tenancy
from samtale.demo.bench_today import BENCH_LEADER_EMAIL, BENCH_LOGINS
from samtale.org.models import Person
store = import_module(settings.SESSION_ENGINE).SessionStore
found = {}
for slug in os.environ["BENCH_SLUGS"].split():
    with tenancy.activated(tenancy.by_slug(slug)):
        cookies = []
        for email in (BENCH_LOGINS["employee"], BENCH_LEADER_EMAIL):
            person = Person.objects.get(email=email)
            session = store()
            session[SESSION_KEY] = str(person.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = person.get_session_auth_hash()
            session.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
        found[slug] = cookies
    tenancy.close_connections()
open(os.environ["BENCH_OUT"], "w").write(json.dumps(found))
"""


def sessions(manage, slugs: list[str], out: Path) -> dict:
    """A signed-in employee's and leader's session in each tenant, made as a sign-in makes
    them (so the load measures pages, not the password hash); kept in `out` and reused."""
    if out.exists():
        kept = json.loads(out.read_text())
        if set(slugs) <= set(kept):
            return kept
    manage("shell", "-c", SESSIONS_SNIPPET, BENCH_SLUGS=" ".join(slugs), BENCH_OUT=str(out))
    return json.loads(out.read_text())
