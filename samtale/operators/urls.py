"""The operators' host's only URLs (tenancy.middleware.TenantMiddleware sets them as the
request's URLconf there; no tenant's page is served on it, nor these on a tenant's)."""

from django.urls import path

from samtale.operators import views

urlpatterns = [
    path("", views.operator_home, name="operator_home"),
    path("logg-inn/", views.operator_login, name="operator_login"),
    path("logg-ut/", views.operator_logout, name="operator_logout"),
    path("<slug:slug>/tilstand/", views.operator_state, name="operator_state"),
]


# The error pages: core's, which are plain text where the request is in no tenant, as here.
handler400 = "samtale.core.views.error_400"
handler403 = "samtale.core.views.error_403"
handler404 = "samtale.core.views.error_404"
handler500 = "samtale.core.views.error_500"
