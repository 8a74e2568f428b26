"""What each tenant configures for itself, declared once: its name, kind, bounds, whether it
is secret, whether it is the tenant's own, and (where the declaration is made, in
config/settings/) its environment value (what the tenant of the installation's own database is
registered with, tenancy.seed). The environment and
`manage.py tenants configure/create/restore` go through the same checks here: a value
refused is refused with the same words either way, and changes nothing.

The declarations are made by the settings modules (`config.settings.env.envtenant`), as
each reads its value from the environment, so that the place that documents a
setting (scripts/settings_table.py reads those modules) declares it too. This module stands
below Django's settings: plain Python, imported while they load.

A tenant's *own* settings (its organization number, archive, Fiks account, calendar
address and mailbox, sender, identity providers) are its own, never another's: the
environment's are registered for the installation's own tenant only (tenancy.seed); unset,
they are empty (`unset`), or made from another of its own (`derived`). The others fall
back to the installation's value."""

from __future__ import annotations

import base64
import binascii
import datetime
import ipaddress
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

# Kinds: what a value is, and how it is checked.
TEXT = "text"
NUMBER = "number"
YESNO = "yes/no"
CHOICE = "choice"
ADDRESS = "e-mail address"
SENDER = "sender"  # "Name <address>" or an address
URL = "address (URL)"
IMAP_URL = "IMAP address"
AMQP_URL = "AMQP address"  # amqps://host:port
ORGANIZATION_NUMBER = "organization number"
TOKEN = "token"  # a random value of at least 32 characters
FERNET_KEY = "Fernet key"
IDENTIFIER = "UUID"
PROVIDERS = "identity providers (JSON)"
DATE = "date"  # 2026-11-28, kept as that text
FOLDER = "folder"  # an absolute path on this machine

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


class Refused(ValueError):
    """A value that makes no sense, with the words that say why (the name included); `code`,
    the system check's id the environment's settings report it under, where the kind of
    problem has one of its own (samtale.E010 a number that is none, E011 one out of range,
    E012 a choice not offered)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Declared:
    name: str
    kind: str = TEXT
    # A registered tenant's own: never the installation's value.
    own: bool = False
    # Kept encrypted, shown as "***", never exported in clear.
    secret: bool = False
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    # A registered tenant's own setting left unset.
    unset: object = ""
    # Unset, made from the tenant's other settings (get: name -> value).
    derived: Callable[[Callable[[str], object]], object] | None = field(default=None, compare=False)
    # A registered tenant must have it: `tenants create` asks for it, nothing unsets it.
    required: bool = False
    # An account or address outside that the tenant is known by (its sender, mailbox,
    # calendar address, webhook token, organization number, Fiks account, archive folder):
    # no two tenants have the same (`account_key`; operators.services refuses one another
    # tenant has), or one would take what is meant for the other.
    account: bool = False

    def parse(self, text: str) -> object:
        """The value a text stands for (from the environment, or an operator's command
        line), checked; Refused says why not."""
        text = text.strip()
        if self.kind == NUMBER:
            try:
                number = int(text)
            except ValueError:
                raise Refused(
                    f"{self.name} must be a whole number, not {text!r}.", "samtale.E010"
                ) from None
            return self.check(number)
        if self.kind == YESNO:
            if text.lower() not in YES + NO:
                raise Refused(f"{self.name} is yes or no (true, false), not {text!r}.")
            return text.lower() in YES
        if self.kind == PROVIDERS:
            try:
                providers = json.loads(text)
            except ValueError:
                raise Refused(f"{self.name} is JSON: a list of providers.") from None
            return self.check(providers)
        if self.kind == CHOICE:
            text = text.lower()
        if self.kind == ORGANIZATION_NUMBER:
            text = text.replace(" ", "")
        return self.check(text)

    def check(self, value: object) -> object:
        """The value, if it makes sense as this setting's; Refused says why not."""
        check = CHECKS.get(self.kind)
        if check is not None:
            check(self, value)
        return value


def _text(declared: Declared, value: object) -> str:
    """The value, checked to be one line of text."""
    if not isinstance(value, str):
        raise Refused(f"{declared.name} is text, not {type(value).__name__}.")
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise Refused(f"{declared.name} must be one line without control characters.")
    if len(value) > 2000:
        raise Refused(f"{declared.name} is at most 2000 characters, not {len(value)}.")
    return value


def _number(declared: Declared, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"{declared.name} must be a whole number, not {value!r}.")
    low, high = declared.low, declared.high
    if (low is not None and value < low) or (high is not None and value > high):
        wanted = f"at least {low}" if high is None else f"between {low} and {high}"
        raise Refused(f"{declared.name} must be {wanted}, not {value}.", "samtale.E011")


def _yesno(declared: Declared, value: object) -> None:
    if not isinstance(value, bool):
        raise Refused(f"{declared.name} is yes or no, not {value!r}.")


def _choice(declared: Declared, value: object) -> None:
    if value not in declared.choices:
        said = ", ".join(f'"{choice}"' for choice in declared.choices)
        raise Refused(f"{declared.name} must be one of {said}, not {value!r}.", "samtale.E012")


def _address(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value and not address_valid(value):
        raise Refused(f"{declared.name} must be an e-mail address, not {value!r}.")


def _sender(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    name, address = parseaddr(value)
    if value and (not address_valid(address) or "<" in name or ">" in name):
        raise Refused(
            f"{declared.name} must be an address, or a name and an address "
            f"(Nordvik kommune <samtale@nordvik.kommune.no>), not {value!r}."
        )


def _url(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value:
        web_address_check(value, what=declared.name)


def _imap_url(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value and not (value.startswith(("imaps://", "imap://")) and urlsplit(value).hostname):
        raise Refused(f"{declared.name} must begin with imaps:// or imap:// and name a server.")


def _folder(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value and (not value.startswith("/") or ".." in PurePosixPath(value).parts):
        raise Refused(f"{declared.name} must be a whole path from / (no ..), not {value!r}.")


def _amqp_url(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if not value:
        return
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        parts.port  # noqa: B018 - raises for a port that is no number
    except ValueError:
        raise Refused(f"{declared.name} has a port that is no number: {value!r}.") from None
    loopback = host in ("127.0.0.1", "::1", "localhost") or host.endswith(".localhost")
    if parts.scheme not in ("amqps", "amqp") or not host or parts.username or parts.password:
        raise Refused(
            f"{declared.name} must begin with amqps:// and name a server (no user or password)."
        )
    if parts.scheme == "amqp" and not loopback:
        raise Refused(f"{declared.name} must be amqps:// (amqp:// only on this machine).")


def _organization_number(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value and not organization_number_valid(value):
        raise Refused(
            f"{declared.name} must be the 9 digits of the number, its last a valid modulus 11 "
            f"check digit, not {value!r}."
        )


def _token(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if value and len(value) < 32:
        raise Refused(f"{declared.name} must be at least 32 characters.")


def _fernet_key(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if not value:
        return
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise Refused(
            f"{declared.name} must be a Fernet key (32 bytes in URL-safe base64, as "
            "Fernet.generate_key() makes one)."
        )


def _date(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if not value:
        return
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != 10 or day.year < 2000:
        raise Refused(f"{declared.name} must be a date written 2026-11-28, not {value!r}.")


def _identifier(declared: Declared, value: object) -> None:
    value = _text(declared, value)
    if not value:
        return
    try:
        uuid.UUID(value)
    except ValueError:
        raise Refused(f"{declared.name} must be a UUID (an account id), not {value!r}.") from None


def _providers(declared: Declared, value: object) -> None:
    needed = {"provider_id", "name", "client_id", "secret", "settings"}
    shape = f"a list of {{{', '.join(sorted(needed))}}}, with settings.server_url"
    if not isinstance(value, list):
        raise Refused(f"{declared.name} is {shape}.")
    seen = set()
    for provider in value:
        if not isinstance(provider, dict) or not needed <= set(provider):
            raise Refused(f"{declared.name} is {shape}.")
        if not isinstance(provider["settings"], dict) or not provider["settings"].get("server_url"):
            raise Refused(f"{declared.name} is {shape}.")
        provider_check(provider, what=declared.name)
        if provider["provider_id"] in seen:
            raise Refused(f"{declared.name} names {provider['provider_id']!r} twice.")
        seen.add(provider["provider_id"])


CHECKS: dict[str, Callable[[Declared, object], object]] = {
    TEXT: _text,
    NUMBER: _number,
    YESNO: _yesno,
    CHOICE: _choice,
    ADDRESS: _address,
    SENDER: _sender,
    URL: _url,
    IMAP_URL: _imap_url,
    AMQP_URL: _amqp_url,
    FOLDER: _folder,
    ORGANIZATION_NUMBER: _organization_number,
    TOKEN: _token,
    FERNET_KEY: _fernet_key,
    IDENTIFIER: _identifier,
    DATE: _date,
    PROVIDERS: _providers,
}


# The rules the declarations use, and the register and the environment use for what is not a
# tenant's setting (host names, the tenant's address).

_ADDRESS = re.compile(r"[^@\s<>\"(),;:\[\]\\]+@([a-z0-9-]+(\.[a-z0-9-]+)*)", re.IGNORECASE)
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def address_valid(address: str) -> bool:
    """An e-mail address a mail server takes: local part @ a host name (localhost too)."""
    match = _ADDRESS.fullmatch(address or "")
    return match is not None and host_name_valid(match.group(1).lower())


def host_name_valid(name: str) -> bool:
    """A DNS host name as a browser sends it in Host, lower case and without a port: labels
    of letters, digits and hyphens (no space, no port, no brackets, no address of IPv6)."""
    if not name or len(name) > 253 or name != name.lower():
        return False
    return all(_LABEL.fullmatch(label) for label in name.split("."))


def host_name_check(name: str, *, what: str = "A host name") -> str:
    """The host name, cleaned (lower case, no final dot), or Refused."""
    cleaned = name.strip().lower().rstrip(".")
    if not host_name_valid(cleaned):
        raise Refused(
            f"{what}: {name!r} is not a host name (letters, digits, hyphens and dots; no "
            "space, port, scheme or brackets)."
        )
    return cleaned


def web_address_check(url: str, *, what: str = "The address") -> str:
    """An http(s) address with a host name and nothing that would let it be something else
    (a `javascript:` URL, user and password, a host with a space); https unless the host is
    this machine's (a laptop, a test)."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise Refused(f"{what} must be an https:// address with a host name, not {url!r}.")
    if parts.username or parts.password or "@" in parts.netloc:
        raise Refused(f"{what} must not carry a user name or password: {url!r}.")
    try:
        parts.port  # noqa: B018 - raises for a port that is no number
    except ValueError:
        raise Refused(f"{what} has a port that is no number: {url!r}.") from None
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        if not host_name_valid(host):
            raise Refused(f"{what}: {host!r} is not a host name.") from None
        loopback = host == "localhost" or host.endswith((".localhost", ".testserver"))
        loopback = loopback or host == "testserver"
    if parts.scheme == "http" and not loopback:
        raise Refused(f"{what} must be https:// (http:// only on this machine): {url!r}.")
    return url.strip()


def organization_number_valid(number: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", number):
        return False
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(d) * w for d, w in zip(number[:8], weights, strict=True)) % 11
    return (0 if check == 11 else check) == int(number[8])


# The claim may be a name or a URI (http://schemas.example/claims/employeeid).
LINK_RULE = re.compile(r"email|employee_number:[A-Za-z0-9_.:/#?=&%~+-]{1,200}")
PROVIDER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,49}")


def provider_check(provider: Mapping[str, Any], *, what: str) -> None:
    """One OpenID Connect provider: an id for its URLs, a name, the client's id and secret,
    the issuer's address, and how a first sign-in finds the person (the link rule)."""
    if not PROVIDER_ID.fullmatch(str(provider.get("provider_id", ""))):
        raise Refused(
            f"{what}: a provider's id is lower-case letters, digits and hyphens, not "
            f"{provider.get('provider_id')!r}."
        )
    for key in ("name", "client_id", "secret"):
        value = provider.get(key)
        if not isinstance(value, str) or not value.strip() or re.search(r"[\x00-\x1f]", value):
            raise Refused(f"{what}: the provider {provider['provider_id']!r} needs a {key}.")
    settings = provider.get("settings") or {}
    web_address_check(
        str(settings.get("server_url", "")), what=f"{what}: {provider['provider_id']}'s issuer"
    )
    link = settings.get("link", "email")
    if not isinstance(link, str) or not LINK_RULE.fullmatch(link):
        raise Refused(
            f"{what}: the provider {provider['provider_id']!r}'s link must be 'email' or "
            f"'employee_number:<claim>', not {link!r}."
        )


# The declarations, in the order the settings modules make them.
DECLARED: dict[str, Declared] = {}


def declare(name: str, **how: Any) -> Declared:
    declared = Declared(name, **how)
    DECLARED[name] = declared
    return declared


def problems(get: Callable[[str], object]) -> list[str]:
    """What does not hold together in one tenant's settings (get: name -> value), whatever
    each value is on its own: an archive channel without what it needs."""
    found = []
    # (A value not yet known, None, is not checked: the environment's settings ask before
    # they have read the sign-in's, and say that one themselves, E024.)
    if get("SAMTALE_PASSWORD_SIGNIN") is False and not get("SAMTALE_SSO_PROVIDERS"):
        found.append(
            "SAMTALE_PASSWORD_SIGNIN is off, but no identity provider is set "
            "(SAMTALE_SSO_PROVIDERS): nobody could sign in."
        )
    found.extend(contact_problems(get))
    channel = get("SAMTALE_ARCHIVE_CHANNEL")
    if channel == "folder" and not get("SAMTALE_ARCHIVE_FOLDER"):
        found.append("SAMTALE_ARCHIVE_CHANNEL=folder needs SAMTALE_ARCHIVE_FOLDER.")
    if channel == "fiks":
        needed = FIKS + (FIKS_IO if get("SAMTALE_FIKS_TRANSPORT") == "fiksio" else ())
        missing = [name for name in needed if not get(name)]
        if missing:
            found.append(f"SAMTALE_ARCHIVE_CHANNEL=fiks needs {', '.join(missing)}.")
    if get("SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID") and not (
        get("SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY")
        and (get("SAMTALE_FIKS_MASKINPORTEN_CERTIFICATE") or get("SAMTALE_FIKS_MASKINPORTEN_KID"))
    ):
        found.append(
            "SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID needs SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY and "
            "SAMTALE_FIKS_MASKINPORTEN_CERTIFICATE (or SAMTALE_FIKS_MASKINPORTEN_KID)."
        )
    return found


def contact_problems(get: Callable[[str], object]) -> list[str]:
    """The accessibility statement's contact for barriers must reach a person: not one of the
    addresses Samtale itself sends from and reads by machine (DEFAULT_FROM_EMAIL's, the
    calendar's, whose mailbox only answers to invitations are read from)."""
    contact = str(get("SAMTALE_ACCESSIBILITY_CONTACT") or "").strip().lower()
    machine = {
        "DEFAULT_FROM_EMAIL": parseaddr(str(get("DEFAULT_FROM_EMAIL") or ""))[1].lower(),
        "SAMTALE_CALENDAR_ADDRESS": str(get("SAMTALE_CALENDAR_ADDRESS") or "").strip().lower(),
    }
    return [
        f"SAMTALE_ACCESSIBILITY_CONTACT is {name}'s address ({contact}), which Samtale sends "
        "from and no person reads: give the mailbox of a person or a team that answers "
        "reports of barriers."
        for name, address in machine.items()
        if contact and contact == address
    ][:1]


FIKS = (
    "SAMTALE_FIKS_ACCOUNT",
    "SAMTALE_FIKS_CERTIFICATE",
    "SAMTALE_FIKS_PRIVATE_KEY",
    "SAMTALE_FIKS_ARCHIVE_ACCOUNT",
    "SAMTALE_FIKS_ARCHIVE_CERTIFICATE",
)
# What KS's Fiks IO needs beside (SAMTALE_FIKS_TRANSPORT=fiksio): the municipality's
# integration, and its organization number (the consumer_org a supplier acts for).
FIKS_IO = (
    "SAMTALE_FIKS_INTEGRATION_ID",
    "SAMTALE_FIKS_INTEGRATION_PASSWORD",
    "SAMTALE_ORGANIZATION_NUMBER",
)
