"""Samtale settings: one flat file, read from the environment.

The defaults suit a laptop (`make run` sets DEBUG=true). Without DEBUG the app
is in production mode and refuses to start without a real SECRET_KEY and
ALLOWED_HOSTS.
"""

import ipaddress
import os
import re
import sys
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# A laptop's mode (`make run` sets it): demo tools, e-mail to files, no HTTPS. Never in
# production, which is any run without it.
DEBUG = envbool("DEBUG", False)

# Signs sessions, links and tokens: a random value of at least 50 characters, the same for
# every process of one installation. Without DEBUG the app refuses to start without one.
DEV_SECRET_KEY = "django-insecure-samtale-laptop-only"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEV_SECRET_KEY
if not DEBUG and (
    not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(DEBUG is off). Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

# The host names Samtale answers to (comma-separated; required in production), and the
# origins a form may be posted from when they differ (e.g. https://samtale.example.no).
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (DEBUG is off).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# The address people open Samtale at: e-mail links and calendar UIDs are made from it, so a
# production server must be told (a laptop's default would put 127.0.0.1 in every e-mail).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL and DEBUG:
    SITE_URL = "http://127.0.0.1:8000"
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set in production (DEBUG is off): the address people open Samtale "
        "at, e.g. https://samtale.kommune.no. E-mail links and calendar invitations use it."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth.mfa's list of passkeys uses it
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    # The REST API's docs page (its template and the Swagger UI it serves from our own static
    # files, never a CDN).
    "ninja",
    "samtale.core",
    "samtale.accounts",
    "samtale.org",
    "samtale.guides",
    "samtale.conversations",
    "samtale.calendars",
    "samtale.actions",
    "samtale.rounds",
    "samtale.notifications",
    "samtale.insight",
    "samtale.needs",
    "samtale.archive",
    "samtale.signing",
    "samtale.audit",
    "samtale.privacy",
    "samtale.api",
    "samtale.scim",
    "samtale.home",
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
    "samtale.core.middleware.NoStoreMiddleware",
    "samtale.core.middleware.DebugErrorPagesMiddleware",
]

FORM_RENDERER = "samtale.core.forms.FormRenderer"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # {{ csp_nonce }}: the inline scripts' (core/_assets.html, base.html).
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samtale.home.context_processors.navigation",
            ],
        },
    },
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

# Security headers. Cookies are Secure and HTTPS is enforced outside DEBUG.
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer asks the health checks, and Prometheus /metrics, over plain HTTP, inside
# the TLS it terminates.
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$", r"^helse/$", r"^metrics$"]
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies (addresses or networks, e.g. 10.0.0.5,10.1.0.0/16) whose X-Forwarded-For is
# believed: behind them every request comes from the proxy, and the sign-in and reset limits
# per client would count the whole organization as one. From anyone else the header is ignored.
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(item, strict=False) for item in envlist("TRUSTED_PROXIES", [])
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
# HTTP Strict Transport Security: how long browsers keep to HTTPS (2 years outside DEBUG).
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)
# Both reach beyond Samtale's own host name (every subdomain of the organization's domain,
# and browsers' built-in lists, which take months to leave): the organization opts in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Django's deployment checks recommend both; leaving them off is this decision, not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts come from our own files, and one line inline in <head> (core/_assets.html: it
# must run before the first paint, and a file of its own was a request that held it up)
# carrying the request's nonce; a response that uses no nonce gets none in its header.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

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

# E-mail: SMTP from the environment (EMAIL_HOST etc.). On a laptop (DEBUG without EMAIL_HOST)
# each message is written to DEV_MAIL_DIR as an .eml file with one line in the worker's log,
# and an administrator reads them at /utvikling/epost/ (only while DEBUG is on).
DEV_MAIL_DIR = BASE_DIR / "var" / "mail"
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "samtale.notifications.backends.FileMailBackend",
            "OPTIONS": {"directory": DEV_MAIL_DIR},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", False),
                "use_ssl": envbool("EMAIL_USE_SSL", False),
                "timeout": envint("EMAIL_TIMEOUT", 20),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samtale <samtale@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The outbox (notifications.outbox): a worker that claims a message holds it for
# OUTBOX_LEASE_SECONDS; a claim older than that is a worker that died, and the message is
# sent again. The lease must outlast a whole send (EMAIL_TIMEOUT per SMTP step; a system
# check holds it to at least 4 × EMAIL_TIMEOUT). OUTBOX_SWEEP_SECONDS: how often the
# scheduler looks for such messages and for retries that are due.
OUTBOX_LEASE_SECONDS = envint("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_SWEEP_SECONDS = envint("OUTBOX_SWEEP_SECONDS", 60)

# Calendar invitations come from Samtale's own calendar address, the ORGANIZER of every
# conversation's event (notifications.ics): the leader and the employee are both invited
# as attendees, and their mail programs send their answers (accept, decline, a new time
# proposed) back to it. Empty: the address of DEFAULT_FROM_EMAIL. The SMTP account must be
# allowed to send as this address (docs/integrating/calendar.md).
SAMTALE_CALENDAR_ADDRESS = (
    os.environ.get("SAMTALE_CALENDAR_ADDRESS", "").strip() or parseaddr(DEFAULT_FROM_EMAIL)[1]
)
if "@" not in SAMTALE_CALENDAR_ADDRESS:
    raise ImproperlyConfigured("SAMTALE_CALENDAR_ADDRESS must be an e-mail address.")
# Where Samtale reads those answers (notifications.inbox), either or both: an IMAP mailbox
# that receives the mail to SAMTALE_CALENDAR_ADDRESS, read every minute and never changed
# (imaps://user:password@host:993/INBOX, the user and password URL-encoded; imap:// only
# on a network one trusts); and a webhook a mail server posts each message to as it
# arrives (POST /kalender/innboks/ with the raw message and the header
# "Authorization: Bearer <SAMTALE_CALENDAR_WEBHOOK_TOKEN>", a random value of at least 32
# characters). Empty: off.
SAMTALE_CALENDAR_IMAP_URL = os.environ.get("SAMTALE_CALENDAR_IMAP_URL", "").strip()
if SAMTALE_CALENDAR_IMAP_URL and not SAMTALE_CALENDAR_IMAP_URL.startswith(("imaps://", "imap://")):
    raise ImproperlyConfigured("SAMTALE_CALENDAR_IMAP_URL must begin with imaps:// or imap://.")
SAMTALE_CALENDAR_WEBHOOK_TOKEN = os.environ.get("SAMTALE_CALENDAR_WEBHOOK_TOKEN", "").strip()
if SAMTALE_CALENDAR_WEBHOOK_TOKEN and len(SAMTALE_CALENDAR_WEBHOOK_TOKEN) < 32:
    raise ImproperlyConfigured("SAMTALE_CALENDAR_WEBHOOK_TOKEN must be at least 32 characters.")
# What one message to the calendar address may hold; anyone can send mail there, so a
# message over a limit is refused whole, before anything of it is applied, and set aside
# (logged with the limit, counted in /metrics: samtale_set_aside_messages). BYTES: its
# size, checked before the webhook reads the body (413) and before the mailbox fetches it;
# an answer is a few kB, Outlook's with HTML and the invitation attached a few hundred kB,
# so 1 MiB leaves room (the imports' 21 MB is far beyond it). PARTS: the calendars (a
# text/calendar part or an .ics attached) in it; a mail program sends one, or the same
# one twice. ANSWERS: the events in one of those calendars, counted before it is parsed;
# an answer to an invitation holds one. LINES: the lines of one of those calendars (after
# unfolding), counted before it is parsed: an answer has a few dozen, Outlook's with its
# time zones a hundred or two; a megabyte of short lines in one event took seconds to
# parse. ATTEMPTS: the mailbox's runs in a row whose
# handling of the same message failed on the database before it is set aside and passed
# by (the database down fails them all, and the next run tries again).
SAMTALE_CALENDAR_MAX_BYTES = envint("SAMTALE_CALENDAR_MAX_BYTES", 1024 * 1024)
SAMTALE_CALENDAR_MAX_PARTS = envint("SAMTALE_CALENDAR_MAX_PARTS", 5)
SAMTALE_CALENDAR_MAX_ANSWERS = envint("SAMTALE_CALENDAR_MAX_ANSWERS", 5)
SAMTALE_CALENDAR_MAX_LINES = envint("SAMTALE_CALENDAR_MAX_LINES", 1000)
SAMTALE_CALENDAR_MAX_ATTEMPTS = envint("SAMTALE_CALENDAR_MAX_ATTEMPTS", 3)
_calendar_limits = (
    SAMTALE_CALENDAR_MAX_BYTES,
    SAMTALE_CALENDAR_MAX_PARTS,
    SAMTALE_CALENDAR_MAX_ANSWERS,
    SAMTALE_CALENDAR_MAX_LINES,
    SAMTALE_CALENDAR_MAX_ATTEMPTS,
)
if min(_calendar_limits) < 1:
    raise ImproperlyConfigured("The SAMTALE_CALENDAR_MAX_* limits must be at least 1.")

# Background work: Django's tasks framework with a database-backed worker (`manage.py
# worker`: django-tasks-db's db_worker that outlasts a database restart), so any number of
# stateless web processes can enqueue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# How long the worker's record of a finished task is kept (core.jobs.tidy_tasks, hourly).
TASK_RESULTS_KEEP_DAYS = envint("TASK_RESULTS_KEEP_DAYS", 14)
# How long a message from outside that was set aside is remembered (core.setaside: the
# archive's answers not taken, refused mail to the calendar address; core.jobs, daily).
SAMTALE_SET_ASIDE_KEEP_DAYS = envint("SAMTALE_SET_ASIDE_KEEP_DAYS", 90)

# Health checks (core.health; docs/running/production.md). Each web process, worker and
# scheduler writes a heartbeat at most every SAMTALE_HEARTBEAT_SECONDS (0: none).
# /health/ready fails when a process named in SAMTALE_READY_REQUIRES ("worker",
# "scheduler", comma-separated; "none": neither) has not beaten within
# SAMTALE_HEARTBEAT_LIMIT_SECONDS. A laptop may run the web process alone, so DEBUG
# requires neither.
SAMTALE_HEARTBEAT_SECONDS = envint("SAMTALE_HEARTBEAT_SECONDS", 15)
SAMTALE_HEARTBEAT_LIMIT_SECONDS = envint("SAMTALE_HEARTBEAT_LIMIT_SECONDS", 60)
# A file each heartbeat also touches (empty: none): the container image's HEALTHCHECK of a
# worker or scheduler reads its age (containers/entrypoint.sh health).
SAMTALE_HEARTBEAT_FILE = os.environ.get("SAMTALE_HEARTBEAT_FILE", "")
SAMTALE_READY_REQUIRES = [
    name
    for name in envlist("SAMTALE_READY_REQUIRES", [] if DEBUG else ["worker", "scheduler"])
    if name != "none"
]
if not set(SAMTALE_READY_REQUIRES) <= {"worker", "scheduler"}:
    raise ImproperlyConfigured(
        'SAMTALE_READY_REQUIRES names "worker", "scheduler" or "none", comma-separated.'
    )
if SAMTALE_READY_REQUIRES and not 0 < SAMTALE_HEARTBEAT_SECONDS < SAMTALE_HEARTBEAT_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        "SAMTALE_READY_REQUIRES needs heartbeats: SAMTALE_HEARTBEAT_SECONDS above 0 and below "
        "SAMTALE_HEARTBEAT_LIMIT_SECONDS."
    )
# /health/ready fails when a task has waited for the worker longer than this (seconds), or
# a signed form has not reached the archive by the drop folder or Fiks Arkiv (or could not
# be rendered) this many minutes after signing.
SAMTALE_READY_TASK_WAIT_SECONDS = envint("SAMTALE_READY_TASK_WAIT_SECONDS", 600)
SAMTALE_READY_DELIVERY_MINUTES = envint("SAMTALE_READY_DELIVERY_MINUTES", 120)

# Metrics for Prometheus at /metrics (core.metrics; docs/running/production.md, "Metrics"):
# answered to a request with "Authorization: Bearer <SAMTALE_METRICS_TOKEN>" or from an
# address in SAMTALE_METRICS_NETWORKS (networks, e.g. 10.0.0.0/8,192.0.2.7, the client's
# address past TRUSTED_PROXIES); to anyone else 404. With neither set, to no one.
SAMTALE_METRICS_TOKEN = os.environ.get("SAMTALE_METRICS_TOKEN", "")
try:
    SAMTALE_METRICS_NETWORKS = [
        ipaddress.ip_network(item, strict=False) for item in envlist("SAMTALE_METRICS_NETWORKS", [])
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"SAMTALE_METRICS_NETWORKS: {error}") from None

# Follow-up: the digest lists actions due within ACTION_REMINDER_DAYS and overdue ones;
# nudges flag open actions untouched for STALE_ACTION_DAYS and a leader's talk-time
# share above TALK_SHARE_NUDGE_PERCENT (the guide's goal is 30).
ACTION_REMINDER_DAYS = envint("ACTION_REMINDER_DAYS", 7)
STALE_ACTION_DAYS = envint("STALE_ACTION_DAYS", 90)
TALK_SHARE_NUDGE_PERCENT = envint("TALK_SHARE_NUDGE_PERCENT", 45)

# The routine: every permanent employee has a signed conversation at least this often
# (months); HR is warned this many months before someone passes the limit.
SAMTALE_CONVERSATION_INTERVAL_MONTHS = envint("SAMTALE_CONVERSATION_INTERVAL_MONTHS", 24)
SAMTALE_CONVERSATION_WARNING_MONTHS = envint("SAMTALE_CONVERSATION_WARNING_MONTHS", 2)
# Figures computed from people's answers are shown only for groups of at least this many
# who answered (samtale.insight.anonymity); never fewer than 3.
SAMTALE_MIN_GROUP = envint("SAMTALE_MIN_GROUP", 5)
if SAMTALE_MIN_GROUP < 3:
    raise ImproperlyConfigured("SAMTALE_MIN_GROUP must be at least 3.")
# Days before a conversation both parties are reminded to prepare (a round sets its own).
SAMTALE_REMINDER_DAYS = envint("SAMTALE_REMINDER_DAYS", 3)
# Days after a step of a conversation was handed to someone (the summary to write, to comment
# on and approve, or to sign: an e-mail at that moment) that they are reminded of it, once,
# if they have not taken it (conversations.notices.step_reminders_due). Counted after the
# hand-off, where SAMTALE_REMINDER_DAYS counts before the meeting.
SAMTALE_STEP_REMINDER_DAYS = envint("SAMTALE_STEP_REMINDER_DAYS", 3)
# Busy times from people's own calendars (samtale.calendars): the scheduling assistant
# proposes no time when a leader's connected calendar is busy, and planning by hand warns.
# What was read (free/busy only) is cached SAMTALE_BUSY_CACHE_SECONDS; a calendar server
# has SAMTALE_BUSY_TIMEOUT_SECONDS to connect and between two parts of its answer.
# SAMTALE_BUSY_CA_BUNDLE: a PEM file of the certificate authorities to trust for calendar
# servers instead of the system's (a server with the organization's own certificates).
SAMTALE_BUSY_CACHE_SECONDS = envint("SAMTALE_BUSY_CACHE_SECONDS", 300)
SAMTALE_BUSY_TIMEOUT_SECONDS = envfloat("SAMTALE_BUSY_TIMEOUT_SECONDS", 4.0)
SAMTALE_BUSY_CA_BUNDLE = os.environ.get("SAMTALE_BUSY_CA_BUNDLE", "")
# What one calendar may take of Samtale (samtale/calendars/readers/limits.py), whatever its
# server sends: SAMTALE_BUSY_DEADLINE_SECONDS for the whole read, after which its connections
# are closed and the page, which waits as long and no longer, plans without it; at most
# SAMTALE_BUSY_MAX_BYTES in any one answer (every kind of calendar: ICS, CalDAV, Microsoft
# 365); at most SAMTALE_BUSY_MAX_EVENTS events (VEVENTs in an answer, and occurrences of
# recurring ones in the weeks read), since parsing and expanding 10,000 take 2-3 seconds of
# a process. Over a limit, nothing of the calendar is used, and the log says which limit.
SAMTALE_BUSY_DEADLINE_SECONDS = envfloat(
    "SAMTALE_BUSY_DEADLINE_SECONDS", 2 * SAMTALE_BUSY_TIMEOUT_SECONDS
)
SAMTALE_BUSY_MAX_BYTES = envint("SAMTALE_BUSY_MAX_BYTES", 5 * 1024 * 1024)
SAMTALE_BUSY_MAX_EVENTS = envint("SAMTALE_BUSY_MAX_EVENTS", 10_000)
# A calendar's address is a person's to give, and Samtale's server fetches it, so by default
# it refuses any whose name resolves to its own network: loopback, private, link-local,
# multicast, reserved and other addresses not on the internet, IPv4 and IPv6 (so nobody can
# probe the internal network, or a cloud's 169.254.169.254, through the calendar page).
# SAMTALE_BUSY_ALLOWED_NETWORKS: networks where calendars may nonetheless be read, as
# addresses or CIDRs, e.g. 10.20.0.0/16,2001:db8:5::/48 (the organization's own CalDAV or
# Exchange servers); empty: none. Microsoft 365's addresses (below) are not checked.
try:
    SAMTALE_BUSY_ALLOWED_NETWORKS = [
        ipaddress.ip_network(item, strict=False)
        for item in envlist("SAMTALE_BUSY_ALLOWED_NETWORKS", [])
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"SAMTALE_BUSY_ALLOWED_NETWORKS: {error}") from None
# The key that encrypts the saved calendar addresses and passwords (a Fernet key, made with
# `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`);
# empty: derived from SECRET_KEY, and then changing SECRET_KEY asks everyone to enter their
# calendar again (samtale/calendars/keys.py).
SAMTALE_BUSY_KEY = os.environ.get("SAMTALE_BUSY_KEY", "")
# Microsoft 365 calendars through Microsoft Graph's getSchedule: the app registration's
# directory (tenant) id, application (client) id and client secret in Entra ID
# (docs/integrating/calendar.md says what to register). All three empty: off. The two
# addresses are Microsoft's; only tests point them elsewhere.
SAMTALE_GRAPH_TENANT_ID = os.environ.get("SAMTALE_GRAPH_TENANT_ID", "")
SAMTALE_GRAPH_CLIENT_ID = os.environ.get("SAMTALE_GRAPH_CLIENT_ID", "")
SAMTALE_GRAPH_CLIENT_SECRET = os.environ.get("SAMTALE_GRAPH_CLIENT_SECRET", "")
SAMTALE_GRAPH_URL = os.environ.get("SAMTALE_GRAPH_URL", "https://graph.microsoft.com")
SAMTALE_GRAPH_AUTHORITY_URL = os.environ.get(
    "SAMTALE_GRAPH_AUTHORITY_URL", "https://login.microsoftonline.com"
)
# Where the accessibility statement asks people to report barriers (an e-mail address);
# empty: DEFAULT_FROM_EMAIL.
SAMTALE_ACCESSIBILITY_CONTACT = os.environ.get("SAMTALE_ACCESSIBILITY_CONTACT", "")

# The archive (samtale.archive). The organization's name on every signed follow-up form
# and in the Noark 5 package; empty: the name of the employee's top unit on the form, and
# of the one top unit (or the form's) as the archive creator.
SAMTALE_ORGANIZATION = os.environ.get("SAMTALE_ORGANIZATION", "")
# The organization number (organisasjonsnummer, 9 digits with a modulus 11 check digit):
# the one archive creator's id in the package, part of every systemID and of the personnel
# file's external key. Without it no package is made and nothing is filed (the archive
# queue says why; check --deploy warns); under DEBUG, a fictional number (315 987 652, from
# the synthetic range real numbers never use) for the demo.
SAMTALE_ORGANIZATION_NUMBER = os.environ.get(
    "SAMTALE_ORGANIZATION_NUMBER", "315987652" if DEBUG else ""
).replace(" ", "")


def _organization_number_valid(number: str) -> bool:
    if not re.fullmatch(r"[0-9]{9}", number):
        return False
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    check = 11 - sum(int(d) * w for d, w in zip(number[:8], weights, strict=True)) % 11
    return (0 if check == 11 else check) == int(number[8])


if SAMTALE_ORGANIZATION_NUMBER and not _organization_number_valid(SAMTALE_ORGANIZATION_NUMBER):
    raise ImproperlyConfigured(
        "SAMTALE_ORGANIZATION_NUMBER must be the 9 digits of the number, its last a valid "
        "modulus 11 check digit."
    )
# What the organization's archive classifies personnel files by: "employee_number", or
# "national_id" (the national identity number: then, and only then, Samtale stores it,
# from the administrator's person form, the import and SCIM; see samtale/org/national_id.py).
SAMTALE_ARCHIVE_PERSON_KEY = os.environ.get("SAMTALE_ARCHIVE_PERSON_KEY", "employee_number")
if SAMTALE_ARCHIVE_PERSON_KEY not in ("employee_number", "national_id"):
    raise ImproperlyConfigured(
        'SAMTALE_ARCHIVE_PERSON_KEY must be "employee_number" or "national_id".'
    )
# The message broker Fiks Arkiv's messages travel through on a broker of one's own (the
# archive simulator's, or a municipality's own RabbitMQ): archive.fiks.transport.
AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
# The screening of the personnel file and the form in the archive: the access code
# (tilgangsrestriksjon, as the archive's list names it) and the legal basis (skjermingshjemmel).
SAMTALE_ARCHIVE_ACCESS_CODE = os.environ.get("SAMTALE_ARCHIVE_ACCESS_CODE", "13")
SAMTALE_ARCHIVE_SCREENING_BASIS = os.environ.get(
    "SAMTALE_ARCHIVE_SCREENING_BASIS", "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
)
# How a signed form reaches the personnel file: "download" (the archive staff download each
# package from their queue and confirm it registered), "folder" (the worker writes each
# package into SAMTALE_ARCHIVE_FOLDER, e.g. a mounted share the archive system imports from)
# or "fiks" (the worker files it into the personnel file over Fiks Arkiv: SAMTALE_FIKS_*).
SAMTALE_ARCHIVE_CHANNEL = os.environ.get("SAMTALE_ARCHIVE_CHANNEL", "download")
if SAMTALE_ARCHIVE_CHANNEL not in ("download", "folder", "fiks"):
    raise ImproperlyConfigured('SAMTALE_ARCHIVE_CHANNEL must be "download", "folder" or "fiks".')
SAMTALE_ARCHIVE_FOLDER = os.environ.get("SAMTALE_ARCHIVE_FOLDER", "")
if SAMTALE_ARCHIVE_CHANNEL == "folder" and not SAMTALE_ARCHIVE_FOLDER:
    raise ImproperlyConfigured("SAMTALE_ARCHIVE_CHANNEL=folder needs SAMTALE_ARCHIVE_FOLDER.")
# The permissions of each package written into the drop folder, in octal: 0640 lets an
# importer that runs as another user of the folder's group read it (a new file would get
# 0600, readable by Samtale alone).
SAMTALE_ARCHIVE_FILE_MODE = os.environ.get("SAMTALE_ARCHIVE_FILE_MODE", "0640")
if not re.fullmatch(r"(0o?)?[0-7]{3}", SAMTALE_ARCHIVE_FILE_MODE):
    raise ImproperlyConfigured("SAMTALE_ARCHIVE_FILE_MODE must be an octal mode such as 0640.")
SAMTALE_ARCHIVE_FILE_MODE = int(SAMTALE_ARCHIVE_FILE_MODE[-3:], 8)
# After this many failed attempts at a delivery to the archive the archive staff and the
# administrators are told by e-mail, once while deliveries keep failing (it is tried again
# every 6 hours all the same, and shown at /arkiv/).
SAMTALE_ARCHIVE_ALERT_AFTER = envint("SAMTALE_ARCHIVE_ALERT_AFTER", 5)
if SAMTALE_ARCHIVE_ALERT_AFTER < 1:
    raise ImproperlyConfigured("SAMTALE_ARCHIVE_ALERT_AFTER must be at least 1.")
# Fiks Arkiv (SAMTALE_ARCHIVE_CHANNEL=fiks): Samtale's Fiks IO account id, its certificate
# and private key (PEM files), the archive's account id and certificate. On a laptop they
# default to the archive simulator's (`manage.py archive_simulator --setup` makes them in
# var/fiks/); in production each must be set.
FIKS_DIR = BASE_DIR / "var" / "fiks"
SAMTALE_FIKS_ACCOUNT = os.environ.get(
    "SAMTALE_FIKS_ACCOUNT", "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e01" if DEBUG else ""
)
SAMTALE_FIKS_CERTIFICATE = os.environ.get(
    "SAMTALE_FIKS_CERTIFICATE", str(FIKS_DIR / "samtale.crt") if DEBUG else ""
)
SAMTALE_FIKS_PRIVATE_KEY = os.environ.get(
    "SAMTALE_FIKS_PRIVATE_KEY", str(FIKS_DIR / "samtale.key") if DEBUG else ""
)
SAMTALE_FIKS_ARCHIVE_ACCOUNT = os.environ.get(
    "SAMTALE_FIKS_ARCHIVE_ACCOUNT", "9c4e2b17-3d8a-4f61-8a0e-7b5d2c9f4a02" if DEBUG else ""
)
SAMTALE_FIKS_ARCHIVE_CERTIFICATE = os.environ.get(
    "SAMTALE_FIKS_ARCHIVE_CERTIFICATE", str(FIKS_DIR / "arkiv.crt") if DEBUG else ""
)
if SAMTALE_ARCHIVE_CHANNEL == "fiks":
    _missing = [
        name
        for name in (
            "SAMTALE_FIKS_ACCOUNT",
            "SAMTALE_FIKS_CERTIFICATE",
            "SAMTALE_FIKS_PRIVATE_KEY",
            "SAMTALE_FIKS_ARCHIVE_ACCOUNT",
            "SAMTALE_FIKS_ARCHIVE_CERTIFICATE",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"SAMTALE_ARCHIVE_CHANNEL=fiks needs {', '.join(_missing)}.")
# The archive's classification system its personnel files are classified by (its own id,
# e.g. ANSATTNR or FNR), and the journalpost's type and status (the Fiks Arkiv code lists:
# X «Organinternt dokument uten oppfølging», J «Journalført»).
SAMTALE_FIKS_CLASSIFICATION = os.environ.get("SAMTALE_FIKS_CLASSIFICATION", "ANSATTNR")
SAMTALE_FIKS_JOURNALPOSTTYPE = os.environ.get("SAMTALE_FIKS_JOURNALPOSTTYPE", "X")
SAMTALE_FIKS_JOURNALSTATUS = os.environ.get("SAMTALE_FIKS_JOURNALSTATUS", "J")
# How long a message may wait for the archive: unanswered after this, it is sent again.
SAMTALE_FIKS_LIFETIME_MINUTES = envint("SAMTALE_FIKS_LIFETIME_MINUTES", 60)
# The largest answer taken from the Fiks account, in bytes as it arrives (encrypted): the
# archive's answers are a few small XML files; a larger one is set aside unopened.
SAMTALE_FIKS_MAX_ANSWER_BYTES = envint("SAMTALE_FIKS_MAX_ANSWER_BYTES", 10 * 1024 * 1024)

# Retention (samtale.privacy): a daily job deletes what the policy says is due, after the
# signed form has reached the personnel file, and never what HR has put on legal hold.
# Preparation notes (and the leader's checklist) go this many months after the conversation
# was signed; all that was written in the conversations of someone who has left goes this
# many years after they left (their end date, else the day they were deactivated). The
# conversations' dates and statuses, and every count and anonymous figure, stay.
SAMTALE_RETAIN_NOTES_MONTHS = envint("SAMTALE_RETAIN_NOTES_MONTHS", 12)
if not 1 <= SAMTALE_RETAIN_NOTES_MONTHS <= 600:
    raise ImproperlyConfigured("SAMTALE_RETAIN_NOTES_MONTHS must be between 1 and 600 (months).")
SAMTALE_RETAIN_LEAVERS_YEARS = envint("SAMTALE_RETAIN_LEAVERS_YEARS", 3)
if not 1 <= SAMTALE_RETAIN_LEAVERS_YEARS <= 50:
    raise ImproperlyConfigured("SAMTALE_RETAIN_LEAVERS_YEARS must be between 1 and 50 (years).")

# openpyxl writes workbooks through lxml when it is installed (the tests install it to
# validate Noark 5 packages); the same workbook, byte for byte, whether it is or not.
os.environ.setdefault("OPENPYXL_LXML", "False")

# Import limits: a payroll export of 50,000 people is a few MB.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
# Deactivations that stop for an administrator's confirmation: a full-list import that would
# deactivate more than this many people (or units) stops until the number is typed, and more
# deactivations than this from the identity provider (SCIM, the API) within an hour are held
# until an administrator confirms them. The limit is the larger of the two: a percentage of
# the active people, and a number.
SAMTALE_DEACTIVATION_LIMIT_PERCENT = envfloat("SAMTALE_DEACTIVATION_LIMIT_PERCENT", 5)
SAMTALE_DEACTIVATION_LIMIT_PEOPLE = envint("SAMTALE_DEACTIVATION_LIMIT_PEOPLE", 10)

# The log's form: "json", one JSON object a line for a log collector (the default without
# DEBUG), or "text", readable lines (the default with DEBUG). docs/running/production.md
# ("Logs") lists the fields.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured('LOG_FORMAT must be "json" or "text".')

# One line per event, on standard error: one access line per request with its id
# (samtale.core.requestlog), and a refused or missing page is that one line, not a traceback
# (logfilters.OneLinePerRequest). Django's own DEBUG console handler would print each
# django.* line a second time, and the dev server's line per request says what the access
# line says; on a laptop the worker's two lines per task (running, done) are left out, so a
# sent e-mail is one line (warnings and failed tasks still show). LOG_LEVEL: the lowest
# level written (DEBUG, INFO, WARNING, ERROR).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "samtale.core.logfilters.RequestId"},
        "one_line_per_request": {"()": "samtale.core.logfilters.OneLinePerRequest"},
        "quiet_tasks": {"()": "samtale.core.logfilters.QuietTaskProgress"},
        "quiet_start": {"()": "samtale.core.logfilters.QuietStartLines"},
    },
    "formatters": {
        "json": {"()": "samtale.core.logfilters.JsonFormatter"},
        "text": {"()": "samtale.core.logfilters.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "one_line_per_request"]
            + (["quiet_tasks", "quiet_start"] if DEBUG else []),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        # The dev server's lines reach the console handler like every other (its own
        # handler printed them apart, in a form of their own).
        "django.server": {"handlers": [], "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint's font handling tells of every glyph table it instantiates.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # The AMQP client tells of every connection it opens and closes, and logs a broker
        # that does not answer as errors in several lines: archive.fiks.transport says it
        # once, as Unavailable with the reason.
        "pika": {"level": "CRITICAL"},
    },
}

# The REST API and SCIM (samtale.api): tokens live at most API_TOKEN_MAX_DAYS and answer
# at most API_RATE_LIMIT_PER_MINUTE requests a minute each (429 beyond).
API_TOKEN_MAX_DAYS = envint("API_TOKEN_MAX_DAYS", 365)
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", 120)
# Whether every person may make API keys of their own (on their profile) and use them.
# Off, only HR and the administrators may: an employee's pages then say nothing of the
# API, and a key someone made while it was on stops working.
SAMTALE_API_KEYS_FOR_EVERYONE = envbool("SAMTALE_API_KEYS_FOR_EVERYONE", False)

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
    # "employee_number:<claim>" for a claim that carries the employee number).
    for name in envlist("SAMTALE_SSO", []):
        key = name.upper().replace("-", "_")
        missing = [
            f"SSO_{key}_{part}"
            for part in ("ISSUER", "CLIENT_ID", "SECRET")
            if not os.environ.get(f"SSO_{key}_{part}")
        ]
        if missing:
            raise ImproperlyConfigured(
                f"SAMTALE_SSO names {name!r}, but {', '.join(missing)} is not set."
            )
        link = os.environ.get(f"SSO_{key}_LINK", SSO_LINK_DEFAULT).strip()
        if link != "email" and not (link.startswith("employee_number:") and link.split(":", 1)[1]):
            raise ImproperlyConfigured(
                f"SSO_{key}_LINK must be 'email' or 'employee_number:<claim>', not {link!r}."
            )
        providers.append(
            {
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
        )
    return providers


SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": _sso_providers()}}
# Password sign-in can be turned off where everyone signs in with SSO.
SAMTALE_PASSWORD_SIGNIN = envbool("SAMTALE_PASSWORD_SIGNIN", True)
if not SAMTALE_PASSWORD_SIGNIN and not SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]:
    raise ImproperlyConfigured(
        "SAMTALE_PASSWORD_SIGNIN is off, but no SSO provider is set (SAMTALE_SSO)."
    )
# The sign-in form posts to Samtale, which sends the browser on to the provider: the
# providers' own addresses are allowed as where a form may lead.
SECURE_CSP["form-action"] = [
    CSP.SELF,
    *sorted(
        {
            "/".join(app["settings"]["server_url"].split("/")[:3])
            for app in SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
        }
    ),
]

# Two-factor (allauth.mfa): an authenticator app with recovery codes, and passkeys where the
# browser offers them. Required of HR, administrators and archive staff when
# SAMTALE_REQUIRE_MFA is on (the default in production); a provider's own second factor
# counts when its ID token says so (amr).
SAMTALE_REQUIRE_MFA = envbool("SAMTALE_REQUIRE_MFA", not DEBUG)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = os.environ.get("SAMTALE_ORGANIZATION") or "Samtale"
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
# An API request's body: JSON of a status and a comment, never an upload. Larger bodies are
# refused with 413 before they are read (DATA_UPLOAD_MAX_MEMORY_SIZE is the imports' limit).
API_MAX_BODY_BYTES = min(envint("API_MAX_BODY_BYTES", 64 * 1024), DATA_UPLOAD_MAX_MEMORY_SIZE)
