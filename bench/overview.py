"""Benchmark: the leader's follow-up overview against a bare Django view, side by side.

    .venv/bin/python bench/overview.py            # 20,000 people, ~1,000,000 actions
    BENCH_QUICK=1 .venv/bin/python bench/overview.py   # 2,000 people, ~100,000 actions

For SQLite and (when reachable) PostgreSQL: builds the benchmark database once
(`manage.py bench_data`; kept in var/ and in the database samtale_bench_<people>
for later runs), starts the app in ONE gunicorn worker process, signs in as a
leader with 20 reports × 10 open actions, and measures requests per second and
p50/p95 latency for (a) a bare view returning "ok" and (b) the overview, in
alternating rounds in the same run, with the same session cookie. Prints both,
their ratio per database, and as the last line the lower ratio: `ratio: X.XX`.
The target: (b) reaches at least half of (a)'s throughput.
"""

import http.client
import os
import socket
import statistics
import subprocess
import threading
import time

from common import PYTHON, ROOT, env, manage, postgres_url, prepare_database, sqlite_url

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 20_000
ROUNDS = 3 if QUICK else 5
SECONDS = 2.0 if QUICK else 4.0
CLIENTS = 4
# Threads in the one gunicorn process (gthread); 1 is gunicorn's plain sync worker.
THREADS = int(os.environ.get("BENCH_THREADS", "1"))

SESSION_SNIPPET = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from samtale.demo.bench_today import BENCH_LEADER_EMAIL
from samtale.org.models import Person
leader = Person.objects.get(email=BENCH_LEADER_EMAIL)
store = SessionStore()
store[SESSION_KEY] = str(leader.pk)
store[BACKEND_SESSION_KEY] = "samtale.accounts.backends.PersonBackend"
store[HASH_SESSION_KEY] = leader.get_session_auth_hash()
store.create()
print("SESSION", store.session_key)
"""


def prepare(database_url: str) -> str:
    """Migrate, fill once, collect static files; return a signed-in session key."""
    prepare_database(database_url, PEOPLE)
    manage(database_url, "collectstatic", "--noinput", "-v0")
    out = manage(database_url, "shell", "-c", SESSION_SNIPPET, capture=True)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("SESSION"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str) -> tuple[int, bytes, list[str]]:
    """GET with the cookie header a browser would send; (status, body, Set-Cookie headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, response.headers.get_all("Set-Cookie") or []


def load(port: int, path: str, cookie: str, seconds: float) -> tuple[int, list[float]]:
    """CLIENTS threads request `path` for `seconds`; returns (requests, latencies in ms)."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        mine = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            status, _body, _cookies = get(port, path, cookie)
            mine.append((time.perf_counter() - start) * 1000)
            if status != 200:
                errors.append(status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{path} answered {errors[0]} ({len(errors)} errors)")
    return len(latencies), latencies


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def measure(name: str, database_url: str) -> float:
    print(f"{name}: preparing", flush=True)
    cookie = f"samtale_session={prepare(database_url)}"
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--workers",
            "1",
            "--threads",
            str(THREADS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(database_url, DJANGO_SETTINGS_MODULE="bench.settings"),
    )
    try:
        for _ in range(100):
            try:
                if get(port, "/helse/", cookie)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status, body, set_cookies = get(port, "/oppfolging/", cookie)
        rows = body.count(b'class="ds-card report')
        if status != 200 or rows != 20:
            raise SystemExit(
                f"the overview answered {status} with {rows} reports; expected 200 with 20"
            )
        # Like a browser, send back the CSRF cookie the page set (the page's forms need it).
        cookie += "".join(f"; {c.split(';')[0]}" for c in set_cookies if c.startswith("csrftoken="))
        load(port, "/bench/bare/", cookie, 1.0)  # warm up both
        load(port, "/oppfolging/", cookie, 1.0)
        results = {"bare": ([], 0.0), "overview": ([], 0.0)}
        for _ in range(ROUNDS):
            for key, path in (("bare", "/bench/bare/"), ("overview", "/oppfolging/")):
                started = time.perf_counter()
                count, latencies = load(port, path, cookie, SECONDS)
                elapsed = time.perf_counter() - started
                results[key] = (results[key][0] + latencies, results[key][1] + elapsed)
    finally:
        server.terminate()
        server.wait(timeout=10)
    rps = {}
    for key, label in (("bare", "(a) bare view"), ("overview", "(b) leader overview")):
        latencies, elapsed = results[key]
        rps[key] = len(latencies) / elapsed
        print(
            f"{name}: {label:<22} {rps[key]:8.1f} req/s   p50 {percentile(latencies, 50):6.1f} ms   "
            f"p95 {percentile(latencies, 95):6.1f} ms   ({len(latencies)} requests)"
        )
    ratio = rps["overview"] / rps["bare"]
    print(f"{name}: overview / bare = {ratio:.2f}")
    return ratio


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    print(
        f"benchmark: {PEOPLE} people, {ROUNDS} rounds × {SECONDS:.0f} s per view, {CLIENTS} clients, "
        f"1 server process with {THREADS} thread(s)"
    )
    ratios = [measure("sqlite", sqlite_url(PEOPLE))]
    if url := postgres_url(PEOPLE):
        ratios.append(measure("postgresql", url))
    print(f"ratio: {min(ratios):.2f}")


if __name__ == "__main__":
    main()
