"""Who calls the API: a token (`Authorization: Bearer smt_…`) or the browser's session.

Either way the caller is a person, and every endpoint asks the access policy about that
person, as the web does. A token is narrowed by its scopes: reading (GET) needs `read`,
anything else `write`; `scim` opens nothing here. A token's requests count against its
limit per minute (tokens.within_rate); the session's are the web's own.

The checks run in this order, each with its own answer: a body over API_MAX_BODY_BYTES
(413), no caller or a bad token (401), over the limit (429), a missing scope (403). A
request that names a token is answered by that token alone: a bad one is 401 even if the
browser also sends a session.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from samtale.api import tokens
from samtale.api.models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class PayloadTooLarge(HttpError):
    def __init__(self) -> None:
        super().__init__(413, "Request body too large.")


class RateLimited(HttpError):
    """Over the token's requests per minute: try again when the next minute starts."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "Too many requests.")
        self.retry_after = retry_after


def seconds_to_next_minute() -> int:
    now = timezone.now()
    return max(1, math.ceil(60 - now.second - now.microsecond / 1_000_000))


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.API_MAX_BODY_BYTES:
        raise PayloadTooLarge


def needed_scope(request: HttpRequest) -> str:
    return ApiToken.Scope.READ if request.method in SAFE_METHODS else ApiToken.Scope.WRITE


class TokenAuth(HttpBearer):
    """`Authorization: Bearer smt_…`: a personal token, or an administrator's service token."""

    def __call__(self, request: HttpRequest):
        # First of the API's checks, for every request: nothing is read before it.
        _check_size(request)
        header = request.headers.get(self.header)
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.authenticate(token)
        if found is None:
            raise AuthenticationError
        if not tokens.within_rate(found):
            raise RateLimited(seconds_to_next_minute())
        if needed_scope(request) not in found.scopes:
            raise AuthorizationError(
                message=_("The token does not have the scope %(scope)s.")
                % {"scope": needed_scope(request)}
            )
        request.api_token = found  # type: ignore[attr-defined]  # HttpRequest's stub has no room for an app's own attribute
        # The person as the web loads them (access.person_with_line): the policy reads it.
        request.user = found.person
        return found.person


class SessionAuth(APIKeyCookie):
    """The signed-in browser (the app's own pages). A change needs the CSRF token, as a form
    does: the X-CSRFToken header."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        # CSRF is checked in authenticate, for a signed-in person's change only: a request
        # with no session is 401, not a CSRF failure. (`csrf` stays on: the docs page then
        # sends the header.)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise AuthorizationError(message=_("CSRF check failed."))
        request.api_token = None  # type: ignore[attr-defined]  # HttpRequest's stub has no room for an app's own attribute
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()
