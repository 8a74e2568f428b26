from django.urls import path

from samtale.api import views
from samtale.api.main import api

urlpatterns = [
    path("profil/api-nokler/", views.my_tokens, name="api_tokens"),
    path("profil/api-nokler/<int:pk>/tilbakekall/", views.token_revoke, name="api_token_revoke"),
    path("admin/api-nokler/", views.service_tokens, name="api_service_tokens"),
    # The REST API: its operations, the OpenAPI schema and the docs (namespace "api").
    path("api/v1/", api.urls),
]
