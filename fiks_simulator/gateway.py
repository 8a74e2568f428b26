"""Fiks IO's AMQPS endpoint: a TLS listener (Fiks IO receives over AMQP 0-9-1 with TLS on
port 5671: fiks-io-client-dotnet AmqpConfiguration, fiks-io-klient-java AmqpHandler) that
relays each client's connection to the real RabbitMQ behind it, frame by frame.

It lets through only what Fiks IO lets an integration do, as KS's clients show it:
- the login: SASL PLAIN with user = the integration id and password = "<integrasjonPassord>
  <Maskinporten token>" (AmqpHandler's CredentialsProvider, MaskinportenCredentialsProvider):
  the password must be the integration's, the token one this simulator's Maskinporten issued,
  unexpired, with ks:fiks, acting for the integration's organization. Accepted, the
  Connection.StartOk goes on with the broker's own credentials; refused, the client gets
  Connection.Close 403 ACCESS_REFUSED, as RabbitMQ itself answers a wrong password.
- afterwards every method naming a queue (queue.declare, which must be passive, queue.bind,
  queue.purge, queue.delete, queue.unbind, basic.consume, basic.get) must name
  fiksio.konto.<account> of an account the integration is registered for; basic.publish is
  refused (Fiks IO takes messages over HTTPS only: fiks-io-send-klient), and so are the
  exchange methods (no exchange is an integration's). A violation closes the connection 403.

AMQP frames (AMQP 0-9-1 section 4.2.3): type octet, channel short, size long, payload, 0xCE.
The client's TLS runs over memory BIOs, so one thread per connection can wait on both
sockets with select() and never read and write one SSL object from two threads.
"""

import contextlib
import select
import socket
import ssl
import struct
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .fiksio import SCOPE, FiksIO, Integration
from .maskinporten import Invalid, consumer_org

PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"
METHOD_FRAME = 1
FRAME_END = 0xCE
MAX_FRAME = 16 * 1024 * 1024
QUEUE_METHODS = {
    (50, 10): "queue.declare",
    (50, 20): "queue.bind",
    (50, 30): "queue.purge",
    (50, 40): "queue.delete",
    (50, 50): "queue.unbind",
    (60, 20): "basic.consume",
    (60, 70): "basic.get",
}


@dataclass(frozen=True)
class Connection:
    """A decision on a client connection: its login (accepted or not), or a later refusal."""

    integration_id: str | None
    accepted: bool
    reason: str


class _Refused(Exception):
    """Close the client's connection with 403 and this reason."""


class _Closed(Exception):
    """One side went away."""


def shortstr(text: str) -> bytes:
    data = text.encode("utf-8")[:255]
    return bytes([len(data)]) + data


def longstr(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def read_shortstr(payload: bytes, offset: int) -> tuple[str, int]:
    length = payload[offset]
    end = offset + 1 + length
    if end > len(payload):
        raise _Refused("a malformed frame")
    return payload[offset + 1 : end].decode("utf-8", "replace"), end


def read_longstr(payload: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = struct.unpack_from(">I", payload, offset)
    end = offset + 4 + length
    if end > len(payload):
        raise _Refused("a malformed frame")
    return payload[offset + 4 : end], end


def method_frame(channel: int, class_id: int, method_id: int, arguments: bytes) -> bytes:
    payload = struct.pack(">HH", class_id, method_id) + arguments
    return struct.pack(">BHI", METHOD_FRAME, channel, len(payload)) + payload + bytes([FRAME_END])


def close_frame(reason: str) -> bytes:
    """Connection.Close 403 ACCESS_REFUSED (AMQP 0-9-1: reply-code, reply-text, the failing
    method's class and method, here none)."""
    text = shortstr(f"ACCESS_REFUSED - {reason}")
    return method_frame(0, 10, 50, struct.pack(">H", 403) + text + struct.pack(">HH", 0, 0))


def take_frame(buffer: bytearray) -> bytes | None:
    """The first whole frame in `buffer` (removed from it), or None while it is partial."""
    if len(buffer) < 7:
        return None
    (size,) = struct.unpack_from(">I", buffer, 3)
    if size > MAX_FRAME:
        raise _Closed("a frame over the size limit")
    end = 7 + size + 1
    if len(buffer) < end:
        return None
    if buffer[end - 1] != FRAME_END:
        raise _Closed("a frame without its end octet")
    frame = bytes(buffer[:end])
    del buffer[:end]
    return frame


class _TLS:
    """The server side of the client's TLS, through memory BIOs."""

    def __init__(self, sock: socket.socket, context: ssl.SSLContext):
        self.sock = sock
        self._in, self._out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._in, self._out, server_side=True)

    def handshake(self, timeout: float) -> None:
        self.sock.settimeout(timeout)
        while True:
            try:
                self._tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("closed during the TLS handshake") from None
                self._in.write(data)
            except ssl.SSLError:
                self._flush()  # the alert, so the client learns why
                raise
        self._flush()
        self.sock.settimeout(None)

    def _flush(self) -> None:
        data = self._out.read()
        if data:
            self.sock.sendall(data)

    def receive(self) -> bytes:
        """The application data that arrived (the socket is readable); _Closed at the end."""
        data = self.sock.recv(65536)
        if not data:
            raise _Closed("the client closed the connection")
        self._in.write(data)
        return self.drain()

    def drain(self) -> bytes:
        """The application data already decrypted-able (some comes with the handshake's
        last flight, before select() would see the socket readable again)."""
        chunks = []
        while True:
            try:
                chunk = self._tls.read(65536)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                raise _Closed("the client closed TLS") from None
            if not chunk:
                break
            chunks.append(chunk)
        self._flush()
        return b"".join(chunks)

    def send(self, data: bytes) -> None:
        self._tls.write(data)
        self._flush()


class _Link:
    """One client connection relayed to one broker connection."""

    def __init__(self, gateway: "Gateway", sock: socket.socket):
        self.gateway = gateway
        self.sock = sock
        self.broker: socket.socket | None = None
        self.client: _TLS | None = None
        self.integration: Integration | None = None
        self.state = "header"
        self.from_client, self.from_broker = bytearray(), bytearray()

    def run(self) -> None:
        try:
            self.client = _TLS(self.sock, self.gateway.context)
            self.client.handshake(timeout=10)
        except (ssl.SSLError, OSError) as error:
            self.gateway.record(None, False, f"TLS handshake failed: {error}")
            self.close()
            return
        try:
            self.from_client += self.client.drain()
            self._client_frames()
            self._relay()
        except _Refused as refused:
            self._refuse(str(refused))
        except (_Closed, OSError, struct.error, IndexError):
            pass
        finally:
            self.close()

    def _relay(self) -> None:
        assert self.client is not None
        while not self.gateway.stopping.is_set():
            sockets = [self.sock] + ([self.broker] if self.broker else [])
            readable, _, _ = select.select(sockets, [], [], 0.5)
            if self.sock in readable:
                self.from_client += self.client.receive()
                self._client_frames()
            if self.broker is not None and self.broker in readable:
                data = self.broker.recv(65536)
                if not data:
                    raise _Closed("the broker closed the connection")
                self.from_broker += data
                while (frame := take_frame(self.from_broker)) is not None:
                    self.client.send(frame)

    def _client_frames(self) -> None:
        if self.state == "header":
            if len(self.from_client) < 8:
                return
            header = bytes(self.from_client[:8])
            del self.from_client[:8]
            if header != PROTOCOL_HEADER:
                assert self.client is not None
                self.client.send(PROTOCOL_HEADER)  # AMQP 0-9-1 section 4.2.2
                raise _Closed("not AMQP 0-9-1")
            try:
                self.broker = socket.create_connection(self.gateway.broker_address, timeout=10)
            except OSError as error:
                self.gateway.record(None, False, f"the broker is unreachable: {error}")
                raise _Closed("no broker") from None
            self.broker.settimeout(None)
            self.broker.sendall(header)
            self.state = "login"
        while (frame := take_frame(self.from_client)) is not None:
            assert self.broker is not None
            self.broker.sendall(self._inspect(frame))

    def _inspect(self, frame: bytes) -> bytes:
        """The frame to pass on to the broker, or _Refused."""
        if frame[0] != METHOD_FRAME:
            if self.state == "login":
                raise _Refused("Connection.StartOk expected")
            return frame
        payload = frame[7:-1]
        class_id, method_id = struct.unpack_from(">HH", payload)
        if self.state == "login":
            if (class_id, method_id) != (10, 11):
                raise _Refused("Connection.StartOk expected")
            self.state = "open"
            return self._login(payload)
        if (class_id, method_id) == (10, 40):
            _, rest = read_shortstr(payload, 4)
            arguments = shortstr(self.gateway.vhost) + payload[rest:]
            return method_frame(struct.unpack_from(">H", frame, 1)[0], 10, 40, arguments)
        self._check(class_id, method_id, payload)
        return frame

    def _login(self, payload: bytes) -> bytes:
        """Connection.StartOk (client-properties table, mechanism, response, locale) checked
        and rewritten with the broker's credentials."""
        (length,) = struct.unpack_from(">I", payload, 4)
        table = payload[4 : 8 + length]
        mechanism, offset = read_shortstr(payload, 8 + length)
        response, offset = read_longstr(payload, offset)
        locale, _ = read_shortstr(payload, offset)
        fields = response.split(b"\0")
        if mechanism != "PLAIN" or len(fields) != 3:
            raise _Refused("Login was refused: only PLAIN is taken")
        user, password = fields[1].decode("utf-8", "replace"), fields[2].decode("utf-8", "replace")
        integration_password, _, token = password.rpartition(" ")
        integration = self.gateway.fiksio.login(user, integration_password)
        if integration is None:
            raise _Refused("Login was refused: unknown integration, or the wrong password")
        try:
            claims = self.gateway.fiksio.maskinporten.verify_access_token(token)
        except Invalid as error:
            raise _Refused(f"Login was refused: {error}") from None
        if SCOPE not in str(claims.get("scope", "")).split():
            raise _Refused(f"Login was refused: the token lacks {SCOPE}")
        if consumer_org(claims) != integration.org:
            raise _Refused("Login was refused: the token acts for another organization")
        self.integration = integration
        self.gateway.record(integration.integration_id, True, "logged in")
        user_name, secret = self.gateway.broker_credentials
        credentials = b"\0" + user_name.encode() + b"\0" + secret.encode()
        arguments = table + shortstr("PLAIN") + longstr(credentials) + shortstr(locale)
        return method_frame(0, 10, 11, arguments)

    def _check(self, class_id: int, method_id: int, payload: bytes) -> None:
        if (class_id, method_id) == (60, 40):
            raise _Refused("basic.publish: Fiks IO takes messages over HTTPS only")
        if class_id == 40:
            raise _Refused("exchange methods: no exchange belongs to an integration")
        name = QUEUE_METHODS.get((class_id, method_id))
        if name is None:
            return
        queue, offset = read_shortstr(payload, 6)  # after class, method, reserved short
        assert self.integration is not None
        if not self.gateway.fiksio.may_read(self.integration.integration_id, queue):
            raise _Refused(f"{name} on {queue!r}: no queue of this integration's accounts")
        if name == "queue.declare" and not payload[offset] & 1:
            raise _Refused("queue.declare must be passive: Fiks IO makes the queues")

    def _refuse(self, reason: str) -> None:
        """Connection.Close 403 to the client, then wait (briefly) for its Close-Ok so the
        Close is read before the socket goes."""
        integration = self.integration.integration_id if self.integration else None
        self.gateway.record(integration, False, reason)
        if self.broker is not None:
            self.broker.close()
            self.broker = None
        try:
            assert self.client is not None
            self.client.send(close_frame(reason))
            self.sock.settimeout(2)
            while True:
                self.from_client += self.client.receive()
                while (frame := take_frame(self.from_client)) is not None:
                    if frame[0] == METHOD_FRAME and frame[7:11] == struct.pack(">HH", 10, 51):
                        return
        except (_Closed, OSError):
            return

    def close(self) -> None:
        for sock in (self.broker, self.sock):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self.gateway.forget(self)

    def shutdown(self) -> None:
        """From another thread: wake this link's select() by ending its sockets."""
        for sock in (self.broker, self.sock):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class Gateway:
    """The AMQPS listener: `connections` records each login decision and each refusal."""

    def __init__(
        self,
        fiksio: FiksIO,
        broker_url: str,
        *,
        context: ssl.SSLContext,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.fiksio = fiksio
        self.context = context
        url = urlsplit(broker_url)
        self.broker_address = (url.hostname or "127.0.0.1", url.port or 5672)
        self.broker_credentials = (unquote(url.username or "guest"), unquote(url.password or ""))
        self.vhost = unquote(url.path[1:]) if len(url.path) > 1 else "/"
        self.connections: list[Connection] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._links: set[_Link] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.05)  # so the accept loop sees `stopping`
        self.host, self.port = self._listener.getsockname()[:2]

    def record(self, integration_id: str | None, accepted: bool, reason: str) -> None:
        with self._lock:
            self.connections.append(Connection(integration_id, accepted, reason))

    def forget(self, link: _Link) -> None:
        with self._lock:
            self._links.discard(link)

    def start(self) -> None:
        thread = threading.Thread(target=self._accept, name="fiks-io-amqps", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            link = _Link(self, sock)
            with self._lock:
                self._links.add(link)
                self._threads = [thread for thread in self._threads if thread.is_alive()]
            thread = threading.Thread(target=link.run, name="fiks-io-amqps-link", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        self._listener.close()
        with self._lock:
            links = list(self._links)
        for link in links:
            link.shutdown()
        for thread in list(self._threads):
            thread.join(timeout=5)
