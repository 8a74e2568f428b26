"""A second PostgreSQL server for the tests, started for real on loopback: a cluster of its
own (initdb) in a temporary folder, on a free port, trusting loopback, stopped and removed
at the end. As root (CI, the development machines) it runs as the `postgres` user, which
initdb requires."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

# The PgBouncer settings the containers ship (compose.yaml's pgbouncer and pgbouncer2).
SHIPPED = Path(__file__).resolve().parents[3] / "containers" / "pgbouncer.ini"


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise FileNotFoundError(f"{name} (PostgreSQL's server programs) is not installed.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def postgresql_server():
    """Yields the URL of a new, empty PostgreSQL server (user postgres, trust on loopback)."""
    folder = Path(tempfile.mkdtemp(prefix="samtale-pg2-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_owner(
            [_tool("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        )
        + ["--locale=C.UTF-8"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c fsync=off"
    )
    subprocess.run(
        _as_owner(
            [
                _tool("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_owner([_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def pgbouncer(
    server: str,
    *,
    cap: int = 2,
    idle_seconds: int = 1,
    roles: tuple[str, ...] = ("postgres",),
    clients: int = 500,
    shipped: bool = False,
):
    """Yields the port of a PgBouncer on loopback in front of `server` (host:port):
    transaction pooling, a pool per database and role, at most `cap` server connections per
    database, an idle one closed after `idle_seconds`; it trusts loopback, as the tests'
    PostgreSQL does, for the `roles` it lists (the tenants' own, where they connect as
    them), and takes at most `clients` connections. `shipped`: the pooling settings are the
    shipped file's (containers/pgbouncer.ini: its pool sizes, caps and idle timeout, not
    `cap` and `idle_seconds`), its authentication lines left out for loopback's trust (and
    for PgBouncer 1.18, which does not know its auth_dbname)."""
    folder = Path(tempfile.mkdtemp(prefix="samtale-pgbouncer-"))
    host, port = server.rsplit(":", 1)
    listen = _free_port()
    (folder / "users.txt").write_text("".join(f'"{role}" ""\n' for role in roles))
    if shipped:
        lines = SHIPPED.read_text().splitlines()
        pooling = "\n".join(line for line in lines if not line.startswith("auth_")) + "\n"
    else:
        pooling = (
            "[pgbouncer]\npool_mode = transaction\n"
            f"default_pool_size = {cap}\nmax_db_connections = {cap}\n"
            f"server_idle_timeout = {idle_seconds}\n"
        )
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={host} port={port}\n"
        f"{pooling}"
        f"listen_addr = 127.0.0.1\nlisten_port = {listen}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"max_client_conn = {clients}\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {folder / 'log'}\npidfile = {folder / 'pid'}\n"
    )
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        for item in folder.iterdir():
            shutil.chown(item, "postgres", "postgres")
    process = subprocess.Popen(
        _as_owner([_tool("pgbouncer"), str(folder / "pgbouncer.ini")]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", listen)) == 0:
                    break
            time.sleep(0.05)
        yield listen
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
