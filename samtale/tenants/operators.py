"""The operators' sign-in on the operators' host: a signed cookie naming the operator and
their stamp, kept SESSION_MAX_HOURS at most. No session: a session lives in a tenant's
database, and the operators' host is no tenant's. A new password or a sign-out changes the
stamp, which ends every cookie made before."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.utils import timezone

from samtale.tenants.models import Operator

COOKIE = "samtale_operator"
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


def authenticate(username: str, password: str) -> Operator | None:
    operator = Operator.objects.filter(username=username.strip()).first()
    if operator is None:
        check_password(password, _DUMMY)
        return None
    return operator if check_password(password, operator.password) else None


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
