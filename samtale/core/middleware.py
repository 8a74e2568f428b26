from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import Resolver404, get_resolver, get_script_prefix, reverse
from django.utils.cache import add_never_cache_headers

from samtale.core import health
from samtale.core.audit import audit_source
from samtale.core.http import client_ip

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class HealthCheckMiddleware:
    """Answers the health checks (/health/live, /health/ready, /helse/) before anything
    else can refuse them. A load balancer or the image's HEALTHCHECK asks by the
    process's own address (Host: 10.0.3.7:8000, 127.0.0.1), which ALLOWED_HOSTS rightly
    refuses (CommonMiddleware asks), and over plain HTTP (SECURE_REDIRECT_EXEMPT spares
    them the HTTPS redirect); and they need no session, user, language or CSRF token. The
    answer holds nothing about any person or the installation, so it may go to any host.
    Placed after the request log, which logs them at DEBUG while they pass."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = _health_views(get_script_prefix()).get(request.path)
        if view is not None:
            return view(request)
        return self.get_response(request)


@cache
def _health_views(prefix: str) -> dict[str, Callable[[HttpRequest], HttpResponseBase]]:
    """The health checks' paths (under the script prefix, a key of the cache) → views."""
    from samtale.core import views

    return {
        reverse("health_live"): views.health_live,
        reverse("health_ready"): views.health_ready,
        reverse("health"): views.health_live,
    }


class HeartbeatMiddleware:
    """Each web process says it is alive (core.health.beat): a write at most every
    SAMTALE_HEARTBEAT_SECONDS, after the answer; every other request costs a look at the
    process's own clock. /health/ready beats by itself (the health checks never reach
    this)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        health.beat("web")
        return response


class AuditSourceMiddleware:
    """The audit log records where each action came from: the client's address
    (core.http.client_ip, past the trusted proxies), for every entry this request writes."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with audit_source(client_ip(request) or ""):
            return self.get_response(request)


class NoStoreMiddleware:
    """Pages carry personal data: no browser or proxy may keep a copy.

    Static files never reach this middleware (WhiteNoise answers them first),
    so they stay cacheable.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class DebugErrorPagesMiddleware:
    """Under DEBUG (`make run`), a missing page is the app's own 404 page too, not Django's
    technical page with every URL pattern; a refusal is already the app's 403 page. Real
    errors keep Django's technical 500 page. Without DEBUG this does nothing: Django's
    handlers render the same pages there."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.DEBUG:
            # No pattern matches: Django answers before any view (or process_exception) runs.
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exception:
                return _not_found(request, exception)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return _not_found(request, exception)
        return None


def _not_found(request: HttpRequest, exception: Exception) -> HttpResponseBase:
    # The URLconf's own 404 page: a tenant's, or the operators' host's plain one.
    handler: Callable[..., HttpResponseBase] = get_resolver(
        getattr(request, "urlconf", None)
    ).resolve_error_handler(404)
    return handler(request, exception)
