from allauth.account import views as allauth_account
from allauth.socialaccount.providers.openid_connect import urls as oidc_urls
from django.urls import include, path

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
    # Single sign-on: /konto/sso/<provider>/login/ and its callback, …/login/callback/,
    # the address to register at the provider (docs/integrating/sso.md).
    path("konto/sso/", include(oidc_urls)),
    path("konto/sso-avvist/", views.sso_refused, name="socialaccount_login_cancelled"),
    # Two-factor: allauth.mfa's pages (authenticator app, recovery codes, passkeys).
    path("konto/tofaktor/", include("allauth.mfa.urls")),
    path("konto/bekreft/", allauth_account.reauthenticate, name="account_reauthenticate"),
    # The names allauth's flows send people to, on Samtale's own pages: nobody signs up
    # here, and someone whose access ended is told so.
    path("konto/ingen-tilgang/", views.sso_refused, name="account_inactive"),
    path("konto/ingen-konto/", views.sso_refused, name="socialaccount_signup"),
    path("logg-inn/", views.login, name="account_login"),
    path("logg-ut/", views.logout, name="account_logout"),
]
