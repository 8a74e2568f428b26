"""Secrets kept in a database (a tenant's database role, its archive certificate, tokens),
encrypted with a key only the installation's processes have: SAMTALE_SECRETS_KEY, or, where
it is not set, one derived from SECRET_KEY. A copy of the database alone reads none of them.

Fernet (the cryptography package): AES-128 in CBC mode with an HMAC, so a value changed in
the database is refused, not decrypted into something else."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """Encrypted with another key, or changed since."""


def _fernet() -> Fernet:
    key = settings.SAMTALE_SECRETS_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"samtale secrets\0" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A secret in the database cannot be read with this installation's key "
            "(SAMTALE_SECRETS_KEY, or SECRET_KEY where it is not set)."
        ) from None
