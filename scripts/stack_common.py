"""What scripts/stack.py and scripts/stack_checks.py share: where the stack's files and
ports are, how to run podman-compose on it, and how a check says what it found."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "stack"
COMPOSE = [
    str(Path(sys.executable).parent / "podman-compose"),
    "-f",
    str(ROOT / "compose.yaml"),
    "-f",
    str(ROOT / "containers" / "compose.host-network.yaml"),
    # The one-off `migrate` service is in this profile, so a plain `up` leaves it out.
    "--profile",
    "setup",
]
IMAGE = os.environ.get("IMAGE", "localhost/samtale:latest")
PODMAN = shutil.which("podman") or "podman"
CURL = shutil.which("curl") or "curl"

# Ports of 127.0.0.1 for each stack: HTTPS, HTTP, the web processes, the two PostgreSQL
# servers and their PgBouncers, SMTP, RabbitMQ and its Erlang distribution.
PORTS = {
    "samtale": {"https": 8443, "http": 8081, "web": 8001, "smtp": 8025,
                "db": 5433, "db2": 5434, "pgbouncer": 6433, "pgbouncer2": 6434,
                "rabbitmq": 5673, "rabbitmq_dist": 25673},
    "samtale-test": {"https": 18443, "http": 18081, "web": 18001, "smtp": 18025,
                     "db": 15433, "db2": 15434, "pgbouncer": 16433, "pgbouncer2": 16434,
                     "rabbitmq": 15673, "rabbitmq_dist": 25674},
}  # fmt: skip
ADMIN = "admin@samtale.localhost"
# The tenants the test makes besides the installation's own, slug → (name, server): one on each
# server (scripts/stack_checks.py).
TENANTS = {"nordvik": ("Nordvik kommune", "second"), "sorvik": ("Sørvik kommune", "")}


def say(text: str) -> None:
    print(f"stack: {text}", flush=True)


def fail(text: str) -> None:
    raise SystemExit(f"stack: FAILED: {text}")


def secrets_of(project: str) -> dict[str, str]:
    """The stack's secrets, made once and kept in var/stack/<project>.json (mode 0600)."""
    path = VAR / f"{project}.json"
    kept = json.loads(path.read_text()) if path.exists() else {}
    # A secret added since the file was written is made now, the others kept.
    values = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(64),
        "POSTGRES_PASSWORD": lambda: secrets.token_urlsafe(24),
        "RABBITMQ_PASSWORD": lambda: secrets.token_urlsafe(24),
        "SAMTALE_METRICS_TOKEN": lambda: secrets.token_urlsafe(32),
        "ADMIN_PASSWORD": lambda: secrets.token_urlsafe(12),
    }
    values = {name: kept[name] if name in kept else make() for name, make in values.items()}
    if values != kept:
        VAR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(values))
    return values


def environment(project: str) -> dict[str, str]:
    ports = PORTS[project]
    values = secrets_of(project)
    env = dict(os.environ)
    env.update(
        {
            "COMPOSE_PROJECT_NAME": project,
            "SAMTALE_IMAGE": IMAGE,
            "SECRET_KEY": values["SECRET_KEY"],
            "POSTGRES_PASSWORD": values["POSTGRES_PASSWORD"],
            "RABBITMQ_PASSWORD": values["RABBITMQ_PASSWORD"],
            "RABBITMQ_HOST": "127.0.0.1",
            "RABBITMQ_PORT": str(ports["rabbitmq"]),
            "RABBITMQ_DIST_PORT": str(ports["rabbitmq_dist"]),
            "SAMTALE_METRICS_TOKEN": values["SAMTALE_METRICS_TOKEN"],
            "SAMTALE_HOST": "localhost",
            "SITE_URL": f"https://localhost:{ports['https']}",
            "HTTPS_PORT": str(ports["https"]),
            "HTTP_PORT": str(ports["http"]),
            "WEB_PORT": str(ports["web"]),
            "UPSTREAM": f"127.0.0.1:{ports['web']}",
            "SAMTALE_TENANT_HOSTS": ", ".join(f"{slug}.localhost" for slug in TENANTS),
            "PGBOUNCER_ADDR": "127.0.0.1",
            "TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(ports["smtp"]),
            # The test's SMTP server on loopback speaks plain SMTP: said so, as an operator
            # must (production refuses e-mail in clear otherwise, samtale.E036).
            "EMAIL_USE_TLS": "false",
            "EMAIL_ALLOW_CLEAR": "true",
            "WEB_CONCURRENCY": "2",
            "SAMTALE_ORGANIZATION_NUMBER": "315987652",
        }
    )
    for service in ("db", "db2", "pgbouncer", "pgbouncer2"):
        env.update(
            {f"{service.upper()}_HOST": "127.0.0.1", f"{service.upper()}_PORT": str(ports[service])}
        )
    tls = tls_of(project)
    env.update({"SAMTALE_TLS_DIR": str(tls), "SAMTALE_RABBITMQ_CONF": str(tls / "rabbitmq.conf")})
    return env


def tls_of(project: str) -> Path:
    """The stack's certificates (scripts/stack_tls.py), and RabbitMQ's configuration with the
    stack's own port (containers/rabbitmq.conf's, 5671 there)."""
    from stack_tls import tls_folder

    folder = tls_folder(VAR, project)
    conf = (ROOT / "containers" / "rabbitmq.conf").read_text()
    conf = conf.replace(
        "listeners.ssl.default = 5671", f"listeners.ssl.default = {PORTS[project]['rabbitmq']}"
    )
    (folder / "rabbitmq.conf").write_text(conf)
    (folder / "rabbitmq.conf").chmod(0o644)
    return folder


def compose(project: str, *args: str, check: bool = True, quiet: bool = True):
    command = [*COMPOSE, "-p", project, *args]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=environment(project),
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if check and result.returncode:
        print(result.stdout or "", file=sys.stderr)
        fail(f"podman-compose {' '.join(args)} exited {result.returncode}")
    return result


def container(project: str, service: str) -> str:
    return f"{project}_{service}_1"


def wait_for(what: str, probe, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(1)
    fail(f"{what}: not within {seconds} s")


def db_ready(project: str, service: str = "db") -> bool:
    return (
        subprocess.run(
            [PODMAN, "exec", container(project, service), "pg_isready", "-q",
             "-p", str(PORTS[project][service])],
            capture_output=True,
        ).returncode
        == 0
    )  # fmt: skip


def ready(base: str) -> bool:
    answer = subprocess.run(
        [CURL, "-sk", "-o", "/dev/null", "-w", "%{response_code}", f"{base}/health/ready"],
        capture_output=True,
        text=True,
    ).stdout
    return answer == "200"


def check(condition: bool, ok: str, problem: str) -> None:
    if not condition:
        fail(problem)
    say(f"ok: {ok}")


class Browser:
    """curl with a cookie jar: HTTP/2 over TLS to Caddy, whose own CA is not trusted here
    (a local run), so --insecure."""

    def __init__(self, base: str, resolve: str = ""):
        self.base = base
        # host:port:address, for a tenant's own name (nordvik.localhost) on loopback.
        self.resolve = ["--resolve", resolve] if resolve else []
        self.folder = Path(tempfile.mkdtemp(prefix="stack-"))
        self.jar = self.folder / "cookies"

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = self.folder / "body"
        head = self.folder / "head"
        command = [
            CURL, "--silent", "--show-error", "--http2", "--insecure", *self.resolve,
            "--cookie", str(self.jar), "--cookie-jar", str(self.jar),
            "--dump-header", str(head), "--output", str(body),
            "--write-out", "%{http_version} %{response_code}",
        ]  # fmt: skip
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        if "Accept-Encoding" not in (headers or {}):
            command.append("--compressed")
        if data is not None:
            token = self.cookie("csrftoken")
            command += ["--header", f"Referer: {self.base}{path}"]
            command += [
                "--data-raw",
                urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}),
            ]
        out = subprocess.run(
            [*command, self.base + path], capture_output=True, text=True, check=True
        ).stdout
        version, status = out.split()
        response_headers = {}
        for line in head.read_text(errors="replace").splitlines():
            name, _, value = line.partition(":")
            if value:
                response_headers[name.strip().lower()] = value.strip()
        return version, int(status), response_headers, body.read_text(errors="replace")

    def cookie(self, name: str) -> str:
        for line in self.jar.read_text().splitlines():
            fields = line.split("\t")
            if len(fields) == 7 and fields[5] == name:
                return fields[6]
        return ""

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)
