from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.request import split_domain_port
from django.http.response import HttpResponseBase, StreamingHttpResponse
from django.urls import Resolver404, get_resolver, get_script_prefix, reverse
from django.utils.cache import add_never_cache_headers

from samtale.core import health, tenancy
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


class TenantMiddleware:
    """A host name no tenant has gets a plain 404, naming no tenant (and never a default
    tenant's pages); a suspended tenant, a plain 503. The host was checked against
    ALLOWED_HOSTS first (get_host)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        host, _port = split_domain_port(request.get_host())
        if host in settings.SAMTALE_OPERATOR_HOSTS:
            # The operators' page (samtale.tenants.urls): its URLs only, in no tenant: a
            # tenant's database and settings are refused there (core.tenancy).
            request.urlconf = "samtale.tenants.urls"
            with tenancy.activated(tenancy.OPERATIONS):
                return self.get_response(request)
        tenant = tenancy.by_host(host)
        if tenant is None:
            return HttpResponseNotFound(
                "Ingen organisasjon svarer på denne adressen.\n"
                "No organization answers at this address.\n",
                content_type="text/plain; charset=utf-8",
            )
        if tenant.suspended:
            return HttpResponse(
                f"{tenant.name} er stengt for en stund.\n{tenant.name} is closed for a while.\n",
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        if tenant.moving and request.method not in ("GET", "HEAD"):
            return _moving(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]  # HttpRequest's stub has no room for an app's own attribute
        with tenancy.activated(tenant):
            response = self.get_response(request)
        if (
            isinstance(response, StreamingHttpResponse)
            and getattr(response, "file_to_stream", None) is None
        ):
            # What a streamed answer makes as it is sent (after this block) is the tenant's.
            # A sync response's content (WSGI: an async one is served by ASGI, not here).
            content = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = _in_tenant(tenant, content)
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        """A page that writes while its tenant's database is being moved (it takes no write
        meanwhile): the same plain 503 as a form sent then, not an error page."""
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.moving and isinstance(exception, DatabaseError):
            return _moving(tenant)
        return None


def _moving(tenant: tenancy.Tenant) -> HttpResponse:
    response = HttpResponse(
        f"{tenant.name} flyttes og tar ikke imot endringer i noen minutter. Prøv igjen snart.\n"
        f"{tenant.name} is being moved and takes no changes for a few minutes. Try again soon.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _in_tenant(tenant: tenancy.Tenant, content: Iterable[Any]) -> Iterator[Any]:
    with tenancy.activated(tenant):
        yield from content
