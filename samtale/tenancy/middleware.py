"""The tenant of each request: the one its host name names, activated for the request and
for what a streamed answer makes after it; the operators' page in none."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.request import split_domain_port
from django.http.response import HttpResponseBase, StreamingHttpResponse

from samtale import tenancy

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class TenantMiddleware:
    """A host name no tenant has gets a plain 404, naming no tenant (and never a default
    tenant's pages); a suspended tenant, a plain 503. The host was checked against
    ALLOWED_HOSTS first (get_host)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        host, _port = split_domain_port(request.get_host())
        if host in settings.SAMTALE_OPERATOR_HOSTS:
            # The operators' page (samtale.operators.urls): its URLs only, in no tenant: a
            # tenant's database and settings are refused there (tenancy).
            request.urlconf = "samtale.operators.urls"
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
        return try_again(getattr(request, "tenant", None), exception)


# PostgreSQL's SQLSTATEs of a session ended by the server (a move ends every session of
# the database it makes read-only).
ENDED = frozenset({"57P01", "57P02", "57P03"})


def try_again(tenant: tenancy.Tenant | None, error: BaseException | None) -> HttpResponse | None:
    """The plain 503 "try again" (Retry-After) for an error of a tenant's database that is
    being moved, or None. A process that has not read the register since the move began
    learns of it here, from the first write its database refuses (or the session the move
    ended): it reads the register again, so that every process answers so within a request,
    not after REFRESH_SECONDS of errors. Also used by the 500 page (core.views), for what
    failed outside the view (a session saved after it)."""
    if tenant is None or not isinstance(error, DatabaseError):
        return None
    if tenant.moving:
        return _moving(tenant)
    read_only = tenancy.refused_as_read_only(error)
    ended = getattr(error.__cause__, "sqlstate", None) in ENDED
    if not (read_only or ended or isinstance(error, OperationalError)):
        return None
    tenancy.forget()
    fresh = tenancy.by_slug(tenant.slug) or tenant
    if read_only or fresh.moving:
        return _moving(fresh)
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
