"""The app in processes of its own, for tests of what happens when one of them dies: the
environment they run in (production settings), a database they share with the test, and
starting them.

Imports nothing of Django's at module level: bench/ uses `app_env` before Django is set up.
"""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SECRET = secrets.token_urlsafe(64)


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production process on `database_url` served on loopback: DEBUG
    off, a real secret, no TLS (nothing leaves the machine)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        # The benchmarks and live tests make their data with the demo app's commands.
        "SAMTALE_DEMO_TOOLS": "true",
        # Their SMTP servers are on loopback and speak plain SMTP: said so, as an operator
        # must (the TLS default is tested on its own, notifications/tests/test_smtp_tls.py).
        "EMAIL_USE_TLS": "false",
        "EMAIL_ALLOW_CLEAR": "true",
        **extra,
    }


def manage(*args: str, env: dict[str, str], log: Any = None) -> subprocess.Popen[bytes]:
    """`manage.py <args>` started in its own process."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[int]:
    """Two gunicorn processes of four threads each, as a small production runs them, on a
    free loopback port (yielded) once they answer; stopped after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application"]
        + ["--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=2)
                break
            except OSError:  # URLError and a refused connection are OSErrors
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def manage_run(*args: str, env: dict[str, str]) -> str:
    """`manage.py <args>` run to its end; its output. Fails with the output on an error."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise AssertionError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class SharedDatabase:
    """The test's database where other processes reach it: PostgreSQL's test database as it
    is; SQLite's, which lives in the test's memory, copied to a file (`copy`) first. Read
    with `query`, which sees what the other processes wrote."""

    url: str
    path: Path | None = None
    control_url: str | None = None
    # What a process needs to serve the tenants the test registered: the key their secrets
    # (a PostgreSQL tenant's password) are encrypted with, and where their databases are.
    tenants: dict[str, str] | None = None

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a production process on this database (app_env), with the
        test's control database named: beside PostgreSQL's test database, the name a process
        would derive (<name>_control) is not the one the test made under xdist
        (test_<name>_control_gw0); beside a SQLite copy it is a copy too, by the name a
        process derives."""
        control = {"CONTROL_DATABASE_URL": self.control_url} if self.control_url else {}
        return app_env(self.url, **control, **(self.tenants or {}), **extra)

    def query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        if self.path is not None:
            with sqlite3.connect(self.path, timeout=30) as conn:
                return conn.execute(sql, params).fetchall()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return list(cursor.fetchall())

    def execute(self, sql: str, params: Any = ()) -> None:
        """A statement that returns no rows (UPDATE, DELETE, DDL), committed at once."""
        if self.path is not None:
            conn = sqlite3.connect(self.path, timeout=30)
            try:
                with conn:
                    conn.execute(sql, params)
            finally:
                conn.close()
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)


def shared_database(tmp_path: Path) -> SharedDatabase:
    """Call after the test has written what the processes start from (transactional_db)."""
    from django.conf import settings
    from django.db import connection, connections

    tenants = {
        "SAMTALE_SECRETS_KEY": settings.SAMTALE_SECRETS_KEY or settings.SECRET_KEY,
        "SAMTALE_TENANT_DATABASES": str(settings.SAMTALE_TENANT_DATABASES),
    }
    if connection.vendor == "postgresql":
        return SharedDatabase(
            url=_postgres_url(connection.settings_dict),
            control_url=_postgres_url(connections["control"].settings_dict),
            tenants=tenants,
        )
    path = tmp_path / "shared.sqlite3"
    # The control database beside it, by the name a process derives (control.sqlite3): the
    # register of tenants the test made, and where the processes' heartbeats go.
    for alias, target in (("default", path), ("control", path.with_name("control.sqlite3"))):
        _copied(connections[alias], target)
    return SharedDatabase(url=f"sqlite:///{path}", path=path, tenants=tenants)


def _copied(connection: Any, path: Path) -> None:
    """A SQLite database of the test's (in memory) copied to a file, in WAL mode."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    with target:
        connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()


def _postgres_url(settings: dict[str, Any]) -> str:
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    at = f"{user}{password}@" if user else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{at}{host}:{port}/{settings['NAME']}"
