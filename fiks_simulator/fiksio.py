"""Fiks IO's HTTP side: the send API and the catalogue's public keys, with the registry of
integrations and accounts behind them, publishing onto the accounts' queues on RabbitMQ.

From KS's own clients:
- ks-no/fiks-io-send-klient (FiksIOUtsendingKlient, RequestFactoryImpl,
  IntegrasjonAuthenticationStrategy, MeldingSpesifikasjonApiModel, SendtMeldingApiModel):
  POST /fiks-io/api/v1/send, multipart/form-data with a `metadata` part (JSON: avsenderKontoId,
  mottakerKontoId, meldingType, svarPaMelding, ttl in ms, headere) and an optional `data` part
  (the encrypted payload), headers Authorization: Bearer <Maskinporten token>, IntegrasjonId
  and IntegrasjonPassord; the answer is a SendtMeldingApiModel.
- ks-no/fiks-io-send-client-dotnet (FiksIOSender: anything but 202 Accepted is a failure;
  CatalogHandler: GET /fiks-io/katalog/api/v1/kontoer/{id}/offentligNokkel, unauthenticated,
  answers KontoOffentligNokkel {nokkel, validFrom, validTo, serial, subjectDN, issuerDN}).
- ks-no/fiks-io-commons (FiksIOHeaders): the AMQP headers melding-id, type, avsender-id,
  avsender-navn, svar-til, egendefinert-header.<name>; the queue fiksio.konto.<kontoId>;
  FiksIOMeldingParser reads the ttl from the message's expiration (ms) and the receiver
  from the routing key, which is why messages go through the default exchange.
- ks-no/fiks-io-klient-java (SvarSender, MeldingRequest): klientMeldingId and
  klientKorrelasjonsId (and the deprecated klientKorrelasjonId) ride in headere.
"""

import datetime
import email.parser
import email.policy
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import pika
import pika.exceptions
from cryptography import x509

from . import jws
from .broker import Broker
from .maskinporten import Invalid, Maskinporten, consumer_org, is_org

SEND_PATH = "/fiks-io/api/v1/send"
CATALOGUE = re.compile(r"/fiks-io/katalog/api/v1/kontoer/([^/]+)/offentligNokkel")
QUEUE_PREFIX = "fiksio.konto."
SCOPE = "ks:fiks"
DEFAULT_TTL = 2 * 24 * 3600 * 1000  # ms: two days, when the sender names none
METADATA_FIELDS = frozenset(
    {"avsenderKontoId", "mottakerKontoId", "meldingType", "svarPaMelding", "ttl", "headere"}
)

Response = tuple[int, dict[str, str], bytes]


def queue_name(account_id: str) -> str:
    return QUEUE_PREFIX + account_id


def canonical_uuid(value: object) -> str | None:
    """The UUID's canonical (lower-case, hyphenated) form, or None: the Java models type
    every id as java.util.UUID, so anything else fails to deserialize."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@dataclass
class Integration:
    """A Fiks integration (made in Fiks Forvaltning): id, password, the org it belongs to."""

    integration_id: str
    password: str
    org: str


@dataclass
class Account:
    """A Fiks IO account: its queue, its catalogue certificate, who may use it."""

    account_id: str
    org: str
    name: str
    certificate_pem: bytes
    integrations: set[str]


@dataclass(frozen=True)
class Request:
    """One send request and what came of it."""

    path: str
    status: int
    integration_id: str | None
    consumer_org: str | None
    melding_id: str | None
    klient_melding_id: str | None
    klient_korrelasjons_id: str | None


class _Reply(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class FiksIO:
    """The registry, the send API, the catalogue, and the faults a test switches on:
    `unauthorized_next` (401 for a token the server no longer takes), `unavailable_next`
    (503, nothing published), `slow_next` (wait that long, then publish and answer: a
    client that gave up still had its message delivered). Each counts down per send."""

    def __init__(self, maskinporten: Maskinporten, broker_url: str):
        self.maskinporten = maskinporten
        self.broker_url = broker_url
        self.broker = Broker(broker_url)
        self.integrations: dict[str, Integration] = {}
        self.accounts: dict[str, Account] = {}
        self.requests: list[Request] = []
        self.catalogue_requests = 0
        self.unauthorized_next = 0
        self.unavailable_next = 0
        self.slow_next: list[float] = []
        self._lock = threading.Lock()

    # The registry (what Fiks Forvaltning holds).

    def register_integration(self, integration_id: str, password: str, *, org: str) -> None:
        identifier = canonical_uuid(integration_id)
        if identifier is None or not is_org(org) or not password:
            raise ValueError("an integration has a UUID, a password and a 9-digit org")
        with self._lock:
            self.integrations[identifier] = Integration(identifier, password, org)

    def register_account(
        self,
        account_id: str,
        *,
        org: str,
        name: str,
        public_certificate_pem: bytes,
        integrations: list[str],
    ) -> None:
        """An account of `org`, its certificate in the catalogue, usable by `integrations`;
        its durable queue fiksio.konto.<account_id> is declared on the broker."""
        identifier = canonical_uuid(account_id)
        if identifier is None or not is_org(org):
            raise ValueError("an account has a UUID and a 9-digit org")
        x509.load_pem_x509_certificate(public_certificate_pem)
        members = {canonical_uuid(member) or member for member in integrations}
        unknown = members - set(self.integrations)
        if unknown:
            raise ValueError(f"no such integrations: {sorted(unknown)}")
        self.broker.run(lambda channel: channel.queue_declare(queue_name(identifier), durable=True))
        with self._lock:
            self.accounts[identifier] = Account(
                identifier, org, name, public_certificate_pem, members
            )

    def rotate_key(self, account_id: str, pem: bytes) -> None:
        """A new certificate for the account in the catalogue (what a key rotation does)."""
        x509.load_pem_x509_certificate(pem)
        with self._lock:
            self.accounts[account_id].certificate_pem = pem

    def remove_account(self, account_id: str) -> None:
        """Forget the account and delete its queue (for tests that clean up)."""
        with self._lock:
            self.accounts.pop(account_id, None)
        self.broker.run(lambda channel: channel.queue_delete(queue_name(account_id)))

    def take_all(self, account_id: str) -> list[tuple[Any, bytes]]:
        """Every message waiting on the account's queue, taken off it: (properties, body),
        for tests that look behind Fiks IO, as the archive reads its queue."""
        found: list[tuple[Any, bytes]] = []

        def drain(channel: Any) -> None:
            while (message := channel.basic_get(queue_name(account_id), auto_ack=True))[0]:
                found.append((message[1], message[2]))

        self.broker.run(drain)
        return found

    def certificate(self, account_id: str) -> bytes | None:
        """The account's catalogue certificate (PEM), None when there is no such account."""
        account = self.accounts.get(account_id)
        return account.certificate_pem if account else None

    def login(self, integration_id: str, password: str) -> Integration | None:
        """The integration these credentials name, or None."""
        integration = self.integrations.get(canonical_uuid(integration_id) or "")
        if integration is None or integration.password != password:
            return None
        return integration

    def may_read(self, integration_id: str, queue: str) -> bool:
        """Whether the integration is registered for the account whose queue this is."""
        account = self.accounts.get(queue.removeprefix(QUEUE_PREFIX))
        return (
            queue.startswith(QUEUE_PREFIX)
            and account is not None
            and integration_id in account.integrations
        )

    # HTTP.

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Response:
        """(status, headers, body) for one request under /fiks-io/."""
        route = urlsplit(path).path
        lowered = {name.lower(): value for name, value in headers.items()}
        if route == SEND_PATH and method == "POST":
            return self._send(route, lowered, body)
        match = CATALOGUE.fullmatch(route)
        if match and method == "GET":
            return self._catalogue(match.group(1))
        return json_response(404, _error(404, "No such resource", route))

    def _send(self, route: str, headers: dict[str, str], body: bytes) -> Response:
        seen: dict[str, str | None] = {"integration": None, "org": None, "melding": None}
        headere: dict[str, str] = {}
        try:
            self._faults()
            claims = self._token(headers)
            integration = self._integration(headers)
            seen["integration"], seen["org"] = integration.integration_id, consumer_org(claims)
            if integration.org != seen["org"]:
                raise _Reply(
                    403,
                    f"Integration {integration.integration_id} belongs to {integration.org}, "
                    f"but the token acts for {seen['org']}",
                )
            metadata, data = _multipart(headers, body)
            headere = metadata.get("headere") or {}
            self._check_accounts(integration, metadata)
            self._wait()
            melding = self._publish(metadata, data or b"")
            seen["melding"] = melding
            status, reply = 202, self._model(melding, metadata)
        except _Reply as error:
            status, reply = error.status, _error(error.status, error.message, route)
        with self._lock:
            self.requests.append(
                Request(
                    route,
                    status,
                    seen["integration"],
                    seen["org"],
                    seen["melding"],
                    headere.get("klientMeldingId"),
                    headere.get("klientKorrelasjonsId") or headere.get("klientKorrelasjonId"),
                )
            )
        extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return json_response(status, reply, extra)

    def _faults(self) -> None:
        with self._lock:
            if self.unauthorized_next > 0:
                self.unauthorized_next -= 1
                raise _Reply(401, "The access token is no longer accepted")
            if self.unavailable_next > 0:
                self.unavailable_next -= 1
                raise _Reply(503, "Fiks IO is unavailable")

    def _wait(self) -> None:
        with self._lock:
            delay = self.slow_next.pop(0) if self.slow_next else 0.0
        if delay:
            time.sleep(delay)  # the fault itself: an answer that comes late

    def _token(self, headers: dict[str, str]) -> dict[str, Any]:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _Reply(401, "A Maskinporten token is required (Authorization: Bearer)")
        try:
            claims = self.maskinporten.verify_access_token(token.strip())
        except Invalid as error:
            raise _Reply(401, str(error)) from None
        if SCOPE not in str(claims.get("scope", "")).split():
            raise _Reply(401, f"The token lacks the scope {SCOPE}")
        return claims

    def _integration(self, headers: dict[str, str]) -> Integration:
        integration = self.login(
            headers.get("integrasjonid", ""), headers.get("integrasjonpassord", "")
        )
        if integration is None:
            raise _Reply(401, "Unknown integration, or the wrong password")
        return integration

    def _check_accounts(self, integration: Integration, metadata: dict[str, Any]) -> None:
        sender = self.accounts.get(metadata["avsenderKontoId"])
        if sender is None or integration.integration_id not in sender.integrations:
            raise _Reply(
                403,
                f"Integration {integration.integration_id} may not send from account "
                f"{metadata['avsenderKontoId']}",
            )
        if metadata["mottakerKontoId"] not in self.accounts:
            raise _Reply(400, f"No account {metadata['mottakerKontoId']} to send to")

    def _publish(self, metadata: dict[str, Any], data: bytes) -> str:
        try:
            return self.deliver(
                sender=metadata["avsenderKontoId"],
                receiver=metadata["mottakerKontoId"],
                type=metadata["meldingType"],
                payload=data,
                svar_pa=metadata.get("svarPaMelding"),
                headere=metadata.get("headere"),
                ttl=metadata.get("ttl") or DEFAULT_TTL,
            )
        except (pika.exceptions.AMQPError, OSError) as error:
            raise _Reply(503, f"The message could not be queued: {error!r}") from None

    def _model(self, melding_id: str, metadata: dict[str, Any]) -> dict[str, Any]:
        """SendtMeldingApiModel (fiks-io-send-klient)."""
        return {
            "meldingId": melding_id,
            "meldingType": metadata["meldingType"],
            "avsenderKontoId": metadata["avsenderKontoId"],
            "mottakerKontoId": metadata["mottakerKontoId"],
            "ttl": metadata.get("ttl") or DEFAULT_TTL,
            "dokumentlagerId": None,
            "svarPaMelding": metadata.get("svarPaMelding"),
            "headere": metadata.get("headere") or {},
        }

    def deliver(
        self,
        *,
        sender: str,
        receiver: str,
        type: str,
        payload: bytes = b"",
        svar_pa: str | None = None,
        headere: dict[str, str] | None = None,
        ttl: int = DEFAULT_TTL,
    ) -> str:
        """Publish a message to `receiver`'s queue as Fiks IO does (the send API's last step,
        and the archive's way of answering); returns its melding-id."""
        if receiver not in self.accounts:
            raise ValueError(f"no account {receiver}")
        melding_id = str(uuid.uuid4())
        account = self.accounts.get(sender)
        headers = {
            "melding-id": melding_id,
            "type": type,
            "avsender-id": sender,
            "avsender-navn": account.name if account else "",
        }
        if svar_pa:
            headers["svar-til"] = svar_pa
        for name, value in (headere or {}).items():
            headers[f"egendefinert-header.{name}"] = value
        self.broker.publish(queue_name(receiver), payload, headers, ttl)
        return melding_id

    def _catalogue(self, account_id: str) -> Response:
        with self._lock:
            self.catalogue_requests += 1
        account = self.accounts.get(canonical_uuid(account_id) or "")
        if account is None:
            return json_response(404, _error(404, f"No account {account_id}", CATALOGUE.pattern))
        certificate = x509.load_pem_x509_certificate(account.certificate_pem)
        return json_response(
            200,
            {
                "nokkel": account.certificate_pem.decode("ascii"),
                "validFrom": _iso(certificate.not_valid_before_utc),
                "validTo": _iso(certificate.not_valid_after_utc),
                "serial": str(certificate.serial_number),
                "subjectDN": certificate.subject.rfc4514_string(),
                "issuerDN": certificate.issuer.rfc4514_string(),
            },
        )

    def close(self) -> None:
        self.broker.close()


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _error(status: int, message: str, path: str) -> dict[str, Any]:
    """Spring Boot's error body (Fiks's APIs are Spring services)."""
    return {
        "timestamp": _iso(datetime.datetime.now(datetime.UTC)),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": path,
    }


def json_response(
    status: int, body: dict[str, Any], extra: dict[str, str] | None = None
) -> Response:
    return status, {"Content-Type": "application/json", **(extra or {})}, json.dumps(body).encode()


def _multipart(headers: dict[str, str], body: bytes) -> tuple[dict[str, Any], bytes | None]:
    """The `metadata` (validated) and `data` parts, read with the standard library's email
    parser; anything else in the body is a 400."""
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise _Reply(400, "The body must be multipart/form-data")
    head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise _Reply(400, f"The multipart body does not parse: {message.defects}")
    parts: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or name not in ("metadata", "data"):
            raise _Reply(400, f"Unexpected part {name!r}: only metadata and data")
        if name in parts:
            raise _Reply(400, f"Part {name} twice")
        payload = part.get_payload(decode=True)
        parts[str(name)] = payload if isinstance(payload, bytes) else b""
    if "metadata" not in parts:
        raise _Reply(400, "The metadata part is missing")
    return _metadata(parts["metadata"]), parts.get("data")


def _metadata(raw: bytes) -> dict[str, Any]:
    """MeldingSpesifikasjonApiModel: exactly its fields, each of its type."""
    try:
        metadata = jws.json_object(raw, "metadata")
    except jws.Invalid as error:
        raise _Reply(400, str(error)) from None
    unknown = sorted(set(metadata) - METADATA_FIELDS)
    if unknown:
        raise _Reply(400, f"Unknown metadata fields: {unknown}")
    for name in ("avsenderKontoId", "mottakerKontoId"):
        metadata[name] = canonical_uuid(metadata.get(name))
        if metadata[name] is None:
            raise _Reply(400, f"{name} must be a UUID")
    if not isinstance(metadata.get("meldingType"), str) or not metadata["meldingType"]:
        raise _Reply(400, "meldingType must be a string")
    if metadata.get("svarPaMelding") is not None:
        metadata["svarPaMelding"] = canonical_uuid(metadata["svarPaMelding"])
        if metadata["svarPaMelding"] is None:
            raise _Reply(400, "svarPaMelding must be a UUID or null")
    ttl = metadata.get("ttl")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0):
        raise _Reply(400, "ttl must be a positive whole number of milliseconds")
    headere = metadata.get("headere")
    if headere is not None and not (
        isinstance(headere, dict) and all(isinstance(value, str) for value in headere.values())
    ):
        raise _Reply(400, "headere must be an object of strings")
    return metadata
