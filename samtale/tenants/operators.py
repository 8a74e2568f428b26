"""The operators' sign-in on the operators' host: a signed cookie naming the operator and
their stamp, kept SESSION_MAX_HOURS at most. No session: a session lives in a tenant's
database, and the operators' host is no tenant's. A new password or a sign-out changes the
stamp, which ends every cookie made before."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.utils import timezone

from samtale.tenants.models import Operator, OperatorFailure

COOKIE = "samtale_operator"
# Failed sign-ins, by name or by address, within THROTTLE_MINUTES, before the page refuses.
THROTTLE_FAILURES = 5
THROTTLE_MINUTES = 15
SALT = "samtale.tenants.operator"
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


def throttled(username: str, address: str | None) -> bool:
    """Whether the name or the address has failed THROTTLE_FAILURES times lately."""
    since = timezone.now() - timedelta(minutes=THROTTLE_MINUTES)
    recent = OperatorFailure.objects.filter(at__gte=since)
    by_name = recent.filter(username=username.strip()).count()
    by_address = recent.filter(address=address).count() if address else 0
    return max(by_name, by_address) >= THROTTLE_FAILURES


def authenticate(username: str, password: str, address: str | None = None) -> Operator | None:
    """The operator with this name and password; a failure is recorded against both."""
    operator = Operator.objects.filter(username=username.strip()).first()
    right = check_password(password, operator.password if operator else _DUMMY)
    if operator is not None and right:
        return operator
    OperatorFailure.objects.create(username=username.strip()[:150], address=address)
    # Kept a day: what the throttle reads, and a trace of an attempt for the operators' logs.
    OperatorFailure.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
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
