"""make stack-test's later checks (scripts/stack.py runs them after sign-in): the worker
killed and started again, `check --deploy` inside the image, and the tenants: one on each
PostgreSQL server, both reached through the PgBouncer in front of it.

  a tenant made on the second server (`tenants create --server second`) and one on the
  installation's own, each answering through Caddy at its own name; a burst of requests to
  both and the installation's own tenant, PostgreSQL's connections sampled while it runs (PgBouncer's cap:
  MAX_DB_CONNECTIONS per database) and counted again at rest; the tenant on the own server
  moved to the second (`tenants move`) and answering there.

The operators' commands run in the `migrate` service, which reaches the servers themselves.
"""

import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter

from stack_common import (
    CURL,
    IMAGE,
    PODMAN,
    PORTS,
    TENANTS,
    Browser,
    check,
    compose,
    container,
    ready,
    say,
    secrets_of,
    tls_of,
    wait_for,
)

# PgBouncer's cap of server connections per database (containers/pgbouncer.ini).
MAX_DB_CONNECTIONS = 4
# PgBouncer closes a server connection idle this long (server_idle_timeout).
IDLE_SECONDS = 2
# Each server's service.
SERVERS = {"": "db", "second": "db2"}


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
         # The operator's public key that backups are sealed for (its private half is not
         # here: the check needs none).
         "-e", "SAMTALE_BACKUP_RECIPIENTS=age14h3c5qxkk4wwgxsmmduc89e99c5a7pd4tnuv8u35kqrjgvh7qs8q6qean7",
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


def url(project: str, slug: str, path: str) -> str:
    host = f"{slug}.localhost" if slug else "localhost"
    return f"https://{host}:{PORTS[project]['https']}{path}"


def fetch(project: str, slug: str, path: str) -> int:
    """The status a page answers with through Caddy at the tenant's own name."""
    port = PORTS[project]["https"]
    out = subprocess.run(
        [CURL, "-sk", "--http2", "-o", "/dev/null", "-w", "%{response_code}",
         "--resolve", f"{slug}.localhost:{port}:127.0.0.1", url(project, slug, path)],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return int(out or 0)


def manage(project: str, *args: str) -> str:
    return compose(project, "run", "--rm", "migrate", "manage", *args).stdout


def connect(project: str, service: str, dbname: str = "postgres", port: str = ""):
    """A connection to a PostgreSQL server itself (or, given `port`, through its PgBouncer)
    as the stack's superuser."""
    import psycopg

    return psycopg.connect(
        host="127.0.0.1", port=port or PORTS[project][service], dbname=dbname, user="samtale",
        password=secrets_of(project)["POSTGRES_PASSWORD"], autocommit=True,
        prepare_threshold=None, **verified(project),
    )  # fmt: skip


def plain_refused(project: str) -> None:
    """Every service inside the stack refuses a connection in clear, and takes one over TLS
    whose certificate and name the stack's CA vouches for: each PostgreSQL server and each
    PgBouncer (sslmode=disable), and RabbitMQ (AMQP's greeting without TLS)."""
    import psycopg

    for service in ("db", "db2", "pgbouncer", "pgbouncer2"):
        try:
            psycopg.connect(
                host="127.0.0.1", port=PORTS[project][service], dbname="postgres",
                user="samtale", password=secrets_of(project)["POSTGRES_PASSWORD"],
                sslmode="disable", connect_timeout=10,
            ).close()  # fmt: skip
            refused = ""
        except psycopg.OperationalError as error:
            refused = str(error).strip().splitlines()[-1]
        check(
            bool(refused),
            f"{service}: in clear refused ({refused[:80]})",
            f"{service}: a connection in clear was let in",
        )
        with connect(
            project,
            service if service.startswith("db") else "db",
            port=PORTS[project][service] if service.startswith("pg") else "",
        ) as link:
            on_tls = link.execute("SHOW ssl").fetchone()[0] if service.startswith("db") else "on"
        check(on_tls == "on", f"{service}: over TLS, verify-full, taken", f"{service}: ssl is {on_tls}")  # fmt: skip
    with socket.create_connection(("127.0.0.1", PORTS[project]["rabbitmq"]), timeout=10) as raw:
        raw.sendall(b"AMQP\x00\x00\x09\x01")
        raw.settimeout(10)
        try:
            answer = raw.recv(64)
        except (ConnectionResetError, TimeoutError):
            answer = b""
    check(not answer.startswith(b"\x01"), f"rabbitmq: AMQP in clear refused (answer {answer[:8]!r})", "rabbitmq answered AMQP in clear")  # fmt: skip
    context = ssl.create_default_context(cafile=str(tls_of(project) / "ca.crt"))
    address = ("127.0.0.1", PORTS[project]["rabbitmq"])
    with (
        socket.create_connection(address, timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(b"AMQP\x00\x00\x09\x01")
        greeting = tls.recv(8)
    check(greeting[:1] == b"\x01", "rabbitmq: AMQP over TLS, the certificate verified, answered", f"rabbitmq over TLS: {greeting!r}")  # fmt: skip


def verified(project: str) -> dict[str, str]:
    """libpq's options for TLS checked against the stack's CA, as the processes connect."""
    return {"sslmode": "verify-full", "sslrootcert": str(tls_of(project) / "ca.crt")}


def connections(project: str, service: str, connection=None) -> Counter:
    """PostgreSQL's client connections on `service`, by database (this query's own left out)."""
    query = (
        "SELECT datname, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        " AND pid <> pg_backend_pid() GROUP BY datname"
    )
    if connection is not None:
        return Counter(dict(connection.execute(query).fetchall()))
    with connect(project, service) as connection:
        return Counter(dict(connection.execute(query).fetchall()))


def shown(counts: Counter) -> str:
    return f"{sum(counts.values())} ({', '.join(f'{d} {n}' for d, n in sorted(counts.items()))})"


def tenants(project: str) -> None:
    for slug, (name, server) in TENANTS.items():
        started = time.monotonic()
        manage(
            project, "tenants", "create", slug, "--name", name, "--host", f"{slug}.localhost",
            "--url", url(project, slug, "/"), "--server", server,
            "--set", f"DEFAULT_FROM_EMAIL={name} <samtale@{slug}.localhost>",
        )  # fmt: skip
        # The web processes read the register again within tenancy.REFRESH_SECONDS.
        wait_for(f"{slug}'s sign-in page", lambda s=slug: fetch(project, s, "/logg-inn/") == 200)
        check(
            fetch(project, slug, "/health/ready") == 200,
            f"{slug}.localhost on {SERVERS[server]} (through {pooler(server)}): made in "
            f"{time.monotonic() - started:.0f} s, its sign-in page and /health/ready answer 200",
            f"{slug}: /health/ready",
        )
    # A process that read the register just before a tenant was made looks its name up again
    # once that read is a second old (tenancy.MISS_SECONDS): from then on every one serves it.
    time.sleep(1.5)
    check(
        fetch(project, "elsewhere", "/logg-inn/") in (400, 404, 0),
        "a name no tenant has is not served",
        "elsewhere.localhost answered",
    )
    burst(project)
    capped(project)
    at_rest(project)
    moved(project)


def pooler(server: str) -> str:
    return "pgbouncer2" if server else "pgbouncer"


def burst(project: str, requests: int = 300, parallel: int = 24) -> None:
    """Many requests at once to every tenant (sign-in pages, and /health/ready, which asks
    the tenant's database, the control database and the heartbeats); each server's
    connections sampled meanwhile."""
    port = PORTS[project]["https"]
    slugs, paths = ["", *TENANTS], ["/logg-inn/", "/health/ready"]
    urls = [url(project, slugs[i % 3], paths[i // 3 % 2]) for i in range(requests)]
    command = [CURL, "-sk", "--http2", "--parallel", "--parallel-max", str(parallel),
               "-w", "%{response_code}\\n"]  # fmt: skip
    for slug in TENANTS:
        command += ["--resolve", f"{slug}.localhost:{port}:127.0.0.1"]
    for address in urls:
        command += ["-o", "/dev/null", address]
    with Sampler(project) as peaks:
        started = time.monotonic()
        statuses = subprocess.run(command, capture_output=True, text=True).stdout.split()
        seconds = time.monotonic() - started
    check(
        statuses.count("200") == requests,
        f"{requests} requests (sign-in pages and /health/ready), {parallel} at a time, to the "
        f"installation's own tenant, nordvik and sorvik: all 200 in {seconds:.1f} s",
        f"burst answered {Counter(statuses)}",
    )
    for service, peak in peaks.items():
        check(
            max(peak.values(), default=0) <= MAX_DB_CONNECTIONS,
            f"{service} during it, each database's most at once: {shown(peak)} "
            f"(at most {MAX_DB_CONNECTIONS} per database)",
            f"{service} during the burst: {shown(peak)}",
        )


class Sampler:
    """Each server's client connections by database, sampled every 20 ms while it runs: the
    most seen at once of each."""

    def __init__(self, project: str):
        self.project = project
        self.peaks = {service: Counter() for service in SERVERS.values()}
        self.done, self.started = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self):
        links = {service: connect(self.project, service) for service in self.peaks}
        try:
            while True:
                for service, peak in self.peaks.items():
                    for database, count in connections("", "", links[service]).items():
                        peak[database] = max(peak[database], count)
                self.started.set()
                if self.done.wait(0.02):
                    return
        finally:
            self.started.set()
            for link in links.values():
                link.close()

    def __enter__(self):
        self.thread.start()
        self.started.wait(30)
        return self.peaks

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def capped(project: str, clients: int = 16, hold: float = 0.5) -> None:
    """Many clients at once through pgbouncer2 into nordvik's database, as two roles, each
    holding its transaction `hold` seconds: PgBouncer lets at most MAX_DB_CONNECTIONS of them
    reach the server at a time (3 per role, 4 per database), and the rest wait their turn."""
    import psycopg

    database, probe = "samtale_nordvik", secrets.token_urlsafe(16)
    with connect(project, "db2") as admin:
        admin.execute(f"CREATE ROLE stack_probe LOGIN PASSWORD '{probe}'")
        admin.execute(f"GRANT CONNECT ON DATABASE {database} TO stack_probe")

    def client(number: int) -> None:
        if number % 2:
            link = connect(project, "db2", database, port=PORTS[project]["pgbouncer2"])
        else:
            link = psycopg.connect(
                host="127.0.0.1", port=PORTS[project]["pgbouncer2"], dbname=database,
                user="stack_probe", password=probe, autocommit=True, prepare_threshold=None,
                **verified(project),
            )  # fmt: skip
        with link:
            link.execute("SELECT pg_sleep(%s)", (hold,))

    try:
        with Sampler(project) as peaks:
            started = time.monotonic()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.monotonic() - started
    finally:
        with connect(project, "db2") as admin:
            admin.execute(f"REVOKE CONNECT ON DATABASE {database} FROM stack_probe")
            admin.execute("DROP ROLE stack_probe")
    most = peaks["db2"][database]
    check(
        most <= MAX_DB_CONNECTIONS and seconds >= clients / MAX_DB_CONNECTIONS * hold * 0.9,
        f"{clients} clients at once through pgbouncer2 into {database} (two roles, each "
        f"holding {hold} s): at most {most} of db2's connections at once, done in "
        f"{seconds:.1f} s (the rest waited their turn)",
        f"{database} through pgbouncer2: {most} at once, {seconds:.1f} s",
    )


def at_rest(project: str) -> None:
    """After PgBouncer's idle timeout: what the worker's and scheduler's rounds keep open."""
    time.sleep(IDLE_SECONDS + 10)
    for service in SERVERS.values():
        counts = connections(project, service)
        databases = len(counts) or 1
        # What stays is what the worker's and the scheduler's rounds used within the last
        # IDLE_SECONDS; never more than PgBouncer's cap.
        check(
            sum(counts.values()) <= MAX_DB_CONNECTIONS * databases
            and max(counts.values(), default=0) <= MAX_DB_CONNECTIONS,
            f"{service} at rest ({IDLE_SECONDS + 10} s without requests): {shown(counts)} "
            f"client connections (bound: {MAX_DB_CONNECTIONS} per database, "
            f"{MAX_DB_CONNECTIONS * databases} for these {databases})",
            f"{service} at rest: {shown(counts)}",
        )


def moved(project: str) -> None:
    slug, (_, server) = "sorvik", TENANTS["sorvik"]
    target = "second" if not server else ""
    started = time.monotonic()
    said = manage(project, "tenants", "move", slug, target)
    seconds = time.monotonic() - started
    wait_for(f"{slug} after the move", lambda: fetch(project, slug, "/logg-inn/") == 200)
    on_target = connections(project, SERVERS[target])
    listed = re.findall(r"\((\d+ tables, \d+ rows), all equal\)", said)
    with connect(project, SERVERS[server]) as source:
        left = source.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (f"samtale_{slug}",)
        ).fetchone()[0]
    check(
        fetch(project, slug, "/health/ready") == 200 and bool(listed) and not left,
        f"{slug} moved from {SERVERS[server]} to {SERVERS[target]} in {seconds:.0f} s "
        f"({listed[0] if listed else '?'}, all equal), answers there, its old database "
        f"dropped; {SERVERS[target]} now: {shown(on_target)}",
        f"{slug} after the move: {said[-500:]}; old database left: {left}",
    )


# The Celery engine's queues (samtale.work.engine.kinds, SAMTALE_WORK_QUEUE_PREFIX's default).
QUEUES = ("mail", "calendars", "archive", "insight", "exports", "default")


def engine(project: str, mail) -> None:
    """Every kind's queue has a worker, and a tenant's e-mail goes through RabbitMQ in it."""
    from kombu import Connection

    broker = (
        f"amqps://samtale:{secrets_of(project)['RABBITMQ_PASSWORD']}"
        f"@127.0.0.1:{PORTS[project]['rabbitmq']}/"
    )
    tls = {"ca_certs": str(tls_of(project) / "ca.crt"), "cert_reqs": ssl.CERT_REQUIRED,
           "server_hostname": None}  # fmt: skip
    with Connection(broker, connect_timeout=10, ssl=tls) as connection:
        channel = connection.channel()
        consumers = {
            kind: channel.queue_declare(f"samtale.{kind}", passive=True).consumer_count
            for kind in QUEUES
        }
    check(
        all(consumers.values()),
        "RabbitMQ: every kind's queue has its worker ("
        + ", ".join(f"{kind} {n}" for kind, n in consumers.items())
        + ")",
        f"queues without a consumer: {consumers}",
    )
    slug, (name, _) = "nordvik", TENANTS["nordvik"]
    address = f"admin@{slug}.localhost"
    manage(project, "tenants", "run", slug, "--", "createsuperuser", "--noinput", "--email", address,
           "--first_name", "Nora", "--last_name", "Nordvik")  # fmt: skip
    port = PORTS[project]["https"]
    browser = Browser(
        f"https://{slug}.localhost:{port}", resolve=f"{slug}.localhost:{port}:127.0.0.1"
    )
    try:
        browser.request("/logg-inn/")
        _, status, _, _ = browser.request("/passord/glemt/", data={"email": address})
    finally:
        browser.close()
    started = time.monotonic()

    def arrived():
        return [m for m in mail.messages if address in m["To"]]

    wait_for(f"{slug}'s e-mail through RabbitMQ", arrived, seconds=60)
    [message] = arrived()
    text = message.get_body(("plain",)).get_content()
    check(
        status == 302
        and f"samtale@{slug}.localhost" in message["From"]
        and f"https://{slug}.localhost:{port}/passord/ny/" in text,
        f"{name}'s password link sent through RabbitMQ by the mail worker in "
        f"{time.monotonic() - started:.1f} s, from {message['From']}, linking to {slug}.localhost",
        f"{slug}: asked {status}, from {message['From']!r}, text {text[:300]!r}",
    )
    say(f"engine checked: {sum(consumers.values())} consumers on {len(QUEUES)} queues")
