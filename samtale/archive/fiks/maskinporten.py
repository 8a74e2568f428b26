"""Maskinporten: the access token Fiks IO asks for, got with a JWT grant (RFC 7523) as
Digdir documents it and KS's client (ks-no/fiks-maskinporten) makes it.

The grant is signed RS256 with the client's enterprise certificate's key, the certificate
in its header (``x5c``), or with a key registered for the client (``kid``); its claims are
``aud`` (Maskinporten's issuer identifier, never the token URL), ``iss`` (the client id),
``iat``, ``exp`` (two minutes on), a fresh ``jti``, ``scope`` (``ks:fiks``) and, for a
supplier acting for a municipality that has delegated the scope to it in Altinn,
``consumer_org`` (the municipality's organization number).

A token is kept per (Maskinporten, client, municipality, scope) until ten seconds before it
expires (KS's client does the same), in this process; `forget` drops one the other side
refused (a 401), so the next call gets a new one. Every way of not getting one raises
`TokenUnavailable` (a transport's Unavailable: what was to go waits and is tried again)
with a short `cause` the municipality's health shows, and the reason in words.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from samtale.archive.fiks.transport import Unavailable, tls_reason

SCOPE = "ks:fiks"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Maskinporten takes a grant that lives at most 120 seconds (exp - iat).
GRANT_SECONDS = 120
# A token is used until this long before it expires (ks-no/fiks-maskinporten: 10 s).
RENEW_BEFORE = 10
TIMEOUT = 10

# Why no token could be had, as the municipality's health says it.
NO_CLIENT = "no-client"
NO_DELEGATION = "no-delegation"
REFUSED = "token-refused"
UNREACHABLE = "maskinporten-unreachable"
CERTIFICATE = "certificate-unreadable"


class TokenUnavailable(Unavailable):
    """No token: `cause` one of the codes above (archive.causes says each to the archive
    staff), the message says why in words."""

    def __init__(self, cause: str, message: str, **params: str):
        super().__init__(message, cause=cause, **params)


@dataclass(frozen=True)
class Client:
    """A Maskinporten client: its id, its key, and the enterprise certificate that goes in
    the grant (or the id of a key registered for it instead), at one Maskinporten."""

    issuer: str  # e.g. https://maskinporten.no/ (its token endpoint is issuer + "token")
    client_id: str
    private_key: str  # PEM file
    certificate: str = ""  # PEM file: x5c
    kid: str = ""
    ca_bundle: str = ""  # the CAs Maskinporten's certificate is verified against; "": the system's

    @property
    def token_url(self) -> str:
        return self.issuer.rstrip("/") + "/token"


def certificate_expires(path: str) -> datetime | None:
    """When the PEM certificate at `path` expires (None without one)."""
    if not path:
        return None
    certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    return certificate.not_valid_after_utc


def grant(client: Client, *, consumer_org: str = "", now: float | None = None) -> str:
    """A signed JWT grant for `client`, acting for `consumer_org` where one is given."""
    import jwt

    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "aud": client.issuer,
        "iss": client.client_id,
        "iat": issued,
        "exp": issued + GRANT_SECONDS,
        "jti": str(uuid.uuid4()),
        "scope": SCOPE,
    }
    if consumer_org:
        claims["consumer_org"] = consumer_org
    try:
        key = serialization.load_pem_private_key(
            Path(client.private_key).read_bytes(), password=None
        )
        headers: dict[str, object] = {"alg": "RS256"}
        if client.kid:
            headers["kid"] = client.kid
        else:
            certificate = x509.load_pem_x509_certificate(Path(client.certificate).read_bytes())
            der = certificate.public_bytes(serialization.Encoding.DER)
            headers["x5c"] = [base64.b64encode(der).decode()]
    except (OSError, ValueError) as error:
        raise TokenUnavailable(
            CERTIFICATE,
            f"The Maskinporten client's key or certificate cannot be read: {error}",
            reason=str(error)[:200],
        ) from None
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)  # type: ignore[arg-type]


def _refusal(status: int, answer: dict[str, object], consumer_org: str) -> TokenUnavailable:
    error = str(answer.get("error") or status)
    description = str(answer.get("error_description") or "")[:300]
    said = f"{error}: {description}" if description else error
    if consumer_org and error in ("invalid_scope", "unauthorized_client", "access_denied"):
        return TokenUnavailable(
            NO_DELEGATION,
            f"Maskinporten gives no {SCOPE} token for organization {consumer_org} ({said}). "
            f"Has the municipality delegated {SCOPE} to this installation's supplier in Altinn?",
            org=consumer_org,
            reason=said,
        )
    return TokenUnavailable(
        REFUSED, f"Maskinporten refused the token ({status} {said}).", reason=f"{status} {said}"
    )


# A Maskinporten that did not answer is not asked again for this long (by token URL and
# trust): one worker or health check waits for its timeout, not one per municipality.
AWAY_SECONDS = 60
_away: dict[tuple[str, str], float] = {}


def fetch(client: Client, *, consumer_org: str = "") -> tuple[str, int]:
    """A new token from Maskinporten: (access token, seconds it lives)."""
    where = (client.token_url, client.ca_bundle)
    if _away.get(where, 0) > time.monotonic():
        raise TokenUnavailable(
            UNREACHABLE,
            f"Maskinporten did not answer a moment ago ({client.token_url}): not asked again yet.",
            host=urlsplit(client.token_url).netloc,
            reason="—",
        )
    try:
        return _fetch(client, consumer_org=consumer_org)
    except TokenUnavailable as refused:
        if refused.cause == UNREACHABLE and not refused.params.get("tls"):
            _away[where] = time.monotonic() + AWAY_SECONDS
        raise


def _fetch(client: Client, *, consumer_org: str) -> tuple[str, int]:
    import requests

    data = {"grant_type": GRANT_TYPE, "assertion": grant(client, consumer_org=consumer_org)}
    try:
        response = requests.post(
            client.token_url, data=data, timeout=TIMEOUT, verify=client.ca_bundle or True
        )
    except requests.exceptions.SSLError as error:
        raise TokenUnavailable(
            UNREACHABLE,
            f"Maskinporten's certificate did not verify ({client.token_url}): {error}",
            host=urlsplit(client.token_url).netloc,
            bundle=client.ca_bundle,
            reason=tls_reason(error),
            tls="1",
        ) from None
    except requests.RequestException as error:
        raise TokenUnavailable(
            UNREACHABLE,
            f"Maskinporten does not answer ({client.token_url}): {error}",
            host=urlsplit(client.token_url).netloc,
            reason=type(error).__name__,
        ) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if response.status_code >= 500:
        raise TokenUnavailable(
            UNREACHABLE,
            f"Maskinporten could not give a token now ({response.status_code}).",
            host=urlsplit(client.token_url).netloc,
            reason=str(response.status_code),
        )
    if response.status_code != 200:
        raise _refusal(response.status_code, answer, consumer_org)
    token, lifetime = answer.get("access_token"), answer.get("expires_in")
    if not isinstance(token, str) or not token or not isinstance(lifetime, int):
        raise TokenUnavailable(REFUSED, "Maskinporten's answer holds no token.")
    return token, lifetime


class Tokens:
    """The tokens this process holds, by (Maskinporten, client, municipality, scope); at most
    one request for a given key at a time. `fetched` counts the tokens asked for."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, str, str], tuple[str, float]] = {}
        self._locks: dict[tuple[str, str, str, str], threading.Lock] = {}
        self._guard = threading.Lock()
        self.fetched = 0

    def _key(self, client: Client, consumer_org: str) -> tuple[str, str, str, str]:
        return (client.issuer, client.client_id, consumer_org, SCOPE)

    def token(self, client: Client, *, consumer_org: str = "") -> str:
        key = self._key(client, consumer_org)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            kept = self._kept.get(key)
            if kept is not None and kept[1] - RENEW_BEFORE > time.monotonic():
                return kept[0]
            token, lifetime = fetch(client, consumer_org=consumer_org)
            self.fetched += 1
            self._kept[key] = (token, time.monotonic() + lifetime)
            return token

    def forget(self, client: Client, *, consumer_org: str = "") -> None:
        self._kept.pop(self._key(client, consumer_org), None)

    def clear(self) -> None:
        self._kept.clear()
        _away.clear()


TOKENS = Tokens()
