"""The one-time link and the code that bring a copy of their data to a person who has left
and cannot sign in: the link in one e-mail, the code in another, to the address they gave.

Neither is stored. Both are made from the request's row with a keyed hash (SECRET_KEY), as
Django's password reset links are (accounts.tokens), so the outbox, which writes an e-mail
when it sends it and may send it again, puts the same link and code in it every time. Only
their digests are kept (core.hashing): the token's to find the request by the link, the
code's, keyed too since a code is short, to check the code given. Whoever reads the
database, HR included, has neither.
"""

from django.utils.crypto import salted_hmac

from samtale.core.hashing import digest, keyed_digest, same

TOKEN_SALT = "samtale.privacy.links.token"
CODE_SALT = "samtale.privacy.links.code"
CODE_DIGEST_SALT = "samtale.privacy.links.code-digest"
CODE_DIGITS = 8
# A token is 64 hexadecimal digits; anything much longer is no token of ours.
TOKEN_MAX = 100


def _secret(copy, salt: str) -> str:
    # The row's id, its person and the moment of the request, to the microsecond: a row
    # given the same id after another was deleted (SQLite may reuse one) gets other secrets.
    moment = int(copy.at.timestamp() * 1_000_000)
    return salted_hmac(salt, f"{copy.pk}:{copy.person_id}:{moment}", algorithm="sha256").hexdigest()


def token_for(copy) -> str:
    """The token in the link of `copy` (saved: it needs its id)."""
    return _secret(copy, TOKEN_SALT)


def code_for(copy) -> str:
    """The code that opens the link of `copy`: CODE_DIGITS digits."""
    return f"{int(_secret(copy, CODE_SALT), 16) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def shown(code: str) -> str:
    """The code as the e-mail shows it, in two groups: 1234 5678."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def token_digest(token: str) -> str:
    return digest(token)


def code_digest(copy, code: str) -> str:
    return keyed_digest(CODE_DIGEST_SALT, f"{copy.pk}:{code}")


def normalized(code: str) -> str:
    """The code as typed, without the spaces, dashes and dots one may type between groups."""
    return "".join(ch for ch in (code or "") if ch not in " -.\t")[:40]


def code_matches(copy, code: str) -> bool:
    """Whether `code` is the code of `copy`, compared in constant time."""
    return same(code_digest(copy, normalized(code)), copy.code_hash)
