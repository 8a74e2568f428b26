"""Small helpers every view uses: policy-guarded views and htmx-aware rendering."""

import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from samtale.core.access import require


def guarded(capability: Callable | None = None):
    """Sign-in required, then the access policy's capability (403 if refused).

    `capability` is one of the `may_*` functions of samtale.core.access; views
    that fetch a single object call `get_<thing>_for` instead.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                response = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    # htmx follows a redirect unseen and would swap the login page into the
                    # fragment; a 200 with HX-Redirect sends the whole page there.
                    return HttpResponseClientRedirect(response["Location"])
                return response
            if capability is not None:
                require(capability(request.user))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def render_page(request, template: str, context: dict, *, fragment: str | None = None, status=200):
    """Render the page, or only its partial `fragment` when htmx asks for it."""
    if fragment and getattr(request, "htmx", False) and not request.htmx.boosted:
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


def wants_json(request) -> bool:
    """A fetch() from our scripts (autosave, talk time) asks for JSON; a plain form post does not."""
    return "application/json" in request.headers.get("Accept", "")


def redirect_back(request, fallback: str):
    """Back to the page a form was posted from (same site only), else the fallback."""
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return redirect(target)


def _ip(value: str):
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


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request) -> str | None:
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
