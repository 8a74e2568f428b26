"""Compact JWS (RFC 7515) with RSA PKCS#1 v1.5 signatures (RS256/RS384/RS512, RFC 7518
section 3.3), written by hand on `cryptography`: Maskinporten's grants and access tokens are
JWTs signed so (docs.digdir.no: maskinporten_protocol_jwtgrant, maskinporten_protocol_token).

Strict where a lenient reader lets forgeries in: `alg` must be one of the three (never
`none`, never an HMAC an attacker keys with a public key), base64url must be canonical
(RFC 7515 section 2: no padding, no other alphabet), header and claims must be JSON objects
without duplicate names (RFC 7515 section 4, RFC 7519 section 4), and a `crit` header is
refused since no extension is understood here.
"""

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256,
    "RS384": hashes.SHA384,
    "RS512": hashes.SHA512,
}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class Invalid(ValueError):
    """The token is malformed, or its signature does not verify; the message says which."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Canonical base64url only: no padding, no `+/`, no whitespace, no dangling bits."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise Invalid("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:
        raise Invalid("not canonical base64url")
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise Invalid(f"duplicate member {name!r}")
        result[name] = value
    return result


def json_object(data: bytes, what: str) -> dict[str, Any]:
    """`data` as a JSON object with unique member names, else Invalid."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Invalid(f"{what} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise Invalid(f"{what} is not a JSON object")
    return value


def _compact(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def encode(
    claims: dict[str, Any],
    key: rsa.RSAPrivateKey,
    header: dict[str, Any] | None = None,
    alg: str = "RS256",
) -> str:
    """A compact JWS of `claims`, header `{"alg": alg, **header}`, signed with `key`."""
    if alg not in ALGORITHMS:
        raise ValueError(f"alg {alg!r} is not one of {sorted(ALGORITHMS)}")
    head = {"alg": alg, **(header or {})}
    signing_input = f"{b64url_encode(_compact(head))}.{b64url_encode(_compact(claims))}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), ALGORITHMS[alg]())
    return f"{signing_input}.{b64url_encode(signature)}"


@dataclass(frozen=True)
class Parsed:
    """A token taken apart, its signature not yet checked."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header["alg"])


def parse(token: str) -> Parsed:
    """The token's header and claims, checked for form but not for signature."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise Invalid("not a compact JWS (three base64url parts)")
    head, body, signature = token.split(".")
    header = json_object(b64url_decode(head), "the header")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise Invalid(f"alg {alg!r} is not allowed: only {', '.join(ALGORITHMS)}")
    if "crit" in header:
        raise Invalid("crit names extensions this reader does not understand")
    claims = json_object(b64url_decode(body), "the claims")
    raw_signature = b64url_decode(signature)
    if not raw_signature:
        raise Invalid("no signature")
    return Parsed(header, claims, f"{head}.{body}".encode("ascii"), raw_signature)


def verify(parsed: Parsed, public_key: rsa.RSAPublicKey) -> None:
    """Raises Invalid unless `public_key` made the signature."""
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise Invalid("the key is not an RSA key")
    try:
        public_key.verify(
            parsed.signature, parsed.signing_input, padding.PKCS1v15(), ALGORITHMS[parsed.alg]()
        )
    except InvalidSignature:
        raise Invalid("the signature does not verify") from None


def decode(token: str, public_key: rsa.RSAPublicKey) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) of a token `public_key` signed; Invalid otherwise."""
    parsed = parse(token)
    verify(parsed, public_key)
    return parsed.header, parsed.claims
