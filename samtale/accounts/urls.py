from django.urls import path

from samtale.accounts import views, views_session

urlpatterns = [
    path("logg-inn/", views.login, name="login"),
    path("logg-ut/", views.logout, name="logout"),
    path("passord/glemt/", views.password_reset, name="password_reset"),
    path("passord/glemt/sendt/", views.password_reset_done, name="password_reset_done"),
    path(
        "passord/ny/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"
    ),
    path("passord/ny/ferdig/", views.password_reset_complete, name="password_reset_complete"),
    path(
        "passord/bekreft/<str:token>/",
        views.password_reset_old_address,
        name="password_reset_old_address",
    ),
    path("profil/", views.profile, name="profile"),
    path("profil/varsler/", views.profile_notices, name="profile_notices"),
    path("profil/passord/", views.password_change, name="password_change"),
    path("sprak/", views.language_set, name="language_set"),
    path("konto/okt/", views_session.session_status, name="session_status"),
]
