"""One line per request, and an id that ties it to every other line the request logs.

The access line says what was asked for and how it went, never who in words or what: the
method, the path without its query string (a search for a person's name is in it, and
the sign-in's return address), the view's name, the status, the time taken, the person's
id (never a name or an e-mail address) and the client's address as core.http resolves it
past the trusted proxies. Where a path carries a key (a password-reset link, the one-time
link to a copy of one's data) the route's pattern is logged instead of the key.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import empty

from samtale.core.http import client_ip
from samtale.core.logfilters import request_id_var

logger = logging.getLogger("samtale.request")

HEADER = "X-Request-ID"
# An id the proxy (or the client) sent is kept when it is a short token like a UUID or
# nginx's $request_id, so the proxy's log and ours share it; anything else is replaced,
# or a client could write what it liked into the log.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The load balancer's health checks answer every few seconds, and Prometheus's scrapes
# every 15 to 60: logged at DEBUG while they pass, so they show only when LOG_LEVEL=DEBUG
# (or when they fail).
QUIET_PREFIXES = ("/health/", "/helse/", "/metrics")
# URL parameters that are keys: whoever reads the log must not be able to follow the link.
SECRET_URL_PARTS = frozenset({"token", "uidb64"})
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RequestLogMiddleware:
    """Gives each request an id (the X-Request-ID it came with if that is safe, else a new
    one), which every log line written while it is served carries (logfilters.RequestId)
    and the response returns in X-Request-ID; then logs the access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        given = request.headers.get(HEADER, "")
        request_id = given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # HttpRequest's stub has no room for an app's own attribute
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            _log(request, response.status_code, (time.perf_counter() - started) * 1000)
            return response
        finally:
            request_id_var.reset(token)


def _log(request: HttpRequest, status: int, duration_ms: float) -> None:
    path = _path(request)
    quiet = request.path.startswith(QUIET_PREFIXES)
    if quiet and status < 500:
        level = logging.DEBUG
    elif status >= 500:
        level = logging.ERROR
    elif status >= 400:
        level = logging.WARNING
    else:
        level = logging.INFO
    if not logger.isEnabledFor(level):
        return
    match = request.resolver_match
    # request.user is the person itself by now (accounts' ResolvedUserMiddleware): asking
    # costs no query. A request answered before authentication has none, and one whose
    # database failed while the person was read (a tenant being moved) a user never read:
    # not read here either, outside its tenant.
    user = getattr(request, "user", None)
    if getattr(user, "_wrapped", None) is empty:
        user = None
    logger.log(
        level,
        "%s %s %s %.0fms",
        request.method,
        path,
        status,
        duration_ms,
        extra={
            "method": request.method,
            "path": path,
            "view": match.view_name if match else None,
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "person_id": user.pk if user is not None and user.is_authenticated else None,
            "client_ip": client_ip(request),
        },
    )


def _path(request: HttpRequest) -> str:
    """The path, without the query string, with the route's pattern in place of a key and
    control characters escaped (a %0A in an address would start a false line)."""
    match = request.resolver_match
    path = request.path
    if match and SECRET_URL_PARTS.intersection(match.kwargs):
        path = request.path.removesuffix(request.path_info) + "/" + match.route
    return CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", path)
