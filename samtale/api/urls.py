from django.urls import path

from samtale.api.main import api

urlpatterns = [
    # The REST API: its operations, the OpenAPI schema and the docs (namespace "api").
    path("api/v1/", api.urls),
]
