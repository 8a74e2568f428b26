"""The compose stack (compose.yaml) on this machine: `make stack`, `make stack-test`,
`make stack-down`.

    python scripts/stack.py up     # start it, keep it, say where to sign in
    python scripts/stack.py test   # start it from scratch, test it through Caddy, take it down
    python scripts/stack.py down   # take it down (its volumes stay; --volumes: them too)

Podman runs every container in the host's network here (scripts/podman-setup.sh), so the
services find each other on ports of 127.0.0.1 (containers/compose.host-network.yaml);
the test's stack has ports of its own, so it runs beside a developer's stack. E-mail goes
to an SMTP server of this script's own (aiosmtpd) on loopback: `up` writes each message
to var/stack/mail/, `test` reads the sign-in link from it.

The test, each step a line that says what it checked:
  migrate, make an administrator without a password, start web, worker, scheduler, Caddy;
  /health/ready through Caddy (database, migrations, worker and scheduler beating);
  the password link asked for through Caddy and sent by the worker; a new password set and
  signed in with, over HTTPS and HTTP/2 through Caddy's own CA; HTML compressed (zstd or
  gzip), static files with a year's immutable cache and precompressed; a client's own
  X-Forwarded-For not believed, Caddy's address for it taken; the worker killed and
  restarted by the stack; `check --deploy` clean inside the image; all taken down.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from email import message_from_bytes, policy
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

# Ports of 127.0.0.1 for each stack: HTTPS, HTTP, the web processes, PostgreSQL, SMTP.
PORTS = {
    "samtale": {"https": 8443, "http": 8081, "web": 8001, "db": 5433, "smtp": 8025},
    "samtale-test": {"https": 18443, "http": 18081, "web": 18001, "db": 15433, "smtp": 18025},
}
ADMIN = "admin@samtale.localhost"


def say(text: str) -> None:
    print(f"stack: {text}", flush=True)


def fail(text: str) -> None:
    raise SystemExit(f"stack: FAILED: {text}")


def secrets_of(project: str) -> dict[str, str]:
    """The stack's secrets, made once and kept in var/stack/<project>.json (mode 0600)."""
    path = VAR / f"{project}.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        "SAMTALE_METRICS_TOKEN": secrets.token_urlsafe(32),
        "ADMIN_PASSWORD": secrets.token_urlsafe(12),
    }
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
            "SAMTALE_METRICS_TOKEN": values["SAMTALE_METRICS_TOKEN"],
            "SAMTALE_HOST": "localhost",
            "SITE_URL": f"https://localhost:{ports['https']}",
            "HTTPS_PORT": str(ports["https"]),
            "HTTP_PORT": str(ports["http"]),
            "WEB_PORT": str(ports["web"]),
            "UPSTREAM": f"127.0.0.1:{ports['web']}",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(ports["db"]),
            "TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(ports["smtp"]),
            "WEB_CONCURRENCY": "2",
            "SAMTALE_ORGANIZATION_NUMBER": "315987652",
        }
    )
    return env


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


class MailServer:
    """An SMTP server on loopback that keeps what it receives (and, for `up`, writes each
    message to a folder)."""

    def __init__(self, port: int, folder: Path | None = None):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.folder = folder
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{len(self.messages)}.eml"
            (self.folder / name).write_bytes(envelope.content)
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Browser:
    """curl with a cookie jar: HTTP/2 over TLS to Caddy, whose own CA is not trusted here
    (a local run), so --insecure."""

    def __init__(self, base: str):
        self.base = base
        self.folder = Path(tempfile.mkdtemp(prefix="stack-"))
        self.jar = self.folder / "cookies"

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = self.folder / "body"
        head = self.folder / "head"
        command = [
            CURL, "--silent", "--show-error", "--http2", "--insecure",
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


def wait_for(what: str, probe, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(1)
    fail(f"{what}: not within {seconds} s")


def db_ready(project: str) -> bool:
    return (
        subprocess.run(
            [PODMAN, "exec", container(project, "db"), "pg_isready", "-q",
             "-p", str(PORTS[project]["db"])],
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


def start(project: str, admin_password: str | None) -> None:
    """Database first, then the migrations and the administrator, then the processes."""
    subprocess.run([str(ROOT / "scripts" / "podman-setup.sh")], check=True)
    if subprocess.run([PODMAN, "image", "exists", IMAGE]).returncode:
        fail(f"no image {IMAGE}: make image builds it")
    compose(project, "up", "-d", "db")
    wait_for("PostgreSQL", lambda: db_ready(project))
    say("PostgreSQL answers")
    compose(project, "run", "--rm", "migrate")
    say("migrations applied (the image's `migrate`)")
    args = ["run", "--rm"]
    if admin_password:
        args += ["-e", f"DJANGO_SUPERUSER_PASSWORD={admin_password}"]
    made = compose(
        project,
        *args,
        "migrate",
        "manage",
        "createsuperuser",
        "--noinput",
        "--email",
        ADMIN,
        "--first_name",
        "Ada",
        "--last_name",
        "Admin",
        check=False,
    )
    if made.returncode and "already" not in made.stdout:
        print(made.stdout, file=sys.stderr)
        fail("createsuperuser")
    say(f"administrator {ADMIN}")
    compose(project, "up", "-d", "web", "worker", "scheduler", "caddy")


def up(_args) -> None:
    project = "samtale"
    ports = PORTS[project]
    password = secrets_of(project)["ADMIN_PASSWORD"]
    base = f"https://localhost:{ports['https']}"
    start(project, password)
    wait_for("/health/ready through Caddy", lambda: ready(base), seconds=180)
    # The mail server runs as long as this command: until Ctrl-C, then the stack stays up.
    with MailServer(ports["smtp"], VAR / "mail"):
        print(
            f"\nSamtale runs at {base}/ (Caddy's own certificate: your browser will ask).\n"
            f"Sign in as {ADMIN} with {password}; the first sign-in sets up two-factor.\n"
            f"E-mail is written to {VAR / 'mail'} while this runs. Ctrl-C stops reading\n"
            "e-mail; `make stack-down` takes the stack down.",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def down(args) -> None:
    for project in PORTS if args.all else [args.project]:
        compose(project, "down", *(["--volumes"] if args.volumes else []), check=False)
        say(f"{project} down{' with its volumes' if args.volumes else ''}")


def check(condition: bool, ok: str, problem: str) -> None:
    if not condition:
        fail(problem)
    say(f"ok: {ok}")


def test(_args) -> None:
    project = "samtale-test"
    ports = PORTS[project]
    base = f"https://localhost:{ports['https']}"
    compose(project, "down", "--volumes", check=False)
    started = time.monotonic()
    browser = Browser(base)
    try:
        with MailServer(ports["smtp"]) as mail:
            start(project, admin_password=None)
            wait_for("/health/ready through Caddy", lambda: ready(base), seconds=180)
            version, status, headers, body = browser.request("/health/ready")
            checks = json.loads(body)["checks"]
            check(
                status == 200 and set(checks.values()) == {"ok"},
                f"/health/ready through Caddy: {', '.join(sorted(checks))} all ok",
                f"/health/ready: {status} {body}",
            )
            sign_in(browser, mail)
            compression_and_static(base)
            forwarded_for(project, browser)
            restarted(project, base)
            deploy_check(project)
        say(f"passed in {time.monotonic() - started:.0f} s")
    except BaseException:
        for service in ("web", "worker", "scheduler", "caddy"):
            logs = subprocess.run(
                [PODMAN, "logs", "--tail", "15", container(project, service)],
                capture_output=True,
                text=True,
            )
            print(f"--- {service}\n{logs.stdout}{logs.stderr}", file=sys.stderr)
        raise
    finally:
        browser.close()
        compose(project, "down", "--volumes", check=False)
        say("taken down, volumes too")


def sign_in(browser: Browser, mail: MailServer) -> None:
    version, status, _, _ = browser.request("/logg-inn/")
    check(version == "2" and status == 200, "sign-in page over HTTP/2", f"{version} {status}")
    _, status, headers, _ = browser.request("/passord/glemt/", data={"email": ADMIN})
    check(status == 302, "password link asked for", f"password reset answered {status}")
    wait_for("the worker's e-mail", lambda: mail.messages, seconds=60)
    [message] = mail.messages
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"https://localhost:\d+/passord/ny/\S+", text)
    check(ADMIN in message["To"], f"the worker sent the password link to {ADMIN}", "")
    path = urllib.parse.urlsplit(link).path
    _, status, headers, _ = browser.request(path)
    check(status == 302, "the link opens the new-password form", f"{status}")
    form = urllib.parse.urlsplit(headers["location"]).path
    password = secrets.token_urlsafe(12)
    _, status, headers, body = browser.request(
        form, data={"new_password1": password, "new_password2": password}
    )
    check(status == 302, "new password set", f"set password answered {status}: {body[:300]}")
    browser.request("/logg-ut/", data={})
    browser.request("/logg-inn/")
    _, status, headers, body = browser.request(
        "/logg-inn/", data={"username": ADMIN, "password": password}
    )
    check(status == 302, "signed in with it", f"sign-in answered {status}")
    version, status, headers, body = browser.request(headers["location"])
    # Production asks an administrator to set up a second factor first.
    check(
        version == "2" and status in (200, 302),
        f"signed in over HTTP/2 (next: {urllib.parse.urlsplit(headers.get('location', '')).path or 'the page'})",
        f"after sign-in: {version} {status}",
    )


def compression_and_static(base: str) -> None:
    browser = Browser(base)
    try:
        _, _, headers, _ = browser.request("/logg-inn/", headers={"Accept-Encoding": "zstd, gzip"})
        encoding = headers.get("content-encoding", "")
        check(encoding in ("zstd", "gzip"), f"HTML compressed ({encoding})", f"HTML: {encoding!r}")
        _, _, _, body = browser.request("/logg-inn/")
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', body)
        check(bool(stylesheets), f"{len(stylesheets)} stylesheet(s) linked", "no stylesheet")
        _, status, headers, _ = browser.request(
            stylesheets[0], headers={"Accept-Encoding": "br, gzip"}
        )
    finally:
        browser.close()
    cache = headers.get("cache-control", "")
    check(
        status == 200 and "max-age=31536000" in cache and "immutable" in cache,
        f"static file with a year's cache ({cache}), "
        f"{headers.get('content-encoding', 'not')} compressed",
        f"static {stylesheets[0]}: {status} {cache!r}",
    )


def forwarded_for(project: str, browser: Browser) -> None:
    """A client's own X-Forwarded-For is not believed: Caddy replaces it, and the app takes
    the address Caddy saw (TRUSTED_PROXIES)."""
    stranger = Browser(browser.base)
    try:
        stranger.request("/logg-inn/")
        stranger.request(
            "/logg-inn/",
            data={"username": ADMIN, "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    finally:
        stranger.close()
    address = subprocess.run(
        [PODMAN, "exec", container(project, "web"), "python", "manage.py", "shell", "--no-imports", "-c",
         "from samtale.core.models import AuditEntry; "
         "print(AuditEntry.objects.filter(action='login.failed').latest('id').ip)"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    check(
        address == "127.0.0.1",
        f"a failed sign-in logged from {address} (Caddy's client), not the X-Forwarded-For sent",
        f"failed sign-in logged from {address!r}",
    )


def restarted(project: str, base: str) -> None:
    name = container(project, "worker")

    def restarts() -> int:
        out = subprocess.run(
            [PODMAN, "inspect", name, "--format", "{{.RestartCount}}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        return int(out or 0)

    before = restarts()
    # As the kernel's OOM killer or a crash would: the process dies, nobody stopped it.
    pid = subprocess.run(
        [PODMAN, "inspect", name, "--format", "{{.State.Pid}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    os.kill(int(pid), signal.SIGKILL)
    wait_for("the worker restarted", lambda: restarts() > before, seconds=60)
    wait_for("/health/ready again", lambda: ready(base), seconds=120)
    check(True, "the worker, killed with SIGKILL, was started again by the stack", "")


def deploy_check(project: str) -> None:
    """`check --deploy` inside the image, with a site's own values."""
    result = subprocess.run(
        [PODMAN, "run", "--rm", "--network", "host",
         "-e", "DEBUG=false", "-e", f"SECRET_KEY={secrets.token_urlsafe(64)}",
         "-e", "ALLOWED_HOSTS=samtale.kommune.no", "-e", "SITE_URL=https://samtale.kommune.no",
         "-e", "BEHIND_TLS_PROXY=true", "-e", "TRUSTED_PROXIES=10.89.10.0/24",
         "-e", "SAMTALE_ORGANIZATION_NUMBER=315987652",
         "-e", f"DATABASE_URL=postgres://samtale:{secrets_of(project)['POSTGRES_PASSWORD']}"
               f"@127.0.0.1:{PORTS[project]['db']}/samtale",
         IMAGE, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True,
    )  # fmt: skip
    check(
        result.returncode == 0,
        f"check --deploy inside the image: {result.stdout.strip().splitlines()[-1]}",
        f"check --deploy: {result.stdout}{result.stderr}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up").set_defaults(run=up)
    commands.add_parser("test").set_defaults(run=test)
    taking_down = commands.add_parser("down")
    taking_down.add_argument("--volumes", action="store_true")
    taking_down.add_argument("--all", action="store_true", help="the test's stack too")
    taking_down.add_argument("--project", default="samtale")
    taking_down.set_defaults(run=down)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
