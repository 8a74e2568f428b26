"""Benchmark: what hostile mail to the calendar address costs a Samtale process (issue 45).

    .venv/bin/python bench/hostile_mail.py     (make bench-hostile-mail)

Anyone can send mail to the calendar address, and the mail server forwards it. This starts
Samtale as in production (gunicorn with one sync worker, so one web process, DEBUG off) on a
fresh demo database, PostgreSQL when one answers (BENCH_PG) or SQLite (BENCH_DB=sqlite),
with the calendar webhook on, and posts it, as a mail server would, answers to one invited
conversation of the demo from its employee:

  (a) a REPLY of 15 MB holding 100,000 VEVENTs;
  (b) a REPLY just under SAMTALE_CALENDAR_MAX_BYTES holding as many VEVENTs as fit;
  (c) 20,000 calendar parts that do not parse (as many as fit under the limit);
  (d) a good answer, one VEVENT, for reference;
  (e) one VEVENT filled to the limit with short properties, within every limit: what a
      message may still cost (icalendar parses it whole).

Each is posted again and again for SECONDS (at least once) while GET /health/live and the
leader's home page (signed in) are each asked every 100 ms. Printed for each: the HTTP
status, the time until Samtale answered as the client saw it (from the first byte sent; the
client stops sending when the answer comes, as curl does), the database queries of one post
(from /metrics: samtale_http_request_queries for the view, its sum over its count), and the
median and max latency of the other requests meanwhile, beside the same without the posts.

Then the same messages through the IMAP path, in this process: delivered into Dovecot on
loopback (testkit.mail, as the tests do; skipped without Dovecot) and read
by ImapMailbox one at a time: the time and the queries of each run. Last, for comparison
with the code before the limits, `inbox.receive` of a 2,000-VEVENT REPLY with the limits
lifted by settings, timed and counted, and extrapolated linearly to 100,000 (it says so).
The processes log at WARNING, as in the other benchmarks: the line each answer logs at INFO
costs nothing here. BENCH_SECONDS (3): how long each message is posted over and over.
"""

import os
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from common import PG_SERVER, PYTHON, ROOT, env

TOKEN = "hostile-mail-bench-token-" + "x" * 20
METRICS_TOKEN = "hostile-mail-bench-metrics-" + "y" * 20
PASSWORD = "hostile-mail-bench-password"
DATABASE = "samtale_bench_hostile_mail"
SECONDS = float(os.environ.get("BENCH_SECONDS", 3))
INTERVAL = 0.1
LIMIT = 1024 * 1024  # SAMTALE_CALENDAR_MAX_BYTES's default, which the server runs with


# --- The messages -------------------------------------------------------------------------


def event(uid: str, attendee: str, sequence: int) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        f"SEQUENCE:{sequence}\r\n"
        "DTSTAMP:20261123T080000Z\r\n"
        f"ATTENDEE;PARTSTAT=DECLINED:mailto:{attendee}\r\n"
        "END:VEVENT\r\n"
    )


def reply(target: dict, events: int, message_id: str, filler: str = "") -> bytes:
    head = (
        f"From: {target['employee']}\r\nTo: kalender@127.0.0.1\r\n"
        f"Message-ID: <{message_id}@bench.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//EN\r\nMETHOD:REPLY\r\n"
    )
    one = event(target["uid"], target["employee"], target["sequence"])
    one = one.replace("END:VEVENT", filler + "END:VEVENT")
    return (head + one * events + "END:VCALENDAR\r\n").encode()


def fitting_reply(target: dict, limit: int) -> bytes:
    one = len(event(target["uid"], target["employee"], target["sequence"]))
    return reply(target, (limit - len(reply(target, 0, "b"))) // one, "b")


def one_long_event(target: dict, limit: int) -> bytes:
    """One VEVENT filled to the limit with short properties: within every limit."""
    line = "X-A:1\r\n"
    return reply(target, 1, "e", line * ((limit - len(reply(target, 1, "e"))) // len(line)))


def calendar_parts(count: int, limit: int) -> bytes:
    head = (
        b"From: someone@bench.example\r\nMessage-ID: <c@bench.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
    )
    part = b"--b\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n"
    count = min(count, (limit - len(head) - 7) // len(part))
    return head + part * count + b"--b--\r\n"


def messages(target: dict, limit: int) -> list[tuple[str, bytes]]:
    return [
        ("(a) 100,000 VEVENTs", reply(target, 100_000, "a")),
        ("(b) VEVENTs to the limit", fitting_reply(target, limit)),
        ("(c) 20,000 calendar parts", calendar_parts(20_000, limit)),
        ("(d) a good answer", reply(target, 1, "d")),
        ("(e) one VEVENT of short lines", one_long_event(target, limit)),
    ]


def describe(raw: bytes) -> str:
    events = raw.count(b"BEGIN:VEVENT")
    parts = raw.count(b"--b\r\n")
    what = f"{events:,} VEVENTs" if events else f"{parts:,} calendar parts"
    lines = raw.count(b"\n")
    return f"{len(raw) / 1e6:.2f} MB, {what}" + (f", {lines:,} lines" if events == 1 else "")


# --- The server ---------------------------------------------------------------------------


def database_url(tmp: Path) -> str:
    if os.environ.get("BENCH_DB") != "sqlite":
        try:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                c.execute(f'CREATE DATABASE "{DATABASE}"')
            return f"{PG_SERVER}/{DATABASE}"
        except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
            print(f"PostgreSQL not reachable at {PG_SERVER} ({error}); on SQLite")
    return f"sqlite:///{tmp / 'hostile.sqlite3'}"


def prepare(environment: dict) -> None:
    for args in (
        ["tenants", "-v0", "migrate"],
        ["demo_data", "--force", "--no-logins"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_server(environment: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit(f"hostile_mail: the server did not start; see {log}")


def sign_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    page = session.get(f"{base}/logg-inn/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        f"{base}/logg-inn/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD},
        headers={"Referer": f"{base}/logg-inn/"},
        timeout=30,
    )
    assert done.ok and "/logg-inn" not in done.url, (done.status_code, done.url)
    return session


def post(port: int, body: bytes) -> tuple[int, float]:
    """POST `body` to the webhook as a mail server does; stop sending as soon as Samtale
    answers (as curl does). (status, seconds until the status line came)."""
    sock = socket.create_connection(("127.0.0.1", port))
    head = (
        f"POST /kalender/innboks/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: message/rfc822\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    sock.sendall(head)
    sock.setblocking(False)
    view, sent, answer = memoryview(body), 0, b""
    try:
        while b"\r\n" not in answer:
            sending = [sock] if sent < len(body) else []
            readable, writable, _ = select.select([sock], sending, [], 120)
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
            elif writable:
                try:
                    sent += sock.send(view[sent : sent + 256 * 1024])
                except (BrokenPipeError, ConnectionResetError):
                    sent = len(body)  # the server stopped reading: its answer is coming
        seconds = time.perf_counter() - started
    finally:
        sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, seconds


class Probe(threading.Thread):
    """Asks `url` every INTERVAL until stopped; the latencies in ms."""

    def __init__(self, session: requests.Session, url: str):
        super().__init__(daemon=True)
        self.session, self.url = session, url
        self.times: list[float] = []
        self.failed = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.perf_counter()
            try:
                ok = self.session.get(self.url, timeout=600).ok
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            self.times.append(elapsed * 1000)
            self.failed += not ok
            self.stopping.wait(max(0.0, INTERVAL - elapsed))

    def stop(self) -> str:
        self.stopping.set()
        self.join()
        times = self.times or [0.0]
        failed = f", {self.failed} failed" if self.failed else ""
        return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms (n={len(times)}{failed})"


def metric(base: str, name: str, view: str = "calendar_inbound") -> float:
    text = requests.get(
        f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=30
    ).text
    found = re.search(rf'^{name}{{view="{view}"}} ([0-9.e+]+)$', text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def probes(base: str, leader: requests.Session) -> tuple[Probe, Probe]:
    live = Probe(requests.Session(), f"{base}/health/live")
    page = Probe(leader, f"{base}/")
    live.start()
    page.start()
    return live, page


def over_http(base: str, port: int, leader: requests.Session, inputs) -> None:
    print(f"\nthe webhook, one gunicorn sync worker; other requests every {INTERVAL * 1000:.0f} ms")
    live, page = probes(base, leader)
    time.sleep(SECONDS)
    print(f"  without posts: /health/live {live.stop()}; leader's / {page.stop()}")
    for label, raw in inputs:
        count = metric(base, "samtale_http_request_queries_count")
        queries = metric(base, "samtale_http_request_queries_sum")
        seconds = metric(base, "samtale_http_request_duration_seconds_sum")
        live, page = probes(base, leader)
        answers, until = [], time.perf_counter() + SECONDS
        while not answers or time.perf_counter() < until:
            answers.append(post(port, raw))
        said_live, said_page = live.stop(), page.stop()
        posts = metric(base, "samtale_http_request_queries_count") - count
        per_post = (metric(base, "samtale_http_request_queries_sum") - queries) / max(posts, 1)
        server_ms = (
            (metric(base, "samtale_http_request_duration_seconds_sum") - seconds)
            / max(posts, 1)
            * 1000
        )
        statuses = sorted({status for status, _ in answers})
        client = [s * 1000 for _, s in answers]
        print(
            f"  {label} ({describe(raw)}): HTTP {'/'.join(map(str, statuses))}, "
            f"answered in median {statistics.median(client):.1f} ms, max {max(client):.1f} ms "
            f"(server {server_ms:.1f} ms), {per_post:.0f} queries a post, "
            f"posted {len(answers)} times"
        )
        print(f"      meanwhile /health/live {said_live}; leader's / {said_page}")


# --- In this process ------------------------------------------------------------------------


def counted(run):
    """(result, seconds, queries) of run()."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = run()
    return result, time.perf_counter() - started, len(queries)


def set_aside_since(pk: int) -> str:
    from samtale.core.models import SetAsideMessage

    found = SetAsideMessage.objects.filter(pk__gt=pk).order_by("pk").last()
    return f"set aside ({found.reason}: {found.detail})" if found else "taken"


def last_set_aside() -> int:
    from samtale.core.models import SetAsideMessage

    return SetAsideMessage.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def over_imap(inputs) -> None:
    import logging

    from samtale.notifications import inbox
    from testkit.mail import dovecot_missing, imap_server

    if reason := dovecot_missing():
        print(f"\nthe IMAP mailbox: skipped ({reason})")
        return
    print("\nthe IMAP mailbox (Dovecot on loopback), one message a run, in this process")
    # Each set-aside's line is printed below from its row, not logged here as well.
    logging.getLogger("samtale.core.setaside").setLevel(logging.ERROR)
    with imap_server() as server:
        mailbox = inbox.ImapMailbox(server.url)
        for label, raw in inputs:
            server.append(raw)
            before = last_set_aside()
            read, seconds, queries = counted(lambda: mailbox.read_new(inbox.receive))
            print(
                f"  {label}: {read} read in {seconds * 1000:.1f} ms, {queries} queries, "
                f"{set_aside_since(before)}"
            )


def in_process(target: dict) -> None:
    from django.test import override_settings

    from samtale.notifications import inbox

    print("\ninbox.receive in this process")
    big = reply(target, 100_000, "e")
    with override_settings(SAMTALE_CALENDAR_MAX_BYTES=64 * 1024 * 1024):
        refused, seconds, queries = counted(lambda: refusal(inbox.receive, big))
    print(
        f"  (a) with SAMTALE_CALENDAR_MAX_BYTES raised to 64 MiB: {refused} "
        f"in {seconds * 1000:.0f} ms, {queries} queries"
    )
    lifted = override_settings(
        SAMTALE_CALENDAR_MAX_BYTES=10**9,
        SAMTALE_CALENDAR_MAX_PARTS=10**9,
        SAMTALE_CALENDAR_MAX_ANSWERS=10**9,
        SAMTALE_CALENDAR_MAX_LINES=10**9,
    )
    with lifted:
        small = reply(target, 2_000, "f")
        outcomes, seconds, queries = counted(lambda: inbox.receive(small))
        print(
            f"  with the limits lifted (as before them), 2,000 VEVENTs: {seconds:.2f} s, "
            f"{queries:,} queries, {len(outcomes):,} answers handled; extrapolated linearly "
            f"to 100,000: {seconds * 50:.0f} s, {queries * 50:,} queries"
        )
        parts = calendar_parts(20_000, LIMIT)
        outcomes, seconds, queries = counted(lambda: inbox.receive(parts))
        print(
            f"  with the limits lifted, (c) 20,000 calendar parts: {seconds:.2f} s, "
            f"{queries} queries ({', '.join(outcomes)})"
        )


def refusal(receive, raw: bytes) -> str:
    """What became of `raw`: refused (and which limit), or its outcomes."""
    from samtale.notifications import inbox

    try:
        return ", ".join(receive(raw))
    except inbox.Refused as refused:
        return f"refused ({refused.detail})"


# --- The run ------------------------------------------------------------------------------


def find_target() -> dict:
    """An invited conversation of the demo, its parties and its event's UID."""
    from samtale.conversations.models import Conversation
    from samtale.notifications import ics

    conversation = (
        Conversation.objects.filter(status=Conversation.Status.INVITED)
        .select_related("employee", "leader")
        .order_by("pk")
        .first()
    )
    return {
        "uid": ics.conversation_uid(conversation),
        "sequence": conversation.ics_sequence,
        "employee": conversation.employee.email,
        "leader": conversation.leader.email,
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="samtale-hostile-mail-"))
    url = database_url(tmp)
    environment = env(
        url,
        SAMTALE_CALENDAR_WEBHOOK_TOKEN=TOKEN,
        SAMTALE_METRICS_TOKEN=METRICS_TOKEN,
        SAMTALE_DEMO_PASSWORD=PASSWORD,
        SAMTALE_REQUIRE_MFA="false",
    )
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"benchmark: hostile mail to the calendar address, a fresh demo database, {database}")
    prepare(environment)
    os.environ.update(environment)
    import django

    django.setup()
    from common import in_home_tenant

    in_home_tenant()
    import samtale.conversations.services.replies  # noqa: F401 - registers the answers' handler

    target = find_target()
    inputs = messages(target, LIMIT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(environment, port, tmp / "gunicorn.log")
    try:
        over_http(base, port, sign_in(base, target["leader"]), inputs)
    finally:
        server.terminate()
        server.wait(timeout=30)
    over_imap(inputs)
    in_process(target)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
