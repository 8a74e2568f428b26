"""A minimal client of the simulator, written from KS's clients, for the simulator's own
tests and for trying it by hand: a Maskinporten JWT grant as ks-no/fiks-maskinporten's
Maskinportenklient builds one (RS256, x5c or kid; aud, iss, scope, jti, iat, exp = iat +
120 s, consumer_org), a send as fiks-io-send-klient makes it (multipart `metadata` + `data`,
Authorization, IntegrasjonId, IntegrasjonPassord), and the AMQPS login of fiks-io-klient-java's
AmqpHandler (user = integration id, password = "<integrasjonPassord> <token>", TLS).
It is not a Fiks IO client library: it checks nothing of what it is sent.
"""

import base64
import http.client
import io
import json
import os
import ssl
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pika
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import jws
from .archive import Pem, container, decrypt, encrypt, openssl
from .maskinporten import GRANT_TYPE


def ssl_context(ca_bundle: Path) -> ssl.SSLContext:
    """Trusts `ca_bundle` (the simulator's ca.crt) and nothing else; checks host names."""
    return ssl.create_default_context(cafile=str(ca_bundle))


def grant(
    *,
    client_id: str,
    key: rsa.RSAPrivateKey,
    audience: str,
    scope: str = "ks:fiks",
    certificate_pem: bytes | None = None,
    kid: str | None = None,
    consumer_org: str | None = None,
    now: float | None = None,
    lifetime: int = 120,
    alg: str = "RS256",
    extra: dict[str, Any] | None = None,
) -> str:
    """A JWT grant; `extra` claims are added (or, set to None, removed)."""
    issued = int(time.time() if now is None else now)
    header: dict[str, Any] = {}
    if certificate_pem is not None:
        der = x509.load_pem_x509_certificate(certificate_pem).public_bytes(
            serialization.Encoding.DER
        )
        header["x5c"] = [base64.b64encode(der).decode("ascii")]
    if kid is not None:
        header["kid"] = kid
    claims: dict[str, Any] = {
        "aud": audience,
        "iss": client_id,
        "scope": scope,
        "jti": str(uuid.uuid4()),
        "iat": issued,
        "exp": issued + lifetime,
    }
    if consumer_org is not None:
        claims["consumer_org"] = consumer_org
    for name, value in (extra or {}).items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return jws.encode(claims, key, header, alg)


def request(
    url: str,
    context: ssl.SSLContext,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    connection: http.client.HTTPSConnection | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """One HTTPS request (on `connection` when given, to reuse it: keep-alive)."""
    parts = urlsplit(url)
    own = connection is None
    connection = connection or http.client.HTTPSConnection(
        parts.hostname or "", parts.port, context=context, timeout=timeout
    )
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if own:
            connection.close()


def token(
    token_url: str, context: ssl.SSLContext, assertion: str, **form: str
) -> tuple[int, dict[str, Any]]:
    """(status, JSON) of a token request with the grant `assertion`."""
    body = urlencode({"grant_type": GRANT_TYPE, "assertion": assertion, **form}).encode()
    status, _, data = request(
        token_url,
        context,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )
    return status, json.loads(data)


def multipart(metadata: dict[str, Any] | bytes, data: bytes | None) -> tuple[str, bytes]:
    """(Content-Type, body) of the send API's multipart/form-data."""
    boundary = uuid.uuid4().hex
    raw = metadata if isinstance(metadata, bytes) else json.dumps(metadata).encode()
    parts = [
        b'Content-Disposition: form-data; name="metadata"\r\n'
        b"Content-Type: application/json\r\n\r\n" + raw
    ]
    if data is not None:
        parts.append(
            b'Content-Disposition: form-data; name="data"; filename="'
            + str(uuid.uuid4()).encode()
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + data
        )
    delimiter = b"--" + boundary.encode()
    body = b"".join(delimiter + b"\r\n" + part + b"\r\n" for part in parts) + delimiter + b"--\r\n"
    return f"multipart/form-data; boundary={boundary}", body


def send(
    api_url: str,
    context: ssl.SSLContext,
    *,
    access_token: str | None,
    integration_id: str,
    password: str,
    metadata: dict[str, Any] | bytes,
    data: bytes | None = None,
    connection: http.client.HTTPSConnection | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, Any]]:
    """(status, JSON) of POST /fiks-io/api/v1/send."""
    content_type, body = multipart(metadata, data)
    headers = {
        "Content-Type": content_type,
        "IntegrasjonId": integration_id,
        "IntegrasjonPassord": password,
    }
    if access_token is not None:
        headers["Authorization"] = f"Bearer {access_token}"
    status, _, reply = request(
        api_url + "/fiks-io/api/v1/send",
        context,
        method="POST",
        headers=headers,
        body=body,
        connection=connection,
        timeout=timeout,
    )
    return status, json.loads(reply)


def amqp_parameters(
    host: str,
    port: int,
    context: ssl.SSLContext,
    *,
    integration_id: str,
    password: str,
    access_token: str,
) -> pika.ConnectionParameters:
    """pika's parameters for the AMQPS gateway, logging in as AmqpHandler does."""
    return pika.ConnectionParameters(
        host=host,
        port=port,
        credentials=pika.PlainCredentials(integration_id, f"{password} {access_token}"),
        ssl_options=pika.SSLOptions(context, server_hostname=host),
        connection_attempts=1,
        socket_timeout=10,
        blocked_connection_timeout=10,
    )


def pack(files: dict[str, bytes], signer: Pem, receiver_certificate: Path) -> bytes:
    """A payload as KS's clients make one: an ASiC-E container of `files`, its manifest
    signed by `signer`, encrypted (CMS, AES-256) for the receiver's catalogue certificate."""
    return encrypt(container(files, signer), receiver_certificate)


def unpack(body: bytes, own: Pem, sender_certificate: Path) -> dict[str, bytes]:
    """The files of a payload: decrypted with `own`, its manifest's signature checked to be
    by `sender_certificate` (and no other certificate the signature may carry)."""
    with zipfile.ZipFile(io.BytesIO(decrypt(body, own))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    with tempfile.TemporaryDirectory() as folder:
        manifest, signature = Path(folder) / "manifest", Path(folder) / "signature"
        manifest.write_bytes(files.pop("META-INF/ASiCManifest.xml"))
        signature.write_bytes(files.pop("META-INF/signature.p7s"))
        openssl(
            "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature),
            "-content", str(manifest), "-certfile", str(sender_certificate),
            "-nointern", "-noverify", "-out", os.devnull,
        )  # fmt: skip
    files.pop("mimetype", None)
    return files


@dataclass
class Client:
    """An integration acting for one account: sends over HTTPS, reads the account's queue
    over AMQPS, looks certificates up in the catalogue."""

    api_url: str
    amqp_address: tuple[str, int]
    context: ssl.SSLContext
    integration_id: str
    password: str
    account: str
    access_token: str | None

    @classmethod
    def of(
        cls, simulator: Any, integration_id: str, password: str, account: str, access_token: str
    ) -> "Client":
        """A client of `simulator` (a running server.Simulator), trusting its CA."""
        address = (simulator.amqp_host, simulator.amqp_port)
        context = ssl_context(simulator.ca_bundle)
        return cls(
            simulator.api_url, address, context, integration_id, password, account, access_token
        )

    def send(
        self,
        metadata: dict[str, Any] | bytes | None = None,
        data: bytes | None = None,
        **options: Any,
    ) -> tuple[int, dict[str, Any]]:
        """(status, JSON) of a send from the account; `metadata` adds to (or, as bytes,
        replaces) the model, `options` override the credentials, timeout or connection."""
        if not isinstance(metadata, bytes):
            metadata = {"avsenderKontoId": self.account, **(metadata or {})}
        settings = {
            "access_token": self.access_token,
            "integration_id": self.integration_id,
            "password": self.password,
            **options,
        }
        return send(self.api_url, self.context, metadata=metadata, data=data, **settings)

    def certificate(self, account: str, folder: Path) -> Path:
        """The account's certificate from the catalogue, written to `folder`."""
        url = f"{self.api_url}/fiks-io/katalog/api/v1/kontoer/{account}/offentligNokkel"
        status, _, body = request(url, self.context)
        if status != 200:
            raise LookupError(f"the catalogue has no key for {account} ({status})")
        path = folder / f"{account}.pem"
        path.write_text(json.loads(body)["nokkel"])
        return path

    def send_files(
        self,
        receiver: str,
        message_type: str,
        files: dict[str, bytes],
        *,
        signer: Pem,
        headere: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """`files` packed for `receiver` (its certificate from the catalogue) and sent."""
        with tempfile.TemporaryDirectory() as folder:
            payload = pack(files, signer, self.certificate(receiver, Path(folder)))
        metadata = {"mottakerKontoId": receiver, "meldingType": message_type}
        return self.send({**metadata, "headere": headere or {}}, payload)

    def receive_files(
        self, count: int, own: Pem, sender_certificate: Path, *, wait: float = 10
    ) -> list[tuple[dict[str, Any], dict[str, bytes]]]:
        """(headers, files) of up to `count` messages, each payload unpacked and its
        signature checked against `sender_certificate`."""
        return [
            (properties.headers, unpack(body, own, sender_certificate) if body else {})
            for properties, body in self.receive(count, wait=wait)
        ]

    def connect(self, **login: Any) -> pika.BlockingConnection:
        """An AMQPS connection, logging in as the integration (`login` overrides)."""
        settings = {
            "integration_id": self.integration_id,
            "password": self.password,
            "access_token": self.access_token,
            **login,
        }
        context = settings.pop("context", self.context)
        host, port = self.amqp_address
        return pika.BlockingConnection(amqp_parameters(host, port, context, **settings))

    def receive(self, count: int, *, wait: float = 10) -> list[tuple[Any, bytes]]:
        """Up to `count` messages (properties, body) from the account's queue, acked."""
        found: list[tuple[Any, bytes]] = []
        deadline = time.monotonic() + wait
        with self.connect() as connection:
            channel = connection.channel()
            while len(found) < count and time.monotonic() < deadline:
                method, properties, body = channel.basic_get(f"fiksio.konto.{self.account}")
                if method is None:
                    connection.sleep(0.05)
                    continue
                channel.basic_ack(method.delivery_tag)
                found.append((properties, body))
        return found
