"""Load test: 200 people on Samtale at once for 60 s, on SQLite and on PostgreSQL, then
the same on PostgreSQL while a web worker is killed and the database restarted.

    .venv/bin/python bench/loadtest.py               # make loadtest: 50,000 people
    LOADTEST_QUICK=1 .venv/bin/python bench/loadtest.py   # CI: 2,000 people, 30 users, 15 s

The app is served as in production: gunicorn with 4 workers, DEBUG off, static files
collected, a task worker beside it, on the benchmark database (built once by bench_data,
reused). `manage.py bench_load` plans the work and signs the users in; Locust
(bench/locustfile.py) runs headless with think times. Afterwards every save the server
acknowledged is looked up in the database (bench/load_check.py).

Printed per run: requests per second, p50/p95/p99 per page, errors, conflicts, lost saves;
for the fault run, the errors inside and outside the fault windows and how the app came
back. The last line: `load: errors E, lost saves L, p95 P ms`: E counts every error outside
a fault window, L every lost save, P is the worst p95 of the two databases' clean runs.

Environment: LOADTEST_USERS, LOADTEST_SECONDS, LOADTEST_DB (sqlite, postgresql or both),
LOADTEST_FAULTS=0 to skip the fault run. LOADTEST_STACK=1 (make loadtest-stack) adds two
clean runs on PostgreSQL with the same load: to the container image's gunicorn (podman,
`make image`), and through Caddy over HTTPS/2 to it (containers/Caddyfile), beside the
clean run straight to gunicorn, and prints their ratios: what the container and the proxy
cost. The fault run restarts the PostgreSQL server on
this machine (with root and pg_ctlcluster, as on the development machine and in CI), so
whatever else uses it sees the restart too; without them, or with LOADTEST_RESTART_PG=0,
every connection to the benchmark database is terminated instead, and the run says so.
"""

import csv
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from common import (
    PYTHON,
    ROOT,
    env,
    home_slug,
    manage,
    postgres_url,
    prepare_database,
    sqlite_url,
)
from load_faults import inject, worker_runs

QUICK = os.environ.get("LOADTEST_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000
USERS = int(os.environ.get("LOADTEST_USERS", 30 if QUICK else 200))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", 15 if QUICK else 60))
WHICH = os.environ.get("LOADTEST_DB", "both")
FAULTS = os.environ.get("LOADTEST_FAULTS", "1") == "1"
STACK = os.environ.get("LOADTEST_STACK") == "1"
IMAGE = os.environ.get("IMAGE", "localhost/samtale:latest")
CADDY_IMAGE = os.environ.get("CADDY_IMAGE", "docker.io/library/caddy:2")
PODMAN = shutil.which("podman") or "podman"
# Caddy's ports when the load goes through it (LOADTEST_STACK).
HTTPS_PORT = 8767
HTTP_PORT = 8768
# The fault run is long enough to see the app serve again well after the restart.
FAULT_SECONDS = max(SECONDS, 45)
# The users arrive over this many seconds (not all in the same one); the figures are of the
# SECONDS that follow, all of them at work (Locust's --reset-stats). Errors and saves are
# counted over the whole run.
RAMP_SECONDS = 10 if QUICK else 20
WORKERS = 4
PORT = 8765
SMTP_PORT = 8766
# A request that was under way when a fault hit fails; so do those in the seconds the
# database takes to come back. Errors later than this after a fault count as errors.
FAULT_GRACE_SECONDS = 5
VAR = ROOT / "var"


@dataclass
class Run:
    database: str
    label: str
    requests: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    errors: int = 0
    errors_in_faults: int = 0
    lost: int = 0
    conflicts: int = 0
    saves: int = 0
    windows: list = field(default_factory=list)
    after_fault_ok: int = 0
    worker_alive: bool = True


def main() -> int:
    targets = []
    if WHICH in ("sqlite", "both"):
        targets.append(("sqlite", sqlite_url(PEOPLE)))
    if WHICH in ("postgresql", "both"):
        url = postgres_url(PEOPLE)
        if url:
            targets.append(("postgresql", url))
    print(f"load test: {USERS} users for {SECONDS} s, {PEOPLE} people, gunicorn {WORKERS} workers")
    runs = []
    for database, url in targets:
        print(f"\n== {database}: preparing the benchmark database")
        sys.stdout.flush()
        prepare_database(url, PEOPLE)
        manage(url, "collectstatic", "--noinput", "-v0")
        runs.append(run(database, url, "clean", faults=False))
        if STACK and database == "postgresql":
            runs.append(run(database, url, "image", faults=False, target="image"))
            runs.append(run(database, url, "caddy", faults=False, target="caddy"))
        if FAULTS and database == "postgresql":
            runs.append(run(database, url, "faults", faults=True))
    print("\nsummary")
    print(
        f"{'database':<12}{'run':<8}{'req':>7}{'req/s':>7}{'p50':>7}{'p95':>7}{'err':>5}"
        f"{'in fault':>9}{'saves':>7}{'confl':>6}{'lost':>5}"
    )
    for r in runs:
        print(
            f"{r.database:<12}{r.label:<8}{r.requests:>7}{r.rps:>7.1f}{r.p50:>7.0f}{r.p95:>7.0f}"
            f"{r.errors:>5}"
            f"{r.errors_in_faults:>9}{r.saves:>7}{r.conflicts:>6}{r.lost:>5}"
        )
    by_label = {r.label: r for r in runs if r.database == "postgresql"}
    if STACK and "clean" in by_label:
        straight = by_label["clean"]
        for label, what in (("image", "the image's gunicorn"), ("caddy", "Caddy to the image")):
            if label in by_label and straight.rps:
                other = by_label[label]
                print(
                    f"stack: {what} / gunicorn straight: req/s {other.rps / straight.rps:.2f}, "
                    f"p50 {other.p50 / max(straight.p50, 1):.2f}, "
                    f"p95 {other.p95 / max(straight.p95, 1):.2f}"
                )
    errors = sum(r.errors for r in runs)
    lost = sum(r.lost for r in runs)
    p95 = max((r.p95 for r in runs if r.label != "faults"), default=0)
    failed_recovery = [
        r for r in runs if r.label == "faults" and (r.after_fault_ok == 0 or not r.worker_alive)
    ]
    if failed_recovery:
        print("the app did not serve again after the faults")
    print(f"load: errors {errors}, lost saves {lost}, p95 {p95:.0f} ms")
    return 0 if not errors and not lost and not failed_recovery else 1


def run(database: str, url: str, label: str, *, faults: bool, target: str = "gunicorn") -> Run:
    """One run; `target`: "gunicorn" here, "image" (the image's gunicorn in podman) or
    "caddy" (through Caddy, over HTTPS, to the image)."""
    seconds = FAULT_SECONDS if faults else SECONDS
    where = {"gunicorn": "gunicorn", "image": "the image", "caddy": "Caddy to the image"}[target]
    print(f"\n== {database}, {label} run ({USERS} users, {seconds} s, {where})")
    plan = VAR / f"load-plan-{database}.json"
    ledger = VAR / f"load-ledger-{database}-{label}.json"
    stats = VAR / f"load-{database}-{label}"
    _ports_free(PORT, SMTP_PORT, *((HTTPS_PORT, HTTP_PORT) if target == "caddy" else ()))
    _make_plan(url, plan)
    environment = env(url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(SMTP_PORT), EMAIL_TIMEOUT="5")
    # The app's and the worker's log: conflicts and e-mails are logged as warnings.
    server_log = open(f"{stats}-server.log", "w", encoding="utf-8")  # noqa: SIM115
    mail = _start_mail()
    containers = _start_containers(environment, target) if target != "gunicorn" else []
    # The host's gunicorn, for the "gunicorn" run; the image's in its container otherwise.
    server = _start_gunicorn(environment, server_log) if target == "gunicorn" else None
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--interval", "1"],
        cwd=ROOT,
        env=environment,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    result = Run(database, label)
    try:
        _wait_ready()
        if target == "caddy":
            _wait_ready(f"https://127.0.0.1:{HTTPS_PORT}")
        _wait_outbox_sent(url)
        injector = None
        if faults:
            injector = threading.Thread(
                target=inject, args=(server.pid, url, RAMP_SECONDS, seconds, result)
            )
            injector.start()
        _run_locust(stats, plan, ledger, seconds, target)
        if injector:
            injector.join()
            # The worker too came back by itself: still running, and it runs a new task.
            result.worker_alive = worker.poll() is None and worker_runs(url)
            print(f"  the worker after the faults: {'running' if result.worker_alive else 'DEAD'}")
    finally:
        _stop([p for p in (server, worker, mail) if p], containers)
    _read_stats(stats, result)
    _read_ledger(ledger, result)
    _check_ledger(url, ledger, result)
    return result


def _start_mail() -> subprocess.Popen:
    """A mail server that takes every e-mail and keeps none, where the app sends them."""
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{SMTP_PORT}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _make_plan(url: str, plan: Path) -> None:
    """As many notes, leaders and HR sessions as users of each kind (locustfile's weights:
    70 % employees, 22.5 % leaders, 7.5 % HR), so each has their own."""
    manage(
        url,
        "bench_load",
        "--tenant",
        home_slug(),
        "--out",
        str(plan),
        "--employees",
        str(max(USERS * 70 // 100, 1)),
        "--leaders",
        str(max(USERS * 225 // 1000, 1)),
        "--hr",
        str(max(USERS * 75 // 1000, 1)),
    )


def _start_gunicorn(environment: dict, server_log) -> subprocess.Popen:
    """The host's gunicorn, for the "gunicorn" run."""
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )


def _run_locust(stats: Path, plan: Path, ledger: Path, seconds: int, target: str) -> None:
    """Locust, headless, for the ramp and `seconds` more, its summary in `stats`."""
    log = open(f"{stats}-locust.log", "w", encoding="utf-8")  # noqa: SIM115
    subprocess.run(
        [
            str(Path(PYTHON).parent / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            "-u",
            str(USERS),
            "-r",
            f"{USERS / RAMP_SECONDS:.2f}",
            "-t",
            f"{RAMP_SECONDS + seconds}s",
            "--reset-stats",
            "--host",
            f"https://127.0.0.1:{HTTPS_PORT}" if target == "caddy" else f"http://127.0.0.1:{PORT}",
            "--csv",
            str(stats),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_LEDGER": str(ledger)},
        check=False,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(processes: list, containers: list) -> None:
    """Each process asked to stop, killed if it does not within 20 s; the containers removed."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    for name in containers:
        subprocess.run([PODMAN, "rm", "-f", "-t", "10", name], capture_output=True)


def _check_ledger(url: str, ledger: Path, result: Run) -> None:
    """The ledger of saves checked against the database (bench/load_check.py): the saves
    lost, and the errors it found, into `result`."""
    check = manage(
        url,
        "shell",
        "--no-imports",
        "-c",
        (ROOT / "bench" / "load_check.py").read_text().replace("LEDGER_PATH", repr(str(ledger))),
        capture=True,
    )
    print(check.strip())
    result.lost = int(check.rsplit("lost ", 1)[1].split(",")[0])
    result.errors += int(check.rsplit("half ", 1)[1].split()[0])


OUTBOX_PROBE = """
from samtale.notifications.models import OutboundEmail
print("queued", OutboundEmail.objects.filter(status="queued").count())
"""


def _wait_outbox_sent(url: str, timeout: float = 180) -> None:
    """The invitations bench_load's planning queued go out before the users come (a round's
    invitations are sent a week or two before its conversations), so the worker is not
    sending them while the pages are measured."""
    started = time.monotonic()
    queued = None
    while time.monotonic() - started < timeout:
        out = manage(url, "shell", "--no-imports", "-c", OUTBOX_PROBE, capture=True)
        queued = int(out.rsplit("queued", 1)[1])
        if not queued:
            break
        time.sleep(2)
    print(f"  e-mail: the outbox sent in {time.monotonic() - started:.0f} s ({queued} left)")


def _start_containers(environment: dict, target: str) -> list[str]:
    """The image's web processes on PORT in podman, with Caddy in front on HTTPS_PORT for
    "caddy". Their names, to remove."""
    names = [f"samtale-load-web-{os.getpid()}"]
    passed = {
        key: environment[key]
        for key in environment
        if key.startswith(("SAMTALE_", "SECURE_", "EMAIL_", "DB_", "LOG_"))
        or key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL")
    }
    passed.update(PORT=str(PORT), WEB_CONCURRENCY=str(WORKERS))
    if target == "caddy":
        passed.update(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="127.0.0.1")
        passed["SITE_URL"] = f"https://127.0.0.1:{HTTPS_PORT}"
    command = [PODMAN, "run", "-d", "--rm", "--network", "host", "--name", names[0]]
    for key, value in passed.items():
        command += ["-e", f"{key}={value}"]
    subprocess.run([*command, IMAGE, "web"], check=True, capture_output=True)
    if target == "caddy":
        names.append(f"samtale-load-caddy-{os.getpid()}")
        static = ROOT / "var" / "static"  # collected above, as the image's are
        subprocess.run(
            [PODMAN, "run", "-d", "--rm", "--network", "host", "--name", names[1],
             "-e", "SAMTALE_HOST=127.0.0.1", "-e", f"HTTPS_PORT={HTTPS_PORT}",
             "-e", f"HTTP_PORT={HTTP_PORT}", "-e", f"UPSTREAM=127.0.0.1:{PORT}",
             "-v", f"{ROOT / 'containers' / 'Caddyfile'}:/etc/caddy/Caddyfile:ro",
             "-v", f"{static}:/srv/static:ro",
             CADDY_IMAGE, "caddy", "run", "--config", "/etc/caddy/Caddyfile",
             "--adapter", "caddyfile"],
            check=True, capture_output=True,
        )  # fmt: skip
    return names


def _ports_free(*ports: int) -> None:
    """Each of the run's ports free on loopback, or the run stops: gunicorn only logs that
    its port is taken, and Locust would then measure whatever answers there (a developer's
    own runserver once: every page a sign-in page, every save refused)."""
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                raise SystemExit(
                    f"127.0.0.1:{port} is taken by another process; the load test needs it. "
                    "Stop that process and run it again."
                ) from None


def _wait_ready(base: str = f"http://127.0.0.1:{PORT}", timeout: float = 60) -> None:
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE  # Caddy's own CA, on loopback
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        try:
            # A loopback address of this run's own.
            with urllib.request.urlopen(f"{base}/helse/", timeout=2, context=insecure) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the app did not start")


def _read_stats(prefix: Path, result: Run) -> None:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    print(f"{'page':<40}{'req':>7}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{(row['Type'] + ' ' + name).strip()[:39]:<40}{row['Request Count']:>7}"
            f"{row['Failure Count']:>6}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
        if row["Name"] == "Aggregated":
            result.requests = int(row["Request Count"])
            result.rps = float(row["Requests/s"])
            result.p50 = float(row["50%"])
            result.p95 = float(row["95%"])


def _read_ledger(path: Path, result: Run) -> None:
    ledger = json.loads(path.read_text(encoding="utf-8"))
    result.saves = len(ledger["saves"])
    result.conflicts = ledger["conflicts"]
    if ledger["bad_conflicts"]:
        print(f"  conflicts that named no newer version: {ledger['bad_conflicts'][:5]}")
    windows = [(start, end + FAULT_GRACE_SECONDS) for _how, start, end in result.windows]
    inside = [f for f in ledger["failures"] if any(a <= f[0] <= b for a, b in windows)]
    # Inside a window a request may fail only as the app says it failed (its own error page)
    # or by the connection the killed worker held: anything else there is an error too.
    foreign = [f for f in inside if not f[4] and f[2] not in (0, None)]
    outside = [f for f in ledger["failures"] if f not in inside] + foreign
    result.errors = len(outside) + len(ledger["bad_conflicts"])
    result.errors_in_faults = len(inside)
    for failure in outside[:10]:
        print(f"  error: {failure[1]} {failure[2]} {failure[3][:200]}")
    if windows:
        last = max(b for _a, b in windows)
        result.after_fault_ok = sum(
            n for second, n in ledger["served"].items() if int(second) > last
        )
        kinds = {}
        for failure in inside:
            kind = f"{failure[2] or 'no answer'}{' (the error page)' if failure[4] else ''}"
            kinds[kind] = kinds.get(kind, 0) + 1
        print(
            f"  in the fault windows: {len(inside)} failed requests by status {kinds}; "
            f"{result.after_fault_ok} requests served after the last window"
        )


if __name__ == "__main__":
    raise SystemExit(main())
