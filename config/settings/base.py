"""The installation: the mode, the secret, the hosts and address, the apps, the database,
the language and the static files."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.settings.env import envbool, envint, envlist, problem

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# A laptop's mode (`make run` sets it): demo tools, e-mail to files, no HTTPS. Never in
# production, which is any run without it.
DEBUG = envbool("DEBUG", False)

# Signs sessions, links and tokens: a random value of at least 50 characters, the same for
# every process of one installation. Without DEBUG the app refuses to start without one.
DEV_SECRET_KEY = "django-insecure-samtale-laptop-only"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEV_SECRET_KEY


def secret_key_real(key: str) -> bool:
    """Not empty, not the laptop's, not short: a key nobody can guess. Without DEBUG the
    settings refuse any other as they are read (config/settings/__init__.py)."""
    return bool(key) and not key.startswith("django-insecure") and len(key) >= 50


# The host names Samtale answers to (comma-separated; required in production), and the
# origins a form may be posted from when they differ (e.g. https://samtale.example.no).
# On a laptop also every *.localhost: a browser sends those to this machine, and each
# tenant answers at its own (nordvik.localhost); a name no tenant has gets a 404.
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", ".localhost"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    problem(
        "samtale.E014",
        "ALLOWED_HOSTS must be set in production (DEBUG is off).",
        "The host names of SITE_URL and any other address Samtale answers to, comma-separated.",
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# The address people open Samtale at: e-mail links and calendar UIDs are made from it, so a
# production server must be told (a laptop's default would put 127.0.0.1 in every e-mail).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL and DEBUG:
    SITE_URL = "http://127.0.0.1:8000"
if not SITE_URL:
    problem(
        "samtale.E001",
        "SITE_URL must be set in production (DEBUG is off): the address people open Samtale "
        "at, e.g. https://samtale.kommune.no.",
        "E-mail links and calendar invitations are made from it.",
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its runserver checks the migrations in each tenant
    # (samtale/core/management/commands/runserver.py), and the first app's command wins.
    "samtale.tenancy",
    "samtale.core",
    "samtale.work",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.mfa's list of passkeys uses it
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    # The REST API's docs page (its template and the Swagger UI it serves from our own static
    # files, never a CDN).
    "ninja",
    "samtale.operators",
    "samtale.accounts",
    "samtale.org",
    "samtale.guides",
    "samtale.priorities",
    "samtale.conversations",
    "samtale.calendars",
    "samtale.actions",
    "samtale.rounds",
    "samtale.notifications",
    "samtale.insight",
    "samtale.needs",
    "samtale.competence",
    "samtale.archive",
    "samtale.signing",
    "samtale.audit",
    "samtale.privacy",
    "samtale.api",
    "samtale.scim",
    "samtale.home",
    "samtale.accessibility",
    # Single sign-on and two-factor (samtale.accounts.sso, .mfa): allauth's flows behind
    # Samtale's own sign-in page; its account pages (sign-up, passwords) are not served.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
]
# The demo and benchmark data, the start-up banner and the tests' people (samtale.demo):
# nothing in the product imports them, and production leaves them out unless told.
SAMTALE_DEMO_TOOLS = envbool("SAMTALE_DEMO_TOOLS", DEBUG)
if SAMTALE_DEMO_TOOLS:
    INSTALLED_APPS.append("samtale.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, to time all the rest; after WhiteNoise, so static files are not logged one each.
    "samtale.core.requestlog.RequestLogMiddleware",
    # The health checks, answered before the host check and all that follows (its docstring
    # says why); then each web process's heartbeat.
    "samtale.core.middleware.HealthCheckMiddleware",
    # Each request's count, time and queries for /metrics, which it answers to a scraper.
    "samtale.core.metrics.MetricsMiddleware",
    # The tenant the host name names (an unknown one: 404); everything after runs in it.
    "samtale.tenancy.middleware.TenantMiddleware",
    "samtale.core.middleware.HeartbeatMiddleware",
    "samtale.core.middleware.AuditSourceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samtale.accounts.middleware.ResolvedUserMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "samtale.accounts.middleware.SessionLimitMiddleware",
    "samtale.accounts.middleware.UserLanguageMiddleware",
    "samtale.accounts.mfa.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The tenant's own identity providers, where its sign-in form may lead (after CSP's).
    "samtale.accounts.middleware.ProviderFormActionMiddleware",
    "samtale.core.middleware.NoStoreMiddleware",
    "samtale.core.middleware.DebugErrorPagesMiddleware",
]

FORM_RENDERER = "samtale.core.forms.FormRenderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# The context every page's template gets; {{ csp_nonce }}: the inline scripts'
# (core/_assets.html, base.html).
_CONTEXT = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.messages.context_processors.messages",
]


def _engine(name: str, context_processors: list[str]) -> dict:
    return {
        "NAME": name,
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": context_processors},
    }


TEMPLATES = [
    _engine(
        "django",
        [
            *_CONTEXT,
            "django.contrib.auth.context_processors.auth",
            "samtale.home.context_processors.navigation",
        ],
    ),
    # The operators' page (samtale.operators.views): no tenant's menu, user or navigation.
    _engine("operators", _CONTEXT),
]

# Database: DATABASE_URL, default a SQLite file under var/; DB_CONN_MAX_AGE, the seconds a
# process keeps its database connection between requests (always 0 under the dev server).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'samtale.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The dev server (`manage.py runserver`, what `make run` starts) serves each browser
# connection in a thread of its own that lives as long as the browser keeps the connection
# open, and each such thread kept its own database connection for DB_CONN_MAX_AGE: 15–20
# people autosaving held most of PostgreSQL's 100 and got "too many clients". Under it a
# database connection ends with its request, whatever the environment says; gunicorn, the
# worker and the scheduler keep DB_CONN_MAX_AGE. Django's own command line puts the command
# name in argv[1] (manage.py, django-admin and python -m django alike).
if sys.argv[1:2] == ["runserver"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process and the worker read while the other writes;
    # IMMEDIATE avoids "database is locked" on upgrade from read to write. Connections
    # are kept (DB_CONN_MAX_AGE) like PostgreSQL's: a new one re-read the schema and
    # started with an empty page cache on every request.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding and prepared statements: psycopg prepares what a process repeats
    # (the follow-up overview, the session and user lookups) and PostgreSQL skips planning
    # them. Behind a transaction-pooling PgBouncer set DB_PREPARE_THRESHOLD to 0 (off).
    threshold = envint("DB_PREPARE_THRESHOLD", 5)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=envbool("DB_SERVER_SIDE_BINDING", True),
        prepare_threshold=threshold or None,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Language and time: bokmål first, Europe/Oslo.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LANGUAGE_COOKIE_NAME = "samtale_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# 20 000 as Norwegians write it (config.formats). Numbers a machine reads (ids in
# attributes, page numbers, versions) are printed with |unlocalize; a test holds that.
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Our scripts (htmx, Designsystemet's, ours) are fetched once the page has loaded, by the
# loader at the end of base.html, so that on a slow phone connection they take nothing
# from the page's first paint; every page works without them until they come (and htmx
# must not run between DOMContentLoaded and load: it would never start). False: deferred
# <script> tags in the page, as the browser tests use (tests/browser/conftest.py).
SCRIPTS_AFTER_LOAD = True
STATIC_ROOT = BASE_DIR / "var" / "static"
# The user guide's pictures (docs/images/), for the guide the app serves at /hjelp/
# (samtale.home.guide) as static/guide/<name>.png.
STATICFILES_DIRS = [BASE_DIR / "static", ("guide", BASE_DIR / "docs" / "images")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
