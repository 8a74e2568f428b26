"""Small helpers every view uses: policy-guarded views and htmx-aware rendering."""

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from samtale.core.access import require
from samtale.core.errors import DomainError

View = Callable[..., HttpResponseBase]


def guarded(capability: Callable[[Any], bool] | None = None) -> Callable[[View], View]:
    """Sign-in required, then the access policy's capability (403 if refused).

    `capability` is one of the `may_*` functions of the app's policy.py (or a role-only
    one of samtale.core.access); views that fetch a single object call the policy's
    `get_<thing>_for` instead.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return signed_out_response(request)
            if capability is not None:
                require(capability(request.user))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def acted(request: HttpRequest, service: Callable[[], object], done: str) -> bool:
    """A POST that runs one service and then goes back to a page: its refusal (DomainError)
    said there as an error, else `done` as the confirmation. Whether it went through."""
    try:
        service()
    except DomainError as e:
        messages.error(request, e.message)
        return False
    messages.success(request, done)
    return True


def signed_out_response(request: HttpRequest) -> HttpResponse:
    """The answer to a request that needs a signed-in person: to the login page, and from
    there back to the page the person was on.

    An htmx request gets 401 with HX-Redirect, never a redirect: htmx's XMLHttpRequest
    would follow that unseen and swap the login page into the fragment. htmx reads
    HX-Redirect before it looks at the status, so nothing is swapped; the page's session.js
    keeps what was typed in the form (drafts) on its way out.
    """
    page = _page_to_return_to(request)
    if page:
        login: HttpResponse = redirect_to_login(page)
    else:
        login = HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
    if getattr(request, "htmx", False):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = login["Location"]
        return response
    return login


def _page_to_return_to(request: HttpRequest) -> str | None:
    """The page (path and query) to come back to after signing in: the page an htmx request
    or a form post came from, since its own address may answer POST only; else this one."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        try:
            current = htmx.current_url_abs_path
        except ValueError:  # an HX-Current-URL that is no URL (http://[)
            current = None
        return str(current) if current else _same_site_referer(request)
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return _same_site_referer(request)


def _same_site_referer(request: HttpRequest) -> str | None:
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return urlunsplit(urlsplit(referer)._replace(scheme="", netloc="", fragment="")) or None


def wants_fragment(request: HttpRequest) -> bool:
    """Whether htmx asks for a part of the page (render_page's fragment), not all of it."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the page, or only its partial `fragment` when htmx asks for it."""
    if fragment and wants_fragment(request):
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


def wants_json(request: HttpRequest) -> bool:
    """A fetch() from our scripts (autosave, talk time) asks for JSON; a plain form post does not."""
    return "application/json" in request.headers.get("Accept", "")


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page a form was posted from (same site only), else the fallback."""
    return HttpResponseRedirect(same_site_path(request, request.POST.get("next"), fallback))


def same_site_path(request: HttpRequest, target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site (/…), else `fallback`: never another site, and
    never a word like `undefined` that a redirect would take for the name of a URL."""
    if (
        not target
        or not target.startswith("/")
        or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return fallback
    return target


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as proxies write it: 192.0.2.1, 2001:db8::1, and with a port, 192.0.2.1:443
    or [2001:db8::1]:443; an IPv4 address mapped into IPv6 as the IPv4 address."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client a request comes from, for limits per client.

    REMOTE_ADDR, unless that is one of TRUSTED_PROXIES: then X-Forwarded-For is read from the
    right, past every trusted proxy, to the first address none of them vouches for. What a
    client writes into the header itself lies further left and is never reached, and from
    anyone but a trusted proxy the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    nearest = _ip(remote) if remote else None
    if nearest is None:
        return remote
    if not _trusted(nearest):
        return str(nearest)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _ip(hop)
        if address is None:
            break
        nearest = address
        if not _trusted(address):
            break
    return str(nearest)
