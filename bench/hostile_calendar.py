"""Benchmark: what a hostile calendar server costs a Samtale process (issue 45).

    .venv/bin/python bench/hostile_calendar.py     (make bench-hostile-calendar)

A leader connects their own calendar, and Samtale's server reads it (calendars.readers).
This starts Samtale as in production (gunicorn, DEBUG off, production settings) in ONE
process with BENCH_THREADS (4) threads, so that what a read costs the process shows in the
other requests it answers, on a fresh database (PostgreSQL when one answers at BENCH_PG,
else SQLite; BENCH_DB=sqlite for SQLite) with one leader, and SAMTALE_BUSY_ALLOWED_NETWORKS
set to 127.0.0.0/8 so that the calendar servers on loopback may be read. The leader signs
in, connects their calendar on their calendar page (/profil/kalender/) to a hostile server
in this process (testkit.calendars.hostile_server), and presses the page's Test:

  (a) a CalDAV server answering the REPORT with 60 MB, chunked;
  (b) a published calendar (ICS) sending one byte every 2 s, each inside the readers'
      4 s timeout (with a Content-Length of 5 MB, so the reader waits inside one read).

For each it prints: the time until Samtale answered the Test (the POST's redirect) and what
the page then said; the database queries of that request (from /metrics, the view's
samtale_http_request_queries, its sum and count before and after); the bytes the hostile
server managed to send (into the network: what Samtale read and what the two ends' socket
buffers held); when the hostile server saw its connection closed, from the answer (or that
it sent its whole body, or that nothing closed it within PATIENCE); the threads of the
Samtale process before the press and half a second after that; and the latency of GET
/health/live and of the leader's calendar page, each asked every 100 ms from the press
until then (median and max), beside the same with no read going on.

BENCH_APP_ROOT: serve Samtale from another copy of the code (`git archive <commit> | tar -x
-C /tmp/old`) to compare with it; that copy must know the settings the run sets (unknown
ones are ignored). The processes log at WARNING. Times are printed, never checked.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from common import PG_SERVER, PYTHON, ROOT, env

from testkit import calendars as testing  # imports nothing of Django's

PASSWORD = "hostile-calendar-bench-password"
METRICS_TOKEN = "hostile-calendar-bench-metrics-" + "y" * 20
DATABASE = "samtale_bench_hostile_calendar"
LEADER = "leder@benk.example"
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT") or ROOT)
INTERVAL = 0.1
PATIENCE = 120  # seconds to wait for a close that must come; the run fails without it

LEADER_SNIPPET = f"""
from samtale.org.models import Person, Unit
unit = Unit.objects.create(code="B", name="Benken", kind=Unit.Kind.DEPARTMENT)
leader = Person.objects.create_user(
    "{LEADER}", "{PASSWORD}", first_name="Lea", last_name="Leder", unit=unit
)
Person.objects.create_user(
    "ansatt@benk.example", None, first_name="Are", last_name="Ansatt", unit=unit, manager=leader
)
print("LEADER", leader.pk)
"""


# --- The server ---------------------------------------------------------------------------


def database_url(tmp: Path) -> str:
    if os.environ.get("BENCH_DB") != "sqlite":
        try:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                c.execute(f'CREATE DATABASE "{DATABASE}"')
            return f"{PG_SERVER}/{DATABASE}"
        except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
            print(f"PostgreSQL not reachable at {PG_SERVER} ({error}); on SQLite")
    return f"sqlite:///{tmp / 'hostile.sqlite3'}"


def manage(environment: dict, *args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=APP_ROOT,
        env=environment,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout


def prepare(environment: dict) -> int:
    """Migrate, collect the static files, make the leader; the leader's id."""
    manage(environment, "tenants", "-v0", "migrate")
    manage(environment, "collectstatic", "--noinput", "-v0")
    out = manage(environment, "shell", "-c", LEADER_SNIPPET)
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("LEADER")))


def start_server(environment: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--worker-class", "gthread", "--threads", str(THREADS)],
        cwd=APP_ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit(f"hostile_calendar: the server did not start; see {log}")


def worker_threads(server: subprocess.Popen) -> int:
    """The threads of gunicorn's one worker process (Linux's /proc)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sum(len(os.listdir(f"/proc/{pid}/task")) for pid in children)


def fill_the_thread_pool(base: str) -> None:
    """gunicorn starts a request thread only when the ones it has are busy: requests at
    once, a few times, so that all of them are there before the threads are counted."""
    for _ in range(5):
        asked = [
            threading.Thread(target=requests.get, args=(f"{base}/health/live",))
            for _ in range(4 * THREADS)
        ]
        for thread in asked:
            thread.start()
        for thread in asked:
            thread.join()


# --- The leader's pages -------------------------------------------------------------------


def form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(base: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    login = f"{base}/logg-inn/"
    done = session.post(
        login,
        data={
            "csrfmiddlewaretoken": form_token(session, login),
            "username": LEADER,
            "password": PASSWORD,
        },
        headers={"Referer": login},
        timeout=30,
    )
    assert done.ok and "/logg-inn" not in done.url, (done.status_code, done.url)
    return session


def connect(session: requests.Session, base: str, kind: str, url: str) -> None:
    """The leader connects the calendar on their calendar page, as in the browser."""
    page = f"{base}/profil/kalender/"
    done = session.post(
        page,
        data={
            "csrfmiddlewaretoken": form_token(session, page),
            "kind": kind,
            "url": url,
            "username": "lea" if kind == "caldav" else "",
            "password": "lea-passord" if kind == "caldav" else "",
        },
        headers={"Referer": page},
        timeout=30,
        allow_redirects=False,
    )
    assert done.status_code == 302, f"the calendar was not saved ({done.status_code})"


def press_test(session: requests.Session, base: str, leader: int) -> tuple[float, float, str]:
    """The page's Test: (when it was pressed, when Samtale answered, both monotonic; what
    the page then said)."""
    page = f"{base}/profil/kalender/"
    token = form_token(session, page)
    pressed = time.monotonic()
    done = session.post(
        f"{base}/personer/{leader}/kalender/test/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": page},
        timeout=PATIENCE,
        allow_redirects=False,
    )
    answered = time.monotonic()
    assert done.status_code == 302, done.status_code
    said = re.search(
        r"(Kalenderen kunne ikke leses[^<]*|Kalenderen ble lest[^<]*)",
        session.get(page, timeout=30).text,
    )
    return pressed, answered, said.group(1).strip() if said else "(no message)"


def queries(base: str) -> tuple[float, float]:
    """The Test view's samtale_http_request_queries: (sum, count)."""
    text = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30
    ).text

    def value(name: str) -> float:
        found = re.search(rf'^{name}{{view="calendar_test"}} ([0-9.e+]+)$', text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    return value("samtale_http_request_queries_sum"), value("samtale_http_request_queries_count")


class Probe(threading.Thread):
    """Asks `url` every INTERVAL until stopped: the latencies in ms."""

    def __init__(self, session: requests.Session, url: str):
        super().__init__(daemon=True)
        self.session, self.url = session, url
        self.times: list[float] = []
        self.failed = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                ok = self.session.get(self.url, timeout=PATIENCE).ok
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            self.times.append(elapsed * 1000)
            self.failed += not ok
            self.stopping.wait(max(0.0, INTERVAL - elapsed))

    def stop(self) -> str:
        self.stopping.set()
        self.join()
        times = self.times or [0.0]
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms "
            f"(n={len(times)}{failed})"
        )


def probes(base: str, leader: requests.Session) -> list[Probe]:
    found = [
        Probe(requests.Session(), f"{base}/health/live"),
        Probe(leader, f"{base}/profil/kalender/"),
    ]
    for probe in found:
        probe.start()
    return found


# --- The run ------------------------------------------------------------------------------


def idle(base: str, leader: requests.Session) -> None:
    live, page = probes(base, leader)
    time.sleep(3)
    print(f"no read going on: /health/live {live.stop()}; calendar page {page.stop()}")


def hostile(label: str, kind: str, server_kwargs: dict, run: dict) -> None:
    base, leader, process, pk = run["base"], run["leader"], run["process"], run["pk"]
    with testing.hostile_server(**server_kwargs) as hostile_server:
        path = "/kari/arbeid/" if kind == "caldav" else "/kalender.ics"
        connect(leader, base, kind, f"{hostile_server.url}{path}")
        before = queries(base)
        threads_before = worker_threads(process)
        live, page = probes(base, leader)
        pressed, answered, said = press_test(leader, base, pk)
        hostile_server.ended.wait(PATIENCE)
        closed = hostile_server.closed.is_set()
        time.sleep(0.5)  # a thread that is to end has ended
        threads_after = worker_threads(process)
        live_figures, page_figures = live.stop(), page.stop()
        after = queries(base)
        sent = hostile_server.sent
        closed_at = hostile_server.closed_at
    print(f"\n{label}")
    print(f"  Samtale answered the Test in {answered - pressed:.2f} s: «{said}»")
    per_test = (after[0] - before[0]) / max(after[1] - before[1], 1)
    print(f"  queries of the Test request: {per_test:.0f} (/metrics)")
    print(f"  the hostile server sent {sent:,} bytes of body ({sent / 1024 / 1024:.2f} MiB)")
    if closed:
        print(
            f"  it saw its connection closed {closed_at - answered:+.2f} s from the answer "
            f"({closed_at - pressed:.2f} s after the press)"
        )
    elif sent >= server_kwargs["size"]:
        print("  it sent its whole body: Samtale read all of it")
    else:
        print(f"  it did NOT see its connection closed within {PATIENCE} s of the press")
    print(f"  threads of the Samtale process: {threads_before} before, {threads_after} after")
    print(f"  meanwhile: /health/live {live_figures}; calendar page {page_figures}")
    run["lines"].append(
        f"{label.split(')')[0]}) answered {answered - pressed:.2f} s, {per_test:.0f} queries, "
        f"sent {sent / 1024 / 1024:.2f} MiB, closed "
        + (f"{closed_at - answered:+.2f} s from the answer" if closed else "never")
    )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="samtale-hostile-calendar-"))
    url = database_url(tmp)
    environment = env(
        url,
        SAMTALE_BUSY_ALLOWED_NETWORKS="127.0.0.0/8",
        SAMTALE_METRICS_TOKEN=METRICS_TOKEN,
        SAMTALE_REQUIRE_MFA="false",
    )
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"benchmark: a hostile calendar server, {database}, gunicorn 1 process × {THREADS} "
        f"threads (gthread), code from {APP_ROOT}"
    )
    pk = prepare(environment)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_server(environment, port, tmp / "gunicorn.log")
    run = {"base": base, "leader": sign_in(base), "process": process, "pk": pk, "lines": []}
    try:
        fill_the_thread_pool(base)
        idle(base, run["leader"])
        hostile(
            "(a) CalDAV, the REPORT answered with 60 MB, chunked",
            "caldav",
            {"size": 60 * 1024 * 1024},
            run,
        )
        hostile(
            "(b) ICS, one byte every 2 s (Content-Length: 5 MB)",
            "ics",
            {"size": 5 * 1024 * 1024, "chunk": 1, "every": 2.0, "chunked": False},
            run,
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"\nhostile calendar: {'; '.join(run['lines'])}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
