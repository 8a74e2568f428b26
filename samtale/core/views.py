import sys
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_safe

from samtale import tenancy
from samtale.core import access, health, pickers
from samtale.core import metrics as core_metrics
from samtale.core.http import guarded
from samtale.tenancy.middleware import try_again


@guarded()
@require_GET
def pick(request: HttpRequest, source: Any) -> HttpResponse:
    """The matches a picker field shows as the person types (core.pickers): at most 20 of
    what the access policy lets them choose from this source."""
    picker = pickers.SOURCES.get(source)
    if picker is None:
        raise Http404
    access.require(picker.may(request.user))
    choices = picker.choices(request.user, request.GET)  # 404 for a round not theirs, say
    query = request.GET.get("q", "")[: pickers.MAX_QUERY]
    found, more = pickers.matches(choices, picker, query) if query.strip() else ([], False)
    return render(
        request,
        "core/_pick_options.html",
        # Ids as text: a number would be written as Norwegians write it (1 212).
        {"found": [(str(o.pk), picker.label(o)) for o in found], "more": more, "query": query},
    )


# The health checks are answered by core.middleware.HealthCheckMiddleware before the host
# check, the HTTPS redirect, sessions and CSRF; these patterns name them (and serve them
# where that middleware is left out). Nothing but GET and HEAD, and nothing to protect
# from a forged request: exempt from CSRF as the middleware leaves them.


@csrf_exempt
@require_safe
def health_live(request: HttpRequest) -> HttpResponse:
    """The process answers: for a load balancer and the image's HEALTHCHECK. Asks nothing
    of the database, so a database that is away does not restart every web process."""
    return _health_answer(True, {})


@csrf_exempt
@require_safe
def health_ready(request: HttpRequest) -> HttpResponse:
    """The installation can do its work (core.health.readiness): 200, or 503 naming what
    fails with a short code. Also this process's heartbeat."""
    ready, checks = health.readiness()
    health.beat("web")
    return _health_answer(ready, checks)


@csrf_exempt
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape (core.metrics). Reached only when core.metrics.MetricsMiddleware
    did not answer it already (it is left out, or the request may not scrape): the same 404
    as any page that does not exist, whatever the method, so that nothing says it is here."""
    if not core_metrics.may_scrape(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return core_metrics.metrics_response()


def _health_answer(ready: bool, checks: dict[str, str]) -> JsonResponse:
    answer = JsonResponse(
        {"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503
    )
    add_never_cache_headers(answer)
    return answer


# The error pages are a tenant's pages (its name, its menu). Where the request is in no
# tenant (a host name no one has, refused before the tenant was found; the operators'
# host), plain text that names no one.
# host), plain text that names no one: in Norwegian, then English (whoever is there, an
# operator or a stranger at a host name no one has, may read either).
PLAIN = {
    400: "Feil i forespørselen. / Bad request.\n",
    403: "Ingen tilgang. / Forbidden.\n",
    "csrf": (
        "Skjemaets sikkerhetsnøkkel mangler eller er feil: åpne siden på nytt og send igjen."
        " / The form's security token is missing or wrong: open the page again.\n"
    ),
    404: "Siden finnes ikke. / Not found.\n",
    500: "Noe gikk galt hos oss; prøv igjen om litt. / Server error; try again shortly.\n",
}


def _plain(status: int, text: str | None = None) -> HttpResponse:
    return HttpResponse(
        text or PLAIN[status], status=status, content_type="text/plain; charset=utf-8"
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its CSRF token, or with another's: 403 on every host."""
    if not tenancy.active():
        return _plain(403, PLAIN["csrf"])
    return render(request, "errors/csrf.html", status=403)


def error_400(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if not tenancy.active():
        return _plain(400)
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if not tenancy.active():
        return _plain(403)
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if not tenancy.active():
        return _plain(404)
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the database may be why we are here.
    from django.template import loader

    if not tenancy.active():
        return _plain(500)
    # A write its database refused while it is being moved: "try again", not an error.
    if moving := try_again(getattr(request, "tenant", None), sys.exc_info()[1]):
        return moving
    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
