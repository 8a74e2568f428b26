from django.urls import path, re_path

from samtale.scim import views

# SCIM's own names (RFC 7644 §3.2), not Norwegian: an identity provider asks for them.
urlpatterns = [
    path("scim/v2/", views.not_found, name="scim_root"),
    path(
        "scim/v2/ServiceProviderConfig",
        views.service_provider_config,
        name="scim_service_provider_config",
    ),
    path("scim/v2/ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("scim/v2/ResourceTypes/<str:type_id>", views.resource_type, name="scim_resource_type"),
    path("scim/v2/Schemas", views.schemas, name="scim_schemas"),
    path("scim/v2/Schemas/<str:schema_id>", views.schema, name="scim_schema"),
    path("scim/v2/Users", views.users_view, name="scim_users"),
    path("scim/v2/Users/.search", views.search, name="scim_users_search"),
    path("scim/v2/.search", views.search, name="scim_search"),
    path("scim/v2/Users/<str:pk>", views.user_view, name="scim_user"),
    # Anything else under SCIM's root is a SCIM 404, not the app's HTML page.
    re_path(r"^scim/v2/.+$", views.not_found, name="scim_not_found"),
]
