"""The current municipality's way to its archive over Fiks Arkiv, from its settings
(SAMTALE_FIKS_*, docs/integrating/archive.md): which transport, which Fiks IO account and
integration, and which Maskinporten client signs in for it.

**One installation, many municipalities.** The installation is the supplier: one
Maskinporten client and one enterprise certificate (SAMTALE_MASKINPORTEN_*), acting for
each municipality with ``consumer_org`` set to that municipality's organization number
once it has delegated ``ks:fiks`` to the supplier in Altinn; no municipality hands over a
key. A municipality that runs its own client configures it (SAMTALE_FIKS_MASKINPORTEN_*)
and signs in as itself. Its Fiks IO account, integration id and password are always its
own.

`status()` says whether a token can be had now, and why not, for the municipality's health
(archive.health), kept ten minutes so that checking every minute asks Maskinporten little.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings

from samtale import tenancy
from samtale.archive import causes
from samtale.archive.fiks import maskinporten
from samtale.archive.fiks.fiksio import Account, FiksIoTransport
from samtale.archive.fiks.transport import AmqpTransport, Transport
from samtale.tenancy import tenant_settings

# A certificate that expires within this is told to the operators.
EXPIRY_WARNING = timedelta(days=30)
STATUS_SECONDS = 600


def fiks_io() -> bool:
    """Whether this municipality's messages go by KS's Fiks IO (not a broker of its own)."""
    return tenant_settings.SAMTALE_FIKS_TRANSPORT == "fiksio"


def client() -> tuple[maskinporten.Client, str]:
    """(the Maskinporten client to use, the consumer_org to act for: "" when the client is
    the municipality's own). TokenUnavailable(NO_CLIENT) when there is none."""
    issuer = tenant_settings.SAMTALE_FIKS_MASKINPORTEN_URL
    ca_bundle = tenant_settings.SAMTALE_FIKS_CA_BUNDLE
    own = tenant_settings.SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID
    if own:
        return maskinporten.Client(
            issuer=issuer,
            client_id=own,
            private_key=tenant_settings.SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY,
            certificate=tenant_settings.SAMTALE_FIKS_MASKINPORTEN_CERTIFICATE,
            kid=tenant_settings.SAMTALE_FIKS_MASKINPORTEN_KID,
            ca_bundle=ca_bundle,
        ), ""
    if not settings.SAMTALE_MASKINPORTEN_CLIENT_ID:
        raise maskinporten.TokenUnavailable(
            maskinporten.NO_CLIENT,
            "No Maskinporten client: neither the installation's (SAMTALE_MASKINPORTEN_CLIENT_ID) "
            "nor the municipality's own (SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID) is set.",
        )
    own_number = tenant_settings.SAMTALE_ORGANIZATION_NUMBER
    acting_for = (
        "" if own_number == settings.SAMTALE_MASKINPORTEN_ORGANIZATION_NUMBER else own_number
    )
    return maskinporten.Client(
        issuer=issuer,
        client_id=settings.SAMTALE_MASKINPORTEN_CLIENT_ID,
        private_key=settings.SAMTALE_MASKINPORTEN_PRIVATE_KEY,
        certificate=settings.SAMTALE_MASKINPORTEN_CERTIFICATE,
        kid=settings.SAMTALE_MASKINPORTEN_KID,
        ca_bundle=ca_bundle,
    ), acting_for


def account() -> Account:
    return Account(
        api_url=tenant_settings.SAMTALE_FIKS_API_URL,
        amqp_url=tenant_settings.SAMTALE_FIKS_AMQP_URL,
        integration_id=tenant_settings.SAMTALE_FIKS_INTEGRATION_ID,
        integration_password=tenant_settings.SAMTALE_FIKS_INTEGRATION_PASSWORD,
        ca_bundle=tenant_settings.SAMTALE_FIKS_CA_BUNDLE,
        timeout=settings.SAMTALE_FIKS_TIMEOUT_SECONDS,
    )


def transport() -> Transport:
    """This municipality's transport, with its sign-in read now: a transport handed to
    another thread carries its municipality's client and account with it."""
    if not fiks_io():
        return AmqpTransport(settings.AMQP_URL, ca=settings.SAMTALE_BROKER_CA)
    try:
        signing_in, acting_for = client()
    except maskinporten.TokenUnavailable as refused:
        missing = refused

        def no_token() -> str:
            raise missing

        return FiksIoTransport(account(), token=no_token, forget=lambda: None)
    return FiksIoTransport(
        account(),
        token=lambda: maskinporten.TOKENS.token(signing_in, consumer_org=acting_for),
        forget=lambda: maskinporten.TOKENS.forget(signing_in, consumer_org=acting_for),
    )


@dataclass(frozen=True)
class Status:
    """Whether this municipality's archive can be reached now: `code` "ok" or why not (a
    few words, for the health check), `reason` in words, and when the certificates that
    sign in and sign its messages expire."""

    code: str
    reason: str = ""
    certificate_expires: datetime | None = None
    consumer_org: str = ""
    # The reason as a cause (archive.causes), said in the reader's language where shown.
    said: str = ""


_STATUS: dict[tuple[str, str, str], tuple[Status, float]] = {}
_STATUS_GUARD = threading.Lock()


def _expiry(signing_in: maskinporten.Client) -> datetime | None:
    """The soonest expiry of the certificates the municipality's exchange stands on: the
    Maskinporten client's (with x5c) and its Fiks account's (which signs every message)."""
    found = [
        maskinporten.certificate_expires(path)
        for path in (
            "" if signing_in.kid else signing_in.certificate,
            tenant_settings.SAMTALE_FIKS_CERTIFICATE,
        )
        if path
    ]
    dates = [date for date in found if date is not None]
    return min(dates) if dates else None


def _checked() -> Status:
    try:
        signing_in, acting_for = client()
        expires = _expiry(signing_in)
    except maskinporten.TokenUnavailable as refused:
        return Status(refused.cause, str(refused), said=causes.fiks_error(refused))
    except (OSError, ValueError) as error:
        return Status(
            maskinporten.CERTIFICATE,
            f"A certificate cannot be read: {error}",
            said=causes.fiks_cause(maskinporten.CERTIFICATE, reason=str(error)),
        )
    now = datetime.now(UTC)
    dated = {"date": f"{expires:%d.%m.%Y}"} if expires else {}
    if expires is not None and expires <= now:
        reason = f"A certificate expired {expires:%Y-%m-%d}."
        said = causes.fiks_cause("certificate-expired", **dated)
        return Status("certificate-expired", reason, expires, said=said)
    try:
        maskinporten.TOKENS.token(signing_in, consumer_org=acting_for)
    except maskinporten.TokenUnavailable as refused:
        return Status(refused.cause, str(refused), expires, acting_for, causes.fiks_error(refused))
    if expires is not None and expires - now < EXPIRY_WARNING:
        reason = f"A certificate expires {expires:%Y-%m-%d}: renew it before then."
        said = causes.fiks_cause("certificate-expiring", **dated)
        return Status("certificate-expiring", reason, expires, acting_for, said)
    return Status("ok", "", expires, acting_for)


def status(*, fresh: bool = False) -> Status:
    """This municipality's Status, kept STATUS_SECONDS in this process (`fresh`: asked now)."""
    key = (
        tenancy.current().slug,
        tenant_settings.SAMTALE_FIKS_MASKINPORTEN_URL,
        tenant_settings.SAMTALE_ORGANIZATION_NUMBER,
    )
    with _STATUS_GUARD:
        kept = _STATUS.get(key)
    if kept is not None and not fresh and kept[1] > time.monotonic():
        return kept[0]
    found = _checked()
    with _STATUS_GUARD:
        _STATUS[key] = (found, time.monotonic() + STATUS_SECONDS)
    return found


def status_forget() -> None:
    with _STATUS_GUARD:
        _STATUS.clear()
