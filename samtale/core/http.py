"""Small helpers every view uses: policy-guarded views and htmx-aware rendering."""

from collections.abc import Callable
from functools import wraps

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
