"""The simulator as a whole: one HTTPS server for Maskinporten (/maskinporten/token, its
JWK set and metadata) and Fiks IO (/fiks-io/...), and the AMQPS gateway, all with
certificates from the simulator's own CA (`ca_bundle`, the file a client trusts).

HTTP/1.1 with Content-Length and keep-alive (or chunked request bodies, which Apache
HttpClient sends for streamed multipart); each connection is served on its own thread, its
TLS handshake there too so a slow client holds up no one else.
"""

import contextlib
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from . import certs
from .archive import Archive, Pem
from .fiksio import FiksIO, Response, json_response
from .gateway import Gateway
from .maskinporten import Maskinporten

MAX_BODY = 64 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle keep-alive connection is closed after a minute
    server: "_Server"

    def _serve(self) -> None:
        body = self._body()
        if body is None:
            status, headers, payload = json_response(413, {"error": "the body is too large"})
            self.close_connection = True
        else:
            status, headers, payload = self.server.simulator.route(
                self.command, self.path, dict(self.headers.items()), body
            )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def _body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, total = [], 0
            while (size := int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)) > 0:
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return None if length > MAX_BODY else self.rfile.read(length)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the records say what happened; stderr stays quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], simulator: "Simulator", context: ssl.SSLContext):
        self.simulator = simulator
        self.context = context
        self.open: set[ssl.SSLSocket] = set()
        self.lock = threading.Lock()
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            request.settimeout(10)
            connection = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            request.close()
            return
        with self.lock:
            self.open.add(connection)
        try:
            self.RequestHandlerClass(connection, client_address, self)  # type: ignore[arg-type]
        except (ssl.SSLError, OSError):
            pass
        finally:
            with self.lock:
                self.open.discard(connection)
            connection.close()

    def close_connections(self) -> None:
        with self.lock:
            connections = list(self.open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(2)


class Simulator:
    """Maskinporten, Fiks IO and its AMQPS gateway, on 127.0.0.1 by default."""

    def __init__(
        self,
        broker_url: str,
        folder: Path,
        *,
        host: str = "127.0.0.1",
        https_port: int = 0,
        amqps_port: int = 0,
        token_lifetime: int = 120,
        schemas: Path | None = None,
    ):
        self.broker_url = broker_url
        self.folder = folder
        self.host = host
        self.schemas = schemas
        context = _server_context(folder, host)
        signing_key = _signing_key(folder)
        self._http = _Server((host, https_port), self, context)
        self._port = self._http.server_address[1]
        self.maskinporten = Maskinporten(
            self.maskinporten_issuer, token_lifetime, signing_key=signing_key
        )
        self.fiksio = FiksIO(self.maskinporten, broker_url)
        self.gateway = Gateway(self.fiksio, broker_url, context=context, host=host, port=amqps_port)
        self._thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"https://{self.host}:{self._port}"

    @property
    def maskinporten_issuer(self) -> str:
        return self.api_url + "/maskinporten/"

    @property
    def token_url(self) -> str:
        return self.maskinporten_issuer + "token"

    @property
    def amqp_host(self) -> str:
        return self.host

    @property
    def amqp_port(self) -> int:
        return int(self.gateway.port)

    @property
    def ca_bundle(self) -> Path:
        return self.folder / "ca.crt"

    def start(self) -> "Simulator":
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self.gateway.start()
        return self

    def stop(self) -> None:
        self.gateway.stop()
        self._http.shutdown()
        self._http.close_connections()
        self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.fiksio.close()

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def archive(
        self, *, account: str, own: Pem, store: Path | None = None, **options: Any
    ) -> Archive:
        """An Archive behind `account`, reading the schemas this simulator was given."""
        if self.schemas is None:
            raise ValueError("the simulator was given no schemas folder")
        return Archive(
            self.fiksio, self.broker_url, account=account, own=own, store=store,
            schemas=self.schemas, **options,
        )  # fmt: skip

    def route(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        """(status, headers, body) for one HTTPS request."""
        route = urlsplit(path).path
        if route.startswith("/fiks-io/"):
            return self.fiksio.handle(method, path, headers, body)
        if route == "/maskinporten/token":
            return self._token(method, headers, body)
        if route == "/maskinporten/jwk" and method == "GET":
            return json_response(200, self.maskinporten.jwks())
        if route == "/maskinporten/.well-known/oauth-authorization-server" and method == "GET":
            return json_response(
                200,
                {
                    "issuer": self.maskinporten_issuer,
                    "token_endpoint": self.token_url,
                    "jwks_uri": self.maskinporten_issuer + "jwk",
                    "grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                },
            )
        return json_response(404, {"error": "not_found", "error_description": route})

    def _token(self, method: str, headers: dict[str, str], body: bytes) -> Response:
        """maskinporten_protocol_token: POST, application/x-www-form-urlencoded; each
        parameter at most once (RFC 6749 section 3.2), unknown ones ignored (section 3.1)."""
        no_store = {"Cache-Control": "no-store"}  # RFC 6749 section 5.1
        content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        if method != "POST":
            return json_response(
                405, {"error": "invalid_request", "error_description": "POST only"}
            )
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return json_response(
                400,
                {"error": "invalid_request", "error_description": "not form-urlencoded"},
                no_store,
            )
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            pairs = [("", "")]
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names) or "" in names:
            return json_response(
                400,
                {"error": "invalid_request", "error_description": "a malformed or repeated field"},
                no_store,
            )
        status, reply = self.maskinporten.token_request(dict(pairs))
        return json_response(status, reply, no_store)


def _server_context(folder: Path, host: str) -> ssl.SSLContext:
    """The TLS context of both listeners, from the folder's CA and server certificate
    (made on first use, kept for the next run so clients keep trusting ca.crt)."""
    ca = certs.read(folder, "ca")
    if ca is None:
        ca = certs.make_ca()
        certs.write(folder, "ca", ca)
    hosts = tuple(dict.fromkeys(("127.0.0.1", "localhost", host)))
    server = certs.read(folder, "server")
    if server is None or not _issued_by(server, ca, hosts):
        server = certs.make_server_certificate(ca, hosts)
        certs.write(folder, "server", server)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(folder / "server.crt", folder / "server.key")
    return context


def _issued_by(server: certs.Issued, ca: certs.Issued, hosts: tuple[str, ...]) -> bool:
    certificate = certs.load_certificate(server.certificate)
    try:
        certificate.verify_directly_issued_by(certs.load_certificate(ca.certificate))
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return False
    present = {str(value) for value in names.value.get_values_for_type(x509.IPAddress)}
    present |= set(names.value.get_values_for_type(x509.DNSName))
    return set(hosts) <= present


def _signing_key(folder: Path) -> Any:
    path = folder / "maskinporten-signing.key"
    if path.exists():
        return certs.load_key(path.read_bytes())
    key = certs.new_key()
    certs.write_private(path, certs.key_pem(key))
    return key
