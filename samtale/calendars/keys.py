"""The key that encrypts a saved calendar password (a CalDAV account's) at rest.

Samtale must send the password to the calendar server, so it cannot keep only a hash of it
as it does of sign-in passwords: it keeps it encrypted with Fernet (AES-128-CBC with an
HMAC-SHA256, from `cryptography`). The key is SAMTALE_BUSY_KEY when set (a Fernet key:
`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`),
otherwise derived from SECRET_KEY with HKDF-SHA256, so a fresh installation needs nothing
more. A database copy without the key reads no password.

Changing SECRET_KEY (without SAMTALE_BUSY_KEY) or the key itself makes the saved
passwords unreadable: each such connection then says so and asks for the password again
(`Undecryptable`); nothing else breaks.
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from samtale.tenancy import tenant_settings


class Undecryptable(Exception):
    """The saved password was encrypted with another key."""


@cache
def _fernet(key: str, secret_key: str) -> Fernet:
    if key:
        return Fernet(key.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"samtale calendar passwords"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fernet() -> Fernet:
    return _fernet(tenant_settings.SAMTALE_BUSY_KEY, settings.SECRET_KEY)


def encrypt(password: str) -> str:
    """The password as stored; empty stays empty."""
    return fernet().encrypt(password.encode()).decode() if password else ""


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        return fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        raise Undecryptable from None
