"""Sign-in: passwords and their limits, sessions, single sign-on and two-factor."""

import os
from datetime import timedelta

from config.settings.base import DEBUG
from config.settings.env import envfloat, envint, envlist, envtenant, problem
from samtale.tenancy import configurable as c

AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = ["samtale.accounts.backends.PersonBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How long a password reset link works, in seconds.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 2)

# Failed sign-ins are slowed down, never locked out (NIST SP 800-63B §5.2.2): after
# LOGIN_FREE_FAILURES consecutive failures for an e-mail address, the next attempt from a
# device that address has not signed in on before waits LOGIN_DELAY_SECONDS, doubling with
# each further failure up to LOGIN_MAX_DELAY_SECONDS; after LOGIN_HARD_STOP_FAILURES only a
# new password (or a device used before) signs in. A client address with more than
# LOGIN_MAX_FAILURES_PER_IP failures in LOGIN_IP_WINDOW_MINUTES is slowed by up to
# LOGIN_IP_MAX_PAUSE_SECONDS per attempt; right credentials are still let in.
LOGIN_FREE_FAILURES = envint("LOGIN_FREE_FAILURES", 5)
LOGIN_DELAY_SECONDS = envint("LOGIN_DELAY_SECONDS", 30)
LOGIN_MAX_DELAY_SECONDS = envint("LOGIN_MAX_DELAY_SECONDS", 900)
LOGIN_HARD_STOP_FAILURES = envint("LOGIN_HARD_STOP_FAILURES", 100)
LOGIN_MAX_FAILURES_PER_IP = envint("LOGIN_MAX_FAILURES_PER_IP", 50)
LOGIN_IP_WINDOW_MINUTES = envint("LOGIN_IP_WINDOW_MINUTES", 15)
LOGIN_IP_MAX_PAUSE_SECONDS = envfloat("LOGIN_IP_MAX_PAUSE_SECONDS", 1.0)
# Password reset links: at most this many requests per address and per client an hour.
PASSWORD_RESET_MAX_PER_ADDRESS = envint("PASSWORD_RESET_MAX_PER_ADDRESS", 3)
PASSWORD_RESET_MAX_PER_CLIENT = envint("PASSWORD_RESET_MAX_PER_CLIENT", 20)
# After someone else changes a person's e-mail address, a password reset within this many
# hours needs a confirmation from the old address (or HR's help).
SAMTALE_EMAIL_CHANGE_HOLD_HOURS = envint("SAMTALE_EMAIL_CHANGE_HOLD_HOURS", 72)

# Sessions end after SESSION_IDLE_MINUTES without a request and at the latest
# SESSION_MAX_HOURS after login (SessionLimitMiddleware). SESSION_WARNING_SECONDS before
# either, the page warns and offers to continue (static/js/session.js; WCAG 2.2.1).
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", 12)
SESSION_WARNING_SECONDS = envint("SESSION_WARNING_SECONDS", 120)
SESSION_COOKIE_AGE = int(timedelta(hours=SESSION_MAX_HOURS).total_seconds())
SESSION_COOKIE_NAME = "samtale_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "samtale.core.views.csrf_failure"

# Single sign-on with OpenID Connect (django-allauth's openid_connect provider, with PKCE).
# SAMTALE_SSO names the providers, e.g. "entra,feide"; for each, SSO_<NAME>_ISSUER,
# SSO_<NAME>_CLIENT_ID, SSO_<NAME>_SECRET, SSO_<NAME>_LABEL (the button's text) and
# SSO_<NAME>_LINK: how a first sign-in finds the person, "email" (only where the provider
# says the address is verified) or "employee_number:<claim>". Later sign-ins go by `sub`.
# docs/integrating/sso.md shows Entra ID and Feide.
SSO_LINK_DEFAULT = "email"


def _sso_providers() -> list[dict]:
    providers = []
    # SAMTALE_SSO names the OpenID Connect providers (e.g. entra,feide); for each, with its
    # name in capitals as <KEY>: SSO_<KEY>_ISSUER, _CLIENT_ID and _SECRET (required), _LABEL
    # (the button's text) and _LINK (how a sign-in finds its person: "email", or
    # "employee_number:<claim>" for a claim that carries the employee number). A provider
    # whose settings make no sense is a problem, and left out.
    for name in envlist("SAMTALE_SSO", []):
        key = name.upper().replace("-", "_")
        missing = [
            f"SSO_{key}_{part}"
            for part in ("ISSUER", "CLIENT_ID", "SECRET")
            if not os.environ.get(f"SSO_{key}_{part}")
        ]
        if missing:
            problem(
                "samtale.E022", f"SAMTALE_SSO names {name!r}, but {', '.join(missing)} is not set."
            )
            continue
        link = os.environ.get(f"SSO_{key}_LINK", SSO_LINK_DEFAULT).strip()
        provider = {
            "provider_id": name.lower(),
            "name": os.environ.get(f"SSO_{key}_LABEL", name),
            "client_id": os.environ[f"SSO_{key}_CLIENT_ID"],
            "secret": os.environ[f"SSO_{key}_SECRET"],
            "settings": {
                "server_url": os.environ[f"SSO_{key}_ISSUER"].rstrip("/"),
                "oauth_pkce_enabled": True,
                "link": link,
            },
        }
        # The rules a registered tenant's providers are held to (tenants configure).
        try:
            c.provider_check(provider, what=f"SSO_{key}_*")
        except c.Refused as refused:
            problem("samtale.E023", str(refused))
            continue
        providers.append(provider)
    return providers


# allauth's own list of apps is never read: every tenant's are its SAMTALE_SSO_PROVIDERS,
# handed to allauth by accounts.sso.SocialAccountAdapter.list_apps.
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Identity providers (JSON); each municipality its own, secret: the home tenant's made from
# SAMTALE_SSO above, a registered tenant's configured (`tenants configure`) in the same shape,
# checked by the same rules.
SAMTALE_SSO_PROVIDERS = _sso_providers()
c.declare("SAMTALE_SSO_PROVIDERS", kind=c.PROVIDERS, own=True, secret=True, unset=[], derived=None)
# Password sign-in can be turned off where everyone signs in with SSO.
SAMTALE_PASSWORD_SIGNIN = envtenant(
    "SAMTALE_PASSWORD_SIGNIN", True, kind=c.YESNO, own=True, unset=True
)
if not SAMTALE_PASSWORD_SIGNIN and not SAMTALE_SSO_PROVIDERS:
    problem(
        "samtale.E024",
        "SAMTALE_PASSWORD_SIGNIN is off, but no SSO provider is set (SAMTALE_SSO): nobody could "
        "sign in.",
    )

# Two-factor (allauth.mfa): an authenticator app with recovery codes, and passkeys where the
# browser offers them. Required of everyone who reads another person's conversation or data
# (leaders, leaders' leaders, union representatives, HR, administrators, archive staff) when
# SAMTALE_REQUIRE_MFA is on: the default in production, each municipality its own. A
# provider's own second factor counts when its ID token says so (amr).
SAMTALE_REQUIRE_MFA = envtenant("SAMTALE_REQUIRE_MFA", not DEBUG, kind=c.YESNO)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
# The issuer in authenticator apps: each tenant's own name (samtale.accounts.mfa.MfaAdapter).
MFA_ADAPTER = "samtale.accounts.mfa.MfaAdapter"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

ACCOUNT_ADAPTER = "samtale.accounts.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "samtale.accounts.sso.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_NOTIFICATIONS = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# The provider's address at Samtale: /konto/sso/<name>/login/ and …/login/callback/.
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = ""
