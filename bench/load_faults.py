"""The load test's faults (bench/loadtest.py): a web worker killed and PostgreSQL restarted
while the load runs, each fault's window kept in the run's result, and whether the task
worker still runs a task after them.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from common import manage


def inject(master: int, url: str, ramp: int, seconds: int, result) -> None:
    """A fifth of the way in (after the `ramp` seconds), SIGKILL one web worker; a third of the way, restart PostgreSQL."""
    time.sleep(ramp + seconds * 0.2)
    children = _children(master)
    if children:
        victim = children[0]
        started = time.time()
        os.kill(victim, signal.SIGKILL)
        print(f"  fault: SIGKILL to gunicorn worker {victim}")
        result.windows.append(("worker killed", started, time.time()))
    time.sleep(seconds * 0.15)
    started = time.time()
    how = _restart_postgresql(url)
    result.windows.append((how, started, time.time()))
    print(f"  fault: {how} in {time.time() - started:.1f} s")


WORKER_PROBE = """
import time
from samtale.work.tasks import ping
result = ping.enqueue()
for _ in range(60):
    result.refresh()
    if result.is_finished:
        break
    time.sleep(0.5)
print("worker", result.status)
"""


def worker_runs(url: str) -> bool:
    """A task enqueued now is run by the worker within 30 s."""
    return "SUCCESSFUL" in manage(url, "shell", "--no-imports", "-c", WORKER_PROBE, capture=True)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _restart_postgresql(url: str) -> str:
    clusters = Path("/etc/postgresql")
    allowed = os.environ.get("LOADTEST_RESTART_PG", "1") == "1"
    if allowed and os.geteuid() == 0 and shutil.which("pg_ctlcluster") and clusters.is_dir():
        version = sorted(p.name for p in clusters.iterdir())[-1]
        subprocess.run(
            [
                shutil.which("pg_ctlcluster"),
                "--skip-systemctl-redirect",
                version,
                "main",
                "restart",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return "PostgreSQL restarted"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
    return "every connection to the database terminated (PostgreSQL not restarted)"
