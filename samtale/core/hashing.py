"""Digests of secrets handed out once (an API token, a one-time link, a code): only these
are stored, and a secret given back is known by its digest.

A long random secret (a token, a link) needs no slow password hash: no dictionary reaches
it, and a lookup must be quick, so its SHA-256 is kept (`digest`). A short one (a code of a
few digits) could be found from a plain digest by trying them all, so its digest is keyed
with SECRET_KEY (`keyed_digest`): the database alone does not give it away.
"""

import hashlib

from django.utils.crypto import constant_time_compare, salted_hmac


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def keyed_digest(salt: str, raw: str) -> str:
    return salted_hmac(salt, raw, algorithm="sha256").hexdigest()


def same(given: str, stored: str) -> bool:
    """Whether two digests are equal, in a time that does not tell how much of them is."""
    return bool(stored) and constant_time_compare(given, stored)
