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
  X-Forwarded-For not believed, Caddy's address for it taken; then (scripts/stack_checks.py)
  a connection in clear refused by each PostgreSQL server, PgBouncer and RabbitMQ, and one
  over TLS with the stack's CA taken; the worker killed and restarted by the stack; `check --deploy` clean inside the image; a
  tenant made on each PostgreSQL server, each answering through Caddy and its PgBouncer; a
  burst of requests, each server's connections counted during it and at rest; a tenant
  moved from one server to the other and answering there; all taken down.
"""

import argparse
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from email import message_from_bytes, policy
from pathlib import Path

from stack_common import (
    ADMIN,
    IMAGE,
    PODMAN,
    PORTS,
    ROOT,
    VAR,
    Browser,
    check,
    compose,
    container,
    db_ready,
    fail,
    ready,
    say,
    secrets_of,
    wait_for,
)

# The processes of the background work: the Celery engine's workers, one per group of kinds
# (compose.yaml), and the scheduler.
WORKERS = ("worker", "worker-heavy", "worker-default", "scheduler")


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


def start(project: str, admin_password: str | None) -> None:
    """Database first, then the migrations and the administrator, then the processes."""
    subprocess.run([str(ROOT / "scripts" / "podman-setup.sh")], check=True)
    if subprocess.run([PODMAN, "image", "exists", IMAGE]).returncode:
        fail(f"no image {IMAGE}: make image builds it")
    compose(project, "up", "-d", "db", "db2")
    for service in ("db", "db2"):
        wait_for(f"PostgreSQL ({service})", lambda service=service: db_ready(project, service))
    say("PostgreSQL answers (db and db2)")
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
    compose(project, "up", "-d", "pgbouncer", "pgbouncer2", "rabbitmq", "web", *WORKERS, "caddy")


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
            from stack_checks import deploy_check, engine, plain_refused, restarted, tenants

            plain_refused(project)
            restarted(project, base)
            deploy_check(project)
            tenants(project)
            engine(project, mail)
        say(f"passed in {time.monotonic() - started:.0f} s")
    except BaseException:
        for service in ("web", *WORKERS, "caddy", "pgbouncer", "pgbouncer2", "rabbitmq"):
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
