"""The operators' sign-in on the operators' host: a signed cookie naming the operator and
their stamp, kept SESSION_MAX_HOURS at most. No session: a session lives in a tenant's
database, and the operators' host is no tenant's. A new password or a sign-out changes the
stamp, which ends every cookie made before."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import connections
from django.db.models import F
from django.utils import timezone

from samtale.operators.models import OperatorFailure, SignInAttempts
from samtale.tenancy import CONTROL
from samtale.tenancy.models import Operator

logger = logging.getLogger(__name__)

COOKIE = "samtale_operator"
# Sign-in attempts within THROTTLE_MINUTES before the page takes no more: for one name from
# one address (a stranger elsewhere locks nobody out), and from one address for any names
# (guessing many names from one place).
THROTTLE_FAILURES = 5
THROTTLE_PER_ADDRESS = 30
THROTTLE_MINUTES = 15
SALT = "samtale.operators.operator"
# A failed sign-in costs this much more time than a right one would (check_password of a
# made-up hash): an unknown name and a wrong password take as long.
_DUMMY = make_password("not a password of anyone")


def operator_of(request) -> Operator | None:
    """The operator this request's cookie names, if it is whole, recent and current."""
    value = request.COOKIES.get(COOKIE, "")
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=settings.SESSION_MAX_HOURS * 3600)
    except signing.BadSignature:
        return None
    return Operator.objects.filter(pk=data.get("o"), stamp=data.get("s")).first()


def _keys(username: str, address: str | None) -> tuple[str, str]:
    where = _place(address)
    pair = hashlib.sha256(f"{username.strip().lower()}\0{where}".encode()).hexdigest()
    return f"pair:{pair}", f"address:{where}"


def _place(address: str | None) -> str:
    """Where an attempt comes from, as the limits count it: an IPv4 address, or an IPv6
    address's /64 (one subscriber's whole network, which a guesser would otherwise walk)."""
    if not address:
        # No address (a proxy not in TRUSTED_PROXIES strips nothing, and gives one): all
        # such attempts count as one place. Said, for the operator to put right.
        logger.warning("An operator sign-in without a client address: check TRUSTED_PROXIES.")
        return "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def attempt_take(username: str, address: str | None) -> bool:
    """Take one attempt of the name from the address, before its password is checked: False
    when the pair has had THROTTLE_FAILURES within THROTTLE_MINUTES, or the address
    THROTTLE_PER_ADDRESS. Each is a conditional UPDATE (count < limit), so however many come
    at once, no more than the limit are ever let through; a right password gives the pair's
    back (attempts_forgive)."""
    pair, by_address = _keys(username, address)
    return _take(by_address, THROTTLE_PER_ADDRESS) and _take(pair, THROTTLE_FAILURES)


def _take(key: str, limit: int) -> bool:
    now = timezone.now()
    window = now - timedelta(minutes=THROTTLE_MINUTES)
    # Made if it is not there (another attempt may make it at the same moment): one
    # statement, no transaction of its own to spoil the caller's.
    quote = connections[CONTROL].ops.quote_name
    table, columns = (
        quote(SignInAttempts._meta.db_table),
        [quote(name) for name in ("key", "window_start", "count")],
    )
    with connections[CONTROL].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, 0) "  # noqa: S608
            f"ON CONFLICT ({columns[0]}) DO NOTHING",
            [key, now],
        )
    # A window that is over starts again (one of those who see it over does it).
    SignInAttempts.objects.filter(key=key, window_start__lt=window).update(
        window_start=now, count=0
    )
    return bool(
        SignInAttempts.objects.filter(key=key, window_start__gte=window, count__lt=limit).update(
            count=F("count") + 1
        )
    )


def attempts_forgive(username: str, address: str | None) -> None:
    """The right password: the pair's attempts start again."""
    pair, _by_address = _keys(username, address)
    SignInAttempts.objects.filter(key=pair).delete()


def authenticate(username: str, password: str, address: str | None = None) -> Operator | None:
    """The operator with this name and password; a failure is recorded against both."""
    operator = Operator.objects.filter(username=username.strip()).first()
    right = check_password(password, operator.password if operator else _DUMMY)
    if operator is not None and right:
        return operator
    OperatorFailure.objects.create(username=username.strip()[:150], address=address)
    # Kept a day: a trace of an attempt for the operators' logs.
    day = timezone.now() - timedelta(days=1)
    OperatorFailure.objects.filter(at__lt=day).delete()
    SignInAttempts.objects.filter(window_start__lt=day).delete()
    return None


def sign_in(response, operator: Operator) -> None:
    Operator.objects.filter(pk=operator.pk).update(last_login_at=timezone.now())
    response.set_cookie(
        COOKIE,
        signing.dumps({"o": operator.pk, "s": operator.stamp}, salt=SALT),
        max_age=settings.SESSION_MAX_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def sign_out(response, operator: Operator | None) -> None:
    if operator is not None:
        Operator.objects.filter(pk=operator.pk).update(stamp=secrets.token_hex(16))
    response.delete_cookie(COOKIE, samesite="Strict")


def operator_set(username: str, password: str) -> Operator:
    """Make an operator, or give one a new password (every cookie of theirs ends)."""
    operator, _created = Operator.objects.update_or_create(
        username=username.strip(),
        defaults={"password": make_password(password), "stamp": secrets.token_hex(16)},
    )
    return operator
