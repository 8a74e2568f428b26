"""The app behind Caddy for bench/lighthouse.py: Samtale under gunicorn on a fresh demo
database, served by the stack's own Caddyfile, on free loopback ports.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """Samtale under gunicorn behind Caddy on free loopback ports, on a fresh demo database."""

    def __init__(self, password: str) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="samtale-lighthouse-"))
        self.port = free_port()
        self.app_port = free_port()
        self.url = f"https://localhost:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": self.url,
            "BEHIND_TLS_PROXY": "true",
            "TRUSTED_PROXIES": "127.0.0.1",
            "SAMTALE_ORGANIZATION_NUMBER": "315987652",
            "DATABASE_URL": f"sqlite:///{self.tmp / 'lighthouse.sqlite3'}",
            "SAMTALE_DEMO_TOOLS": "true",
            "SAMTALE_DEMO_PASSWORD": password,
            # HR's page is measured, not the two-factor page HR would be sent to first.
            "SAMTALE_REQUIRE_MFA": "false",
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *args: str, **env: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **env}, check=True)

    def start(self) -> str:
        caddy = shutil.which("caddy")
        if not caddy:
            sys.exit("lighthouse: caddy is not installed (apt-get install caddy)")
        print("lighthouse: a fresh demo database, static files collected ...", flush=True)
        # The demo's shared password loads only under DEBUG; the app then runs without it.
        self.manage("tenants", "-v0", "migrate", DEBUG="true")
        self.manage("demo_data", "--no-logins", DEBUG="true")
        self.manage("collectstatic", "--noinput", "-v0")
        self._serve_gunicorn()
        self._serve_caddy(caddy)
        for _ in range(120):
            try:
                # Caddy's internal CA is in no trust store.
                live = requests.get(f"{self.url}/health/live", verify=False, timeout=2)  # noqa: S501
                if live.ok:
                    print(f"lighthouse: serving {self.url} (Caddy → gunicorn)", flush=True)
                    return self.url
            except requests.RequestException:
                pass
            if any(p.poll() is not None for p in self.processes):
                break
            time.sleep(0.5)
        self.stop()
        sys.exit(f"lighthouse: the app did not come up behind Caddy; see {self.tmp}/*.log")

    def _serve_gunicorn(self) -> None:
        """The app under gunicorn, on its loopback port."""
        log = open(self.tmp / "gunicorn.log", "w")  # noqa: SIM115 - open while it runs
        self.processes.append(
            subprocess.Popen(
                [
                    str(Path(PYTHON).parent / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.app_port}",
                    "--workers",
                    "2",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    def _serve_caddy(self, caddy: str) -> None:
        """The stack's own Caddyfile (containers/Caddyfile), on ports of this run's own."""
        # settings.STATIC_ROOT: var/static, served by Caddy as /static/ from var/.
        static_root = VAR / "static"
        caddy_env = {
            **os.environ,
            "HOME": str(self.tmp),
            "XDG_DATA_HOME": str(self.tmp),
            "XDG_CONFIG_HOME": str(self.tmp),
            "SAMTALE_HOST": "localhost",
            "CADDY_TLS": "internal",
            "HTTPS_PORT": str(self.port),
            "HTTP_PORT": str(free_port()),
            "UPSTREAM": f"127.0.0.1:{self.app_port}",
            "STATIC_ROOT": str(static_root),
        }
        caddyfile = ROOT / "containers" / "Caddyfile"
        self.processes.append(
            subprocess.Popen(
                [caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
                env=caddy_env,
                stdout=open(self.tmp / "caddy.log", "w"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
