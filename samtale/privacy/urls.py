from django.urls import path

from samtale.privacy import views

urlpatterns = [
    path("profil/innsyn.zip", views.own_export, name="privacy_export_own"),
    path("profil/innsyn/<int:pk>/", views.own_copy_download, name="privacy_copy_download"),
    # The same copy as a page, for the person themselves only (their own id: another's is
    # not found, as a copy waiting for them is).
    path("profil/opplysninger/<int:pk>/", views.own_data, name="privacy_own_data"),
    path("personer/<int:pk>/innsyn/", views.export_for, name="privacy_export_for"),
    # The one-time link to a person who has left: no sign-in, the code is asked for.
    path("innsyn/<str:token>/", views.copy_link, name="privacy_copy_link"),
    path("personer/<int:pk>/sperre/", views.hold_set, name="legal_hold_set"),
    path("personer/<int:pk>/sperre/opphev/", views.hold_release, name="legal_hold_release"),
    path("personvern/sletting/", views.retention_overview, name="retention_overview"),
]
