"""Real servers on loopback for the busy-time tests and the scheduling benchmark: Radicale
(a CalDAV server, in a process of its own), a small HTTP server for published calendars and
bad answers, a socket that never answers, a hostile server that floods or trickles its
answer (the readers' limits' tests and bench/hostile_calendar.py), and Microsoft Graph's
token endpoint and getSchedule answering from a recording over HTTPS (msal speaks to
nothing else).

Imports nothing of Django's: bench/ starts these before Django is set up.
"""

import http.server
import json
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from testkit.tls import Tls


class Unavailable(Exception):
    """A server could not be started here (the reason says why)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Unavailable(f"Radicale exited with {process.returncode}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise Unavailable(f"Radicale did not listen on port {port} within {seconds:.0f} s")


@dataclass
class Radicale:
    url: str  # the server's root, ending in /
    users: dict[str, str]
    folder: Path

    def calendar_url(self, user: str, name: str) -> str:
        return f"{self.url}{user}/{name}/"

    def make_calendar(self, user: str, name: str, events: Sequence[str] = ()):
        """A calendar of `user`'s with these events (iCalendar texts), made with caldav as
        any CalDAV client makes one; its address."""
        import caldav

        client = caldav.DAVClient(
            url=self.url, username=user, password=self.users[user], enable_rfc6764=False
        )
        calendar = client.principal().make_calendar(name=name, cal_id=name)
        for event in events:
            calendar.save_event(event)
        return self.calendar_url(user, name)


@contextmanager
def radicale_server(folder: Path, users: dict[str, str]) -> Iterator[Radicale]:
    """Radicale on a free loopback port, its collections in `folder`, these users (plain
    htpasswd), each allowed only their own calendars. `Unavailable` if it does not start."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (folder / "users").write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
    (folder / "config").write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {folder / "collections"}
[logging]
level = warning
"""
    )
    log = (folder / "radicale.log").open("wb")
    try:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, our own arguments)
            [sys.executable, "-m", "radicale", "--config", str(folder / "config")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    except OSError as error:
        log.close()
        raise Unavailable(f"Radicale could not be started: {error}") from None
    try:
        try:
            _wait_for_port(port, process, 20)
        except Unavailable as error:
            tail = (folder / "radicale.log").read_text(errors="replace")[-500:]
            raise Unavailable(f"{error}: {tail}") from None
        yield Radicale(f"http://127.0.0.1:{port}/", users, folder)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# HTTP -------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Answer | Callable[["_Handler", bytes], Answer]


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[tuple[str, str], Route]
    seen: list

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((method, self.path, dict(self.headers), body))
        route = self.routes.get((method, self.path)) or self.routes.get((method, "*"))
        answer = Answer(404, b"not found") if route is None else route
        if callable(answer):
            answer = answer(self, body)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def do_PROPFIND(self) -> None:  # noqa: N802
        self._answer("PROPFIND")

    def do_REPORT(self) -> None:  # noqa: N802
        self._answer("REPORT")

    def log_message(self, *args) -> None:
        pass


def _served_over(server: socketserver.TCPServer, tls: Tls | None) -> str:
    """The scheme the server answers in: https with the test's certificate, or http."""
    if tls is None:
        return "http"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.certificate, tls.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return "https"


@dataclass
class Served:
    url: str  # the server's root, without a trailing /
    routes: dict[tuple[str, str], Route]
    seen: list


@contextmanager
def http_server(
    routes: dict[tuple[str, str], Route] | None = None,
    *,
    tls: Tls | None = None,
    host: str = "127.0.0.1",
) -> Iterator[Served]:
    """An HTTP(S) server on a free loopback port answering `routes`: (method, path) →
    Answer, or a function of the request handler and body that returns one ("*": any
    path). Everything asked is in `seen`. `host`: another loopback address (Linux answers
    on all of 127.0.0.0/8); `Unavailable` where it cannot be bound."""
    routes = {} if routes is None else routes
    seen: list = []
    handler = type("Handler", (_Handler,), {"routes": routes, "seen": seen})
    try:
        server = http.server.ThreadingHTTPServer((host, 0), handler)
    except OSError as error:
        raise Unavailable(f"no server on {host}: {error}") from None
    scheme = _served_over(server, tls)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Served(f"{scheme}://{host}:{server.server_address[1]}", routes, seen)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A server that accepts every connection and never answers: its address. A client
    waits until its own timeout, so a test of that needs no clock."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(2)
        for connection in held:
            connection.close()
        listener.close()


# A hostile server -------------------------------------------------------------------------


@dataclass
class Hostile:
    """What a hostile server did: its address, what it was asked (method, path), the bytes
    of body it managed to send (into the network: what the client read, and what the two
    ends' buffers hold), whether and when (time.monotonic()) it saw the client close a
    connection it was answering, and whether it has ended an answer (`ended`: the client
    closed it, or it was sent whole)."""

    url: str
    asked: list = field(default_factory=list)
    sent: int = 0
    closed: threading.Event = field(default_factory=threading.Event)
    closed_at: float | None = None
    ended: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def _closed(self) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
        self.closed.set()


def _hung_up(connection: socket.socket, seconds: float) -> bool:
    """Whether the client has closed its end: it reads as closed, or reading fails (waits
    up to `seconds` for either)."""
    if isinstance(connection, ssl.SSLSocket) and connection.pending():
        return False
    readable, _w, _x = select.select([connection], [], [], seconds)
    if not readable:
        return False
    try:
        return connection.recv(1) == b""
    except ssl.SSLWantReadError:
        return False
    except OSError:
        return True


class _HostileHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _HostileServer)
        state: Hostile = server.state
        connection = self.request
        connection.settimeout(30)  # a client that stops reading without closing
        # A small send buffer, so that what it sent is close to what the client took.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        incoming = connection.makefile("rb")
        try:
            first = incoming.readline(65537).split()
            length = 0
            while (line := incoming.readline(65537)) not in (b"\r\n", b"\n", b""):
                name, _sep, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip() or 0)
            if length:
                incoming.read(length)
            if len(first) < 2:
                return
            state.asked.append((first[0].decode(), first[1].decode()))
            framing = (
                "Transfer-Encoding: chunked" if server.chunked else f"Content-Length: {server.size}"
            )
            connection.sendall(
                f"HTTP/1.1 {server.status} Hostile\r\nContent-Type: {server.content_type}\r\n"
                f"{framing}\r\nConnection: close\r\n\r\n".encode()
            )
            left = server.size
            while left > 0 and not state.stop.is_set():
                if _hung_up(connection, server.every):
                    state._closed()
                    return
                piece = min(server.chunk, left)
                if server.chunked:
                    connection.sendall(b"%x\r\n%s\r\n" % (piece, b"x" * piece))
                else:
                    connection.sendall(b"x" * piece)
                state.sent += piece
                left -= piece
            if server.chunked:
                connection.sendall(b"0\r\n\r\n")
        except OSError:  # the client reset the connection, or closed it as we sent
            state._closed()
        finally:
            incoming.close()
            state.ended.set()


class _HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # What it answers with: set by hostile_server before it serves.
    state: Hostile
    size: int
    chunk: int
    every: float
    status: int
    content_type: str
    chunked: bool


@contextmanager
def hostile_server(
    *,
    size: int = 60 * 1024 * 1024,
    chunk: int = 64 * 1024,
    every: float = 0.0,
    status: int = 207,
    content_type: str = "text/xml; charset=utf-8",
    chunked: bool = True,
    tls: Tls | None = None,
) -> Iterator[Hostile]:
    """A server on a free loopback port that answers every request, any method and path,
    with a body of `size` bytes, `chunk` bytes every `every` seconds: a flood (every=0:
    60 MB as fast as it goes) or a trickle (chunk=1, every=2: a byte every two seconds,
    each inside a reader's timeout). Chunked (so nothing says its length beforehand), or
    with a Content-Length. It goes on until the body is sent or the client closes the
    connection, which it notices between two chunks (`Hostile.closed`)."""
    server = _HostileServer(("127.0.0.1", 0), _HostileHandler)
    scheme = _served_over(server, tls)
    state = Hostile(f"{scheme}://127.0.0.1:{server.server_address[1]}")
    server.state = state
    server.size, server.chunk, server.every = size, chunk, every
    server.status, server.content_type, server.chunked = status, content_type, chunked
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()


# TLS and Microsoft Graph ----------------------------------------------------------------


GRAPH_TOKEN = "recorded-graph-token"


def graph_routes(tenant: str, schedule: Answer, *, token: str = GRAPH_TOKEN) -> dict:
    """Entra ID's discovery and token endpoints for `tenant` and Graph's getSchedule for any
    mailbox, answering `schedule` to a request that carries the token issued (401 else)."""

    def discovery(handler, _body):
        base = f"https://{handler.headers['Host']}/{tenant}"
        return Answer(
            200,
            json.dumps(
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                }
            ).encode(),
            {"Content-Type": "application/json"},
        )

    def issue(_handler, body):
        if b"grant_type=client_credentials" not in body:
            return Answer(400, b'{"error": "unsupported_grant_type"}')
        answer = {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
        return Answer(200, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    def get_schedule(handler, _body):
        if handler.headers.get("Authorization") != f"Bearer {token}":
            return Answer(401, b'{"error": {"code": "InvalidAuthenticationToken"}}')
        return schedule

    return {
        ("GET", f"/{tenant}/v2.0/.well-known/openid-configuration"): discovery,
        ("POST", f"/{tenant}/oauth2/v2.0/token"): issue,
        ("POST", "*"): get_schedule,
    }
