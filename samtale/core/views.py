from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samtale.core import access, pickers
from samtale.core.http import guarded


@require_GET
def accessibility_statement(request):
    """The accessibility statement (tilgjengelighetserklæring), linked from every page's footer
    and readable without signing in, as the regulations on universal design ask."""
    return render(
        request,
        "core/accessibility.html",
        {
            "contact": parseaddr(
                settings.SAMTALE_ACCESSIBILITY_CONTACT or settings.DEFAULT_FROM_EMAIL
            )[1]
        },
    )


@guarded()
@require_GET
def pick(request, source):
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


@require_GET
def health(request):
    """For the load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the database may be why we are here.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
