"""What every SCIM endpoint does around its own work: a bearer token with the scope
'scim', the token's rate, JSON in and out as application/scim+json, and every refusal
as a SCIM Error (RFC 7644 §3.12) with a status, a scimType where one fits, and a detail
in English. Nothing a refused request asked for is changed: the writes run in the org
services' transactions, after every check."""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    PayloadTooLargeException,
    SCIMException,
)

from samtale.api import tokens
from samtale.api.models import ApiToken
from samtale.core.errors import DomainError
from samtale.org import policy as org_policy

CONTENT_TYPE = "application/scim+json"
# The fields whose DomainError means "another person has it": 409 uniqueness.
UNIQUE_FIELDS = {"email", "employee_number", "scim_external_id"}


def respond(payload: dict | None, *, status: int = 200, headers=None) -> HttpResponse:
    if payload is None:
        response = HttpResponse(status=status)
    else:
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
        )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error(status: int, detail: str, scim_type: str | None = None, headers=None) -> HttpResponse:
    body = Error(status=status, scim_type=scim_type, detail=detail).model_dump()
    return respond(body, status=status, headers=headers)


def _refusal(exc: Exception) -> HttpResponse:
    if isinstance(exc, SCIMException):
        found = exc.to_error()
        return error(found.status or 400, found.detail or str(exc), found.scim_type)
    if isinstance(exc, ValidationError):
        # The first problem, as scim2-models names it (invalidValue, invalidSyntax …).
        found = Error.from_validation_errors(exc)[0]
        return error(found.status or 400, found.detail or "", found.scim_type or "invalidValue")
    if isinstance(exc, DomainError):
        if exc.field in UNIQUE_FIELDS:
            return error(409, str(exc.message), "uniqueness")
        return error(400, str(exc.message), "invalidValue")
    if isinstance(exc, Http404):
        return error(404, "No such resource.")
    if isinstance(exc, PermissionDenied):
        return error(403, "This token may not do that.")
    raise exc


def _token(request) -> ApiToken | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return tokens.authenticate(raw.strip())


def _retry_after() -> str:
    now = timezone.now()
    return str(60 - now.second)


def base_url(request) -> str:
    """The absolute URL of /scim/v2/, which every location starts with."""
    return request.build_absolute_uri(reverse("scim_root"))


def scim_view(*methods: str):
    """A SCIM endpoint answering `methods`; the view gets the acting person (the token's
    administrator) as request.scim_actor and the base URL as request.scim_base."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # Details are English, the language of the identity provider's logs.
            with translation.override("en"):
                # A browser session is no credential here: only the bearer token counts.
                token = _token(request)
                if token is None:
                    return error(
                        401,
                        "A valid bearer token is required: it is missing, unknown, expired "
                        "or revoked.",
                        headers={"WWW-Authenticate": 'Bearer realm="scim"'},
                    )
                if ApiToken.Scope.SCIM not in token.scopes or not org_policy.may_provision(
                    token.person
                ):
                    return error(
                        403, "The token needs the scope 'scim' and an administrator's rights."
                    )
                if not tokens.within_rate(token):
                    return error(
                        429,
                        f"More than {settings.API_RATE_LIMIT_PER_MINUTE} requests this "
                        "minute. Try again after Retry-After seconds.",
                        "tooMany",
                        headers={"Retry-After": _retry_after()},
                    )
                if request.method not in methods:
                    return error(405, f"{request.method} is not allowed here.")
                request.scim_actor = token.person
                request.scim_base = base_url(request)
                try:
                    return view(request, *args, **kwargs)
                except (
                    SCIMException,
                    ValidationError,
                    DomainError,
                    Http404,
                    PermissionDenied,
                ) as e:
                    return _refusal(e)

        return wrapper

    return decorate


def body(request) -> dict:
    """The request's JSON object; a SCIM error for one too large, malformed or not an
    object."""
    try:
        raw = request.body
    except RequestDataTooBig:
        raise PayloadTooLargeException(
            detail=f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        ) from None
    try:
        payload = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidSyntaxException(detail="The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    if not _all_text(payload):
        raise InvalidValueException(
            detail="The body holds a NUL character or half of a surrogate pair: not text "
            "that can be kept."
        )
    return payload


def _all_text(value) -> bool:
    """No string in the JSON holds NUL (PostgreSQL keeps no such text) or a lone surrogate
    (a JSON escape from \\ud800 to \\udfff, which no encoding can write)."""
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return all(_all_text(k) and _all_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_all_text(item) for item in value)
    return True
