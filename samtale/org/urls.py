from django.urls import path

from samtale.org import views

urlpatterns = [
    path("personer/", views.person_list, name="person_list"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:pk>/", views.person_detail, name="person_detail"),
    path("personer/<int:pk>/rediger/", views.person_edit, name="person_edit"),
    path("personer/endringer/", views.org_changes, name="role_changes"),
    path("personer/deaktiveringer/", views.held_deactivations, name="held_deactivations"),
    path(
        "personer/endringer/epost/<int:pk>/frigi/",
        views.email_change_release,
        name="email_change_release",
    ),
    path("enheter/", views.unit_list, name="unit_list"),
    path("enheter/ny/", views.unit_create, name="unit_create"),
    path("enheter/<int:pk>/rediger/", views.unit_edit, name="unit_edit"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/bruk/", views.import_apply, name="import_apply"),
    path("import/<int:pk>/angre/", views.import_undo, name="import_undo"),
    path("import/mal/<str:kind>.csv", views.import_template, name="import_template"),
]
