"""Maskinporten's token endpoint, as Digdir documents it (docs.digdir.no):

- maskinporten_protocol_token: POST application/x-www-form-urlencoded with
  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and assertion=<the JWT grant>
  (RFC 7523 section 2.1); the answer {"access_token", "token_type": "Bearer", "expires_in",
  "scope"}; errors as RFC 6749 section 5.2 JSON {"error", "error_description"}.
- maskinporten_protocol_jwtgrant: the grant is signed RS256, RS384 or RS512; its header has
  `x5c` (the enterprise certificate, standard base64 DER, RFC 7517 section 4.7) or `kid` (a
  key registered on the client); `aud` is Maskinporten's issuer identifier (one value: the
  token endpoint's URL is no longer taken), `iss` the client id, `iat` within 10 s of the
  server's clock, `exp - iat <= 120`, `jti` never reused, `scope` whitespace-separated and
  registered on the client; claims it does not document are refused ("Invalid assertion").
- maskinporten_func_delegering: a supplier's client asks with `consumer_org` for a consumer
  that delegated the scope to the supplier in Altinn; the token then names the consumer and
  the supplier (authority iso6523-actorid-upis, ID "0192:<orgno>").

The access token is a JWS signed with the simulator's own key (header kid), with the claims
Digdir lists for Maskinporten's self-contained tokens: iss, client_id, scope, iat, exp, jti,
token_type, client_amr, consumer (and supplier when delegated; aud when `resource` asked).
KS's client (ks-no/fiks-maskinporten, Maskinportenklient.kt) is what builds such grants.
"""

import base64
import binascii
import datetime
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import certs, jws

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The body claims maskinporten_protocol_jwtgrant documents (consumer_org: delegation).
GRANT_CLAIMS = frozenset({"aud", "iss", "iat", "exp", "jti", "scope", "resource", "consumer_org"})
REQUIRED_CLAIMS = ("aud", "iss", "iat", "exp", "scope")
CLOCK_SKEW = 10
GRANT_LIFETIME = 120
AUTHORITY = "iso6523-actorid-upis"


class Invalid(Exception):
    """An access token this Maskinporten did not issue, or no longer honours."""


class _Refused(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class Client:
    """A Maskinporten client (integration) registered in Samarbeidsportalen."""

    client_id: str
    org: str
    certificate: x509.Certificate | None
    keys: dict[str, rsa.RSAPublicKey]
    scopes: set[str]


@dataclass(frozen=True)
class Issued:
    """One access token handed out: consumer_org is set when it was asked for by delegation."""

    client_id: str
    consumer_org: str | None
    jti: str
    at: int
    scope: str = ""


def is_org(value: object) -> bool:
    return isinstance(value, str) and len(value) == 9 and value.isdigit()


def consumer_org(claims: dict[str, Any]) -> str | None:
    """The organization number an access token acts for ("0192:<orgno>" in `consumer`)."""
    consumer = claims.get("consumer")
    identifier = consumer.get("ID") if isinstance(consumer, dict) else None
    if not isinstance(identifier, str) or not identifier.startswith("0192:"):
        return None
    return identifier.removeprefix("0192:")


def _public_key(pem: bytes) -> rsa.RSAPublicKey:
    """A registered key: a public key PEM, or a certificate PEM whose key it is."""
    key: object
    if b"CERTIFICATE" in pem:
        key = x509.load_pem_x509_certificate(pem).public_key()
    else:
        key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("Maskinporten takes RSA keys (RS256/RS384/RS512)")
    return key


def _number(claims: dict[str, Any], name: str) -> float:
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Refused("invalid_grant", f"Invalid assertion. {name} is not a NumericDate")
    return value


@dataclass
class _State:
    clients: dict[str, Client] = field(default_factory=dict)
    delegations: set[tuple[str, str, str]] = field(default_factory=set)
    used: dict[tuple[str, str], float] = field(default_factory=dict)


class Maskinporten:
    """The token endpoint's rules, with a registry of clients and delegations, records of
    what it issued and refused, and one fault: `unavailable_next` answers 503."""

    def __init__(
        self,
        issuer: str,
        token_lifetime: int = 120,
        *,
        signing_key: rsa.RSAPrivateKey | None = None,
    ):
        self.issuer = issuer
        self.token_lifetime = token_lifetime
        self._key = signing_key or certs.new_key()
        public = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.key_id = jws.b64url_encode(hashlib.sha256(public).digest()[:16])
        self._state = _State()
        self._lock = threading.Lock()
        self.issued: list[Issued] = []
        self.refused: list[tuple[str, str]] = []
        self.unavailable_next = 0

    @property
    def clients(self) -> dict[str, Client]:
        return self._state.clients

    def register_client(
        self,
        client_id: str,
        *,
        org: str,
        certificate_pem: bytes | None = None,
        keys: dict[str, bytes] | None = None,
        scopes: set[str] | frozenset[str] = frozenset({"ks:fiks"}),
    ) -> Client:
        """A client of organization `org`, authenticated by its enterprise certificate (x5c)
        or by a registered key (kid). The certificate's serialNumber must be `org`."""
        if not is_org(org):
            raise ValueError(f"an organization number is 9 digits, not {org!r}")
        certificate = None
        if certificate_pem is not None:
            certificate = x509.load_pem_x509_certificate(certificate_pem)
            numbers = certificate.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
            if [attribute.value for attribute in numbers] != [org]:
                raise ValueError(f"the certificate's serialNumber is not organization {org}")
        loaded = {kid: _public_key(pem) for kid, pem in (keys or {}).items()}
        client = Client(client_id, org, certificate, loaded, set(scopes))
        with self._lock:
            self._state.clients[client_id] = client
        return client

    def delegate(self, consumer_org: str, supplier_org: str, scope: str = "ks:fiks") -> None:
        """What the consumer does in Altinn: lets the supplier's clients ask for `scope`
        on its behalf (consumer_org in the grant)."""
        if not (is_org(consumer_org) and is_org(supplier_org)):
            raise ValueError("organization numbers are 9 digits")
        with self._lock:
            self._state.delegations.add((consumer_org, supplier_org, scope))

    def revoke(self, consumer_org: str, supplier_org: str, scope: str = "ks:fiks") -> None:
        with self._lock:
            self._state.delegations.discard((consumer_org, supplier_org, scope))

    def jwks(self) -> dict[str, Any]:
        """The public key tokens are signed with, as a JWK set (RFC 7517)."""
        numbers = self._key.public_key().public_numbers()

        def b64(value: int) -> str:
            return jws.b64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))

        key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.key_id}
        return {"keys": [{**key, "n": b64(numbers.n), "e": b64(numbers.e)}]}

    def token_request(
        self, form: dict[str, str], now: float | None = None
    ) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for a POST to the token endpoint with `form`'s fields."""
        now = time.time() if now is None else now
        try:
            with self._lock:
                if self.unavailable_next > 0:
                    self.unavailable_next -= 1
                    raise _Refused("temporarily_unavailable", "Maskinporten is unavailable", 503)
            client, claims, amr = self._authenticate(form, now)
            consumer, supplier = self._authorize(client, claims)
        except _Refused as refused:
            with self._lock:
                self.refused.append((refused.error, refused.description))
            return refused.status, {
                "error": refused.error,
                "error_description": refused.description,
            }
        return 200, self._issue(client, claims, amr, (consumer, supplier), int(now))

    def _authenticate(self, form: dict[str, str], now: float) -> tuple[Client, dict[str, Any], str]:
        if form.get("grant_type") != GRANT_TYPE:
            raise _Refused("unsupported_grant_type", f"grant_type must be {GRANT_TYPE}")
        assertion = form.get("assertion")
        if not assertion:
            raise _Refused("invalid_request", "assertion is missing")
        try:
            parsed = jws.parse(assertion)
        except jws.Invalid as error:
            raise _Refused("invalid_grant", f"Invalid assertion. {error}") from None
        claims = parsed.claims
        self._check_claims(claims, now)
        client = self._state.clients.get(claims["iss"])
        if client is None:
            raise _Refused("invalid_client", f"Unknown client {claims['iss']!r}")
        key, amr = self._signing_key(client, parsed.header, now)
        try:
            jws.verify(parsed, key)
        except jws.Invalid as error:
            raise _Refused("invalid_grant", f"Invalid assertion. {error}") from None
        self._use_jti(client, claims, now)
        return client, claims, amr

    def _check_claims(self, claims: dict[str, Any], now: float) -> None:
        unknown = sorted(set(claims) - GRANT_CLAIMS)
        if unknown:
            raise _Refused("invalid_grant", f"Invalid assertion. Unknown claims: {unknown}")
        missing = [name for name in REQUIRED_CLAIMS if name not in claims]
        if missing:
            raise _Refused("invalid_grant", f"Invalid assertion. Missing claims: {missing}")
        if claims["aud"] != self.issuer:
            raise _Refused(
                "invalid_grant",
                f"Invalid assertion. aud must be the issuer identifier {self.issuer!r}, one "
                f"value (not the token endpoint), not {claims['aud']!r}",
            )
        if not isinstance(claims["iss"], str) or not claims["iss"]:
            raise _Refused("invalid_grant", "Invalid assertion. iss must be the client id")
        iat, exp = _number(claims, "iat"), _number(claims, "exp")
        if abs(iat - now) > CLOCK_SKEW:
            raise _Refused(
                "invalid_grant",
                f"Invalid assertion. iat must be within {CLOCK_SKEW} seconds of our clock",
            )
        if exp - iat > GRANT_LIFETIME or exp <= now:
            raise _Refused(
                "invalid_grant",
                f"Invalid assertion. exp must be after now and at most {GRANT_LIFETIME} "
                "seconds after iat",
            )
        self._check_values(claims)

    def _check_values(self, claims: dict[str, Any]) -> None:
        scope = claims["scope"]
        if not isinstance(scope, str) or not scope.split():
            raise _Refused("invalid_scope", "scope must be whitespace-separated scopes")
        if "jti" in claims and (not isinstance(claims["jti"], str) or not claims["jti"]):
            raise _Refused("invalid_grant", "Invalid assertion. jti must be a string")
        if "consumer_org" in claims and not is_org(claims["consumer_org"]):
            raise _Refused("invalid_grant", "Invalid assertion. consumer_org is 9 digits")
        resource = claims.get("resource")
        if resource is not None and not (
            isinstance(resource, str)
            or (isinstance(resource, list) and all(isinstance(r, str) for r in resource))
        ):
            raise _Refused("invalid_grant", "Invalid assertion. resource is not a string")

    def _signing_key(
        self, client: Client, header: dict[str, Any], now: float
    ) -> tuple[rsa.RSAPublicKey, str]:
        """The key that must have signed the grant, and how the client authenticated."""
        if "x5c" in header:
            return self._certificate_key(client, header["x5c"], now), "virksomhetssertifikat"
        if "kid" in header:
            key = client.keys.get(header["kid"]) if isinstance(header["kid"], str) else None
            if key is None:
                raise _Refused(
                    "invalid_grant",
                    f"Invalid assertion. kid {header['kid']!r} is no key of client "
                    f"{client.client_id}",
                )
            return key, "private_key_jwt"
        raise _Refused("invalid_grant", "Invalid assertion. Either kid or x5c must be present")

    def _certificate_key(self, client: Client, chain: object, now: float) -> rsa.RSAPublicKey:
        if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
            raise _Refused("invalid_grant", "Invalid assertion. x5c is not a certificate chain")
        try:
            # RFC 7517 section 4.7: standard base64 of DER, not base64url.
            certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
        except (binascii.Error, ValueError):
            raise _Refused("invalid_grant", "Invalid assertion. x5c[0] is no certificate") from None
        if client.certificate is None or certificate != client.certificate:
            raise _Refused(
                "invalid_grant",
                f"Invalid assertion. The certificate in x5c is not the one registered for "
                f"client {client.client_id}",
            )
        moment = datetime.datetime.fromtimestamp(now, datetime.UTC)
        if not certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc:
            raise _Refused("invalid_grant", "Invalid assertion. The certificate is not valid now")
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise _Refused("invalid_grant", "Invalid assertion. The certificate's key is not RSA")
        return key

    def _use_jti(self, client: Client, claims: dict[str, Any], now: float) -> None:
        if "jti" not in claims:
            return  # "Recommended", not required (maskinporten_protocol_jwtgrant)
        with self._lock:
            used = self._state.used
            for seen in [seen for seen, until in used.items() if until < now - CLOCK_SKEW]:
                del used[seen]  # a grant this old is refused by its iat anyway
            if (client.client_id, claims["jti"]) in used:
                raise _Refused("invalid_grant", "Invalid assertion. The jti has been used before")
            used[(client.client_id, claims["jti"])] = float(claims["exp"])

    def _authorize(self, client: Client, claims: dict[str, Any]) -> tuple[str, str | None]:
        """(consumer org, supplier org or None) the token is for."""
        scopes = claims["scope"].split()
        lacking = [scope for scope in scopes if scope not in client.scopes]
        if lacking:
            raise _Refused(
                "invalid_scope", f"Client {client.client_id} has no access to scopes {lacking}"
            )
        consumer = claims.get("consumer_org")
        if consumer is None or consumer == client.org:
            return client.org, None
        with self._lock:
            missing = [
                scope
                for scope in scopes
                if (consumer, client.org, scope) not in self._state.delegations
            ]
        if missing:
            raise _Refused(
                "invalid_scope",
                f"Consumer {consumer} has not delegated access to the scope {missing[0]} to "
                f"supplier {client.org}",
            )
        return consumer, client.org

    def _issue(
        self,
        client: Client,
        grant: dict[str, Any],
        amr: str,
        parties: tuple[str, str | None],
        now: int,
    ) -> dict[str, Any]:
        consumer, supplier = parties
        scope = " ".join(grant["scope"].split())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "client_id": client.client_id,
            "scope": scope,
            "iat": now,
            "exp": now + self.token_lifetime,
            "jti": str(uuid.uuid4()),
            "token_type": "Bearer",
            "client_amr": amr,
            "consumer": {"authority": AUTHORITY, "ID": f"0192:{consumer}"},
        }
        if supplier is not None:
            claims["supplier"] = {"authority": AUTHORITY, "ID": f"0192:{supplier}"}
        if "resource" in grant:
            claims["aud"] = grant["resource"]
        token = jws.encode(claims, self._key, {"kid": self.key_id, "typ": "at+jwt"})
        with self._lock:
            delegated = consumer if supplier is not None else None
            self.issued.append(Issued(client.client_id, delegated, claims["jti"], now, scope))
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": scope,
        }

    def verify_access_token(self, token: str, now: float | None = None) -> dict[str, Any]:
        """The claims of a token this Maskinporten signed, issued by it and not expired;
        Invalid (with the reason) otherwise."""
        now = time.time() if now is None else now
        try:
            parsed = jws.parse(token)
            if parsed.header.get("kid") != self.key_id:
                raise Invalid("the token is not signed by this Maskinporten")
            jws.verify(parsed, self._key.public_key())
        except jws.Invalid as error:
            raise Invalid(f"the token is not valid: {error}") from None
        claims = parsed.claims
        if claims.get("iss") != self.issuer:
            raise Invalid(f"the token's issuer is not {self.issuer}")
        exp = claims.get("exp")
        if isinstance(exp, bool) or not isinstance(exp, int | float) or exp <= now:
            raise Invalid("the token has expired")
        return claims
