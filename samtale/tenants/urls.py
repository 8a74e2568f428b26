"""The operators' host's only URLs (core.middleware.TenantMiddleware sets them as the
request's URLconf there; no tenant's page is served on it, nor these on a tenant's)."""

from django.urls import path

from samtale.tenants import views

urlpatterns = [
    path("", views.operator_home, name="operator_home"),
    path("logg-inn/", views.operator_login, name="operator_login"),
    path("logg-ut/", views.operator_logout, name="operator_logout"),
    path("<slug:slug>/tilstand/", views.operator_state, name="operator_state"),
]


def _plain(status: int, text: str):
    def view(request, exception=None):
        from django.http import HttpResponse

        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")

    return view


# The tenants' error pages are pages of a tenant's menu; here, plain text.
handler400 = _plain(400, "Bad request.\n")
handler403 = _plain(403, "Forbidden.\n")
handler404 = _plain(404, "Not found.\n")
handler500 = _plain(500, "Server error.\n")
