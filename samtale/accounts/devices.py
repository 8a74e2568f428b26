"""Devices a person has signed in on before (OWASP's "device cookies").

A successful sign-in leaves a signed cookie naming the person and a random device id.
Sign-in attempts that bring it are not slowed by the failures of strangers, so someone
who only knows a person's e-mail address cannot keep them out of their own computer;
a device that fails too often loses that trust (accounts.services).
"""

import secrets
from dataclasses import dataclass

from django.conf import settings

COOKIE = "samtale_device"
SALT = "samtale.accounts.devices"
MAX_AGE = 365 * 24 * 3600
# A shared computer (a staff room) keeps the devices of this many people.
MAX_ENTRIES = 10


@dataclass(frozen=True)
class Entry:
    person_id: int
    stamp: str
    device: str


def _stamp(person) -> str:
    """Part of the hash Django keeps sessions by: it changes with the password and with the
    e-mail address (Person.auth_stamp), and so ends the trust with them."""
    return person.get_session_auth_hash()[:16]


def _entries(request) -> list[Entry]:
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    entries = []
    for part in value.split("|") if value else ():
        try:
            person_id, stamp, device = part.split(":")
            entries.append(Entry(int(person_id), stamp, device))
        except ValueError:
            continue
    return entries


def device_for(request, *, person) -> str | None:
    """The device id this browser holds for the person, if they signed in on it before
    (and their password and e-mail address have not changed since)."""
    if request is None or person is None or COOKIE not in request.COOKIES:
        return None
    stamp = _stamp(person)
    for entry in _entries(request):
        if entry.person_id == person.pk and entry.stamp == stamp:
            return entry.device
    return None


def device_remember(request, response, *, person) -> None:
    """After a successful sign-in: this browser is one of the person's devices."""
    stamp = _stamp(person)
    device = device_for(request, person=person) or secrets.token_urlsafe(12)
    others = [e for e in _entries(request) if e.person_id != person.pk]
    entries = [Entry(person.pk, stamp, device), *others][:MAX_ENTRIES]
    response.set_signed_cookie(
        COOKIE,
        "|".join(f"{e.person_id}:{e.stamp}:{e.device}" for e in entries),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
