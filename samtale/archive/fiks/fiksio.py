"""KS's Fiks IO, as its own clients reach it (ks-no/fiks-io-send-klient, fiks-io-klient-java,
fiks-io-client-dotnet): a `Transport` (archive.fiks.transport) for a municipality's account.

- **Sending** is ``POST {api}/fiks-io/api/v1/send`` with ``Authorization: Bearer <token>``
  (Maskinporten, scope ``ks:fiks``) and the integration's ``IntegrasjonId`` and
  ``IntegrasjonPassord``, a multipart body of ``metadata`` (JSON: the two accounts, the
  type, the message it answers, its lifetime in milliseconds, the sender's own headers) and
  ``data`` (the encrypted ASiC-E). 202 answers with the sent message's model: Fiks IO gives
  the message its id (``meldingId``). A 401 renews the token once and tries again; a 5xx,
  a refusal or a connection that fails raises Unavailable (nothing went: sent again after
  the back-off); an answer that never came raises Uncertain (it may have gone: the sender
  waits for the archive's answer to it, found by Samtale's own id, which the archive echoes).
- **The receiver's certificate** comes from the catalogue,
  ``GET {api}/fiks-io/katalog/api/v1/kontoer/{id}/offentligNokkel``, kept ten minutes (as
  KS's clients keep it), and fetched again at once when the one kept has expired, so a key
  the archive rotates is used within minutes.
- **Receiving** is AMQP over TLS (``amqps://io.fiks.ks.no:5671``): user the integration id,
  password ``"<integrasjonPassord> <token>"``, the queue ``fiksio.konto.<account id>``,
  which Fiks IO made and the client never declares.

TLS is verified against the system's CAs or the configured bundle, host name included: a
certificate that does not verify is refused with its reason, never skipped.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from samtale.archive.fiks.transport import (
    Broker,
    Message,
    Unavailable,
    Uncertain,
    queue_of,
    tls_reason,
)

SEND_PATH = "/fiks-io/api/v1/send"
KEY_PATH = "/fiks-io/katalog/api/v1/kontoer/{account}/offentligNokkel"
# How long a catalogue's certificate is kept (KS's clients: ten minutes).
KEY_SECONDS = 600


@dataclass(frozen=True)
class Account:
    """What a municipality's account needs to reach Fiks IO."""

    api_url: str  # https://api.fiks.ks.no
    amqp_url: str  # amqps://io.fiks.ks.no:5671
    integration_id: str
    integration_password: str
    ca_bundle: str = ""  # "": the system's CAs
    timeout: float = 30.0


class _Keys:
    """The catalogue's certificates this process holds: (api, account) → (PEM, until)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], tuple[bytes, float]] = {}
        self._guard = threading.Lock()
        self.fetched = 0

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._guard:
            kept = self._kept.get(key)
        if kept is None or kept[1] < time.time():
            return None
        certificate = x509.load_pem_x509_certificate(kept[0])
        if certificate.not_valid_after_utc.timestamp() < time.time():
            return None  # expired: the archive has a new one
        return kept[0]

    def put(self, key: tuple[str, str], pem: bytes) -> None:
        with self._guard:
            self._kept[key] = (pem, time.time() + KEY_SECONDS)
            self.fetched += 1

    def clear(self) -> None:
        with self._guard:
            self._kept.clear()


KEYS = _Keys()


def _tls_refused(error: Exception) -> bool:
    text = repr(error)
    return "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text


class FiksIoTransport(Broker):
    """One municipality's account on Fiks IO (see the module's notes). `token()` gives the
    Maskinporten token to use, `forget()` drops it after Fiks IO refused it."""

    declares = False

    def __init__(
        self, account: Account, *, token: Callable[[], str], forget: Callable[[], None]
    ) -> None:
        super().__init__()
        self.account = account
        self._token = token
        self._forget = forget
        self._session: Any = None
        self.requests = 0  # HTTPS requests made

    # HTTPS ------------------------------------------------------------------------------

    def _http(self) -> Any:
        import requests

        if self._session is None:
            self._session = requests.Session()
        return self._session

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        url = self.account.api_url.rstrip("/") + path
        self.requests += 1
        # Given with each request: a session's own is overridden by REQUESTS_CA_BUNDLE.
        kwargs["verify"] = self.account.ca_bundle or True
        try:
            return self._http().request(method, url, **kwargs)
        except requests.exceptions.SSLError as error:
            raise self._certificate_refused(urlsplit(url).netloc, error) from None
        except requests.exceptions.ReadTimeout:
            raise Uncertain(f"Fiks IO did not answer within {self.account.timeout:g} s.") from None
        except requests.RequestException as error:
            raise Unavailable(
                f"Fiks IO cannot be reached ({url}): {error}",
                cause="fiks-unreachable",
                host=urlsplit(url).netloc,
                reason=type(error).__name__,
            ) from None

    def _certificate_refused(self, host: str, error: BaseException) -> Unavailable:
        bundle = self.account.ca_bundle
        return Unavailable(
            f"The certificate of {host} did not verify against "
            f"{bundle or 'the system’s CAs'}: {error!r}",
            cause="fiks-certificate",
            host=host,
            bundle=bundle,
            reason=tls_reason(error),
        )

    def public_key(self, account: str) -> bytes | None:
        key = (self.account.api_url, str(uuid.UUID(account)))
        kept = KEYS.get(key)
        if kept is not None:
            return kept
        try:
            response = self._request(
                "GET", KEY_PATH.format(account=key[1]), timeout=self.account.timeout
            )
        except Uncertain as error:
            raise Unavailable(str(error)) from None
        if response.status_code != 200:
            raise Unavailable(
                f"Fiks IO's catalogue has no certificate for account {key[1]} "
                f"({response.status_code}).",
                cause="fiks-no-key",
                account=key[1],
                status=str(response.status_code),
            )
        try:
            pem = str(response.json().get("nokkel") or "").encode()
            x509.load_pem_x509_certificate(pem)
        except (ValueError, AttributeError):
            raise Unavailable(
                f"Fiks IO's catalogue answered no readable certificate for {key[1]}.",
                cause="fiks-no-key",
                account=key[1],
                status="200",
            ) from None
        KEYS.put(key, pem)
        return pem

    def _metadata(self, message: Message) -> bytes:
        return json.dumps(
            {
                "avsenderKontoId": message.sender,
                "mottakerKontoId": message.receiver,
                "meldingType": message.type,
                "svarPaMelding": message.reply_to,
                "ttl": int(message.lifetime.total_seconds() * 1000),
                "headere": dict(message.headers),
            }
        ).encode()

    def send(self, message: Message) -> str:
        files: dict[str, Any] = {"metadata": (None, self._metadata(message), "application/json")}
        if message.payload:
            files["data"] = (str(uuid.uuid4()), message.payload, "application/octet-stream")
        for attempt in (1, 2):
            headers = {
                "Authorization": f"Bearer {self._token()}",
                "IntegrasjonId": self.account.integration_id,
                "IntegrasjonPassord": self.account.integration_password,
            }
            response = self._request(
                "POST",
                SEND_PATH,
                files=files,
                headers=headers,
                timeout=(min(10.0, self.account.timeout), self.account.timeout),
            )
            if response.status_code == 401 and attempt == 1:
                self._forget()  # a token Fiks IO no longer takes: one new one, once
                continue
            break
        return self._sent_as(response)

    def _sent_as(self, response: Any) -> str:
        status = response.status_code
        if status != 202:
            said = (response.text or "")[:300]
            if status == 401:
                raise Unavailable(
                    f"Fiks IO refused the integration's sign-in (401): {said}",
                    cause="fiks-signin",
                    integration=self.account.integration_id,
                )
            if status >= 500:
                raise Unavailable(
                    f"Fiks IO could not take the message now ({status}).",
                    cause="fiks-busy",
                    status=str(status),
                )
            raise Unavailable(
                f"Fiks IO refused the message ({status}): {said}",
                cause="fiks-refused",
                status=str(status),
                reason=said[:200],
            )
        try:
            return str(uuid.UUID(str(response.json()["meldingId"])))
        except (ValueError, KeyError, TypeError):
            raise Uncertain("Fiks IO took the message but did not say its id.") from None

    # AMQP over TLS ----------------------------------------------------------------------

    def _connect(self) -> Any:
        import pika
        import pika.exceptions

        parts = urlsplit(self.account.amqp_url)
        host = parts.hostname or ""
        context = ssl.create_default_context(cafile=self.account.ca_bundle or None)
        for attempt in (1, 2):
            parameters = pika.ConnectionParameters(
                host=host,
                port=parts.port or 5671,
                virtual_host=(parts.path or "/").lstrip("/") or "/",
                credentials=pika.PlainCredentials(
                    self.account.integration_id,
                    f"{self.account.integration_password} {self._token()}",
                ),
                ssl_options=pika.SSLOptions(context, server_hostname=host),
                connection_attempts=1,
                socket_timeout=5,
                blocked_connection_timeout=10,
            )
            try:
                return pika.BlockingConnection(parameters)
            except (
                pika.exceptions.ProbableAuthenticationError,
                pika.exceptions.ProbableAccessDeniedError,
                pika.exceptions.AuthenticationError,
            ) as error:
                if attempt == 2:
                    raise Unavailable(
                        f"Fiks IO refused the integration's sign-in: {error!r}",
                        cause="fiks-signin",
                        integration=self.account.integration_id,
                    ) from None
                self._forget()
            except (pika.exceptions.AMQPError, OSError) as error:
                if _tls_refused(error):
                    raise self._certificate_refused(f"{host}:{parts.port or 5671}", error) from None
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        super().close()
        session, self._session = self._session, None
        if session is not None:
            session.close()


__all__ = ["Account", "FiksIoTransport", "KEYS", "queue_of"]
