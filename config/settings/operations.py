"""Operations: e-mail, background work, health checks, metrics, imports, logs and the API."""

import os

from config.settings.base import BASE_DIR, DEBUG
from config.settings.env import (
    envbool,
    envchoice,
    envfloat,
    envint,
    envlist,
    envnetworks,
    envtenant,
    problem,
)
from samtale.tenancy import configurable as c

# E-mail: SMTP from the environment (EMAIL_HOST etc.). On a laptop (DEBUG without EMAIL_HOST)
# each message is written to DEV_MAIL_DIR as an .eml file with one line in the worker's log,
# and an administrator reads them at /utvikling/epost/ (only while DEBUG is on).
# E-mail carries links to access copies and codes: it leaves over TLS by default, STARTTLS
# on port 587 (EMAIL_USE_SSL=true: implicit TLS on 465), the server's certificate checked
# against the system's CAs (SSL_CERT_FILE names another bundle). Production refuses to send
# in clear unless the operator says so with EMAIL_ALLOW_CLEAR=true (a relay on this host).
DEV_MAIL_DIR = BASE_DIR / "var" / "mail"
_EMAIL_SSL = envbool("EMAIL_USE_SSL", False)
_EMAIL_TLS = envbool("EMAIL_USE_TLS", not _EMAIL_SSL)
EMAIL_ALLOW_CLEAR = envbool("EMAIL_ALLOW_CLEAR", False)
if _EMAIL_SSL and _EMAIL_TLS:
    problem(
        "samtale.E036",
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: one or the other.",
        "STARTTLS on 587: EMAIL_USE_TLS=true; implicit TLS on 465: EMAIL_USE_SSL=true.",
    )
elif not (DEBUG or _EMAIL_SSL or _EMAIL_TLS or EMAIL_ALLOW_CLEAR):
    problem(
        "samtale.E036",
        "EMAIL_USE_TLS and EMAIL_USE_SSL are off: e-mail, with its links and codes, would "
        "leave in clear.",
        "Use STARTTLS (EMAIL_USE_TLS=true, port 587) or implicit TLS (EMAIL_USE_SSL=true, port "
        "465); EMAIL_ALLOW_CLEAR=true only for a relay on this host.",
    )
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
                "port": envint("EMAIL_PORT", 465 if _EMAIL_SSL else 587 if _EMAIL_TLS else 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _EMAIL_TLS and not _EMAIL_SSL,
                "use_ssl": _EMAIL_SSL,
                "timeout": envint("EMAIL_TIMEOUT", 20),
            },
        }
    }
DEFAULT_FROM_EMAIL = envtenant(
    "DEFAULT_FROM_EMAIL",
    "Samtale <samtale@localhost>",
    kind=c.SENDER,
    own=True,
    required=True,
    account=True,
    code="samtale.E031",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the accessibility statement asks people to report barriers: the e-mail address of a
# person or a team who answers them, never Samtale's own sender or calendar address (E034).
# Empty: the statement says no contact is given yet. Each municipality's own.
SAMTALE_ACCESSIBILITY_CONTACT = envtenant(
    "SAMTALE_ACCESSIBILITY_CONTACT", "", kind=c.ADDRESS, own=True
)
# The day the municipality last checked Samtale's accessibility itself (2026-11-28), which its
# statement gives as its own; empty: the statement says it has not, and gives the day of
# Samtale's assessment alone. Each municipality's own.
SAMTALE_ACCESSIBILITY_CHECKED = envtenant(
    "SAMTALE_ACCESSIBILITY_CHECKED", "", kind=c.DATE, own=True
)
# The municipality's own accessibility statement for Samtale, once published on Uutilsynet's
# uustatus.no (https://uustatus.no/nb/erklaringer/publisert/…): Samtale's statement page
# links to it. Empty until then. Each municipality's own.
SAMTALE_ACCESSIBILITY_STATEMENT_URL = envtenant(
    "SAMTALE_ACCESSIBILITY_STATEMENT_URL", "", kind=c.URL, own=True
)

# The outbox (notifications.outbox): a worker that claims a message holds it for
# OUTBOX_LEASE_SECONDS; a claim older than that is a worker that died, and the message is
# sent again. The lease must outlast a whole send (EMAIL_TIMEOUT per SMTP step; a system
# check holds it to at least 4 × EMAIL_TIMEOUT). OUTBOX_SWEEP_SECONDS: how often the
# scheduler looks for such messages and for retries that are due.
OUTBOX_LEASE_SECONDS = envint("OUTBOX_LEASE_SECONDS", 300)
OUTBOX_SWEEP_SECONDS = envint("OUTBOX_SWEEP_SECONDS", 60)

# The engine that runs background work (docs/developing/decision-work-engine.md):
# "database", the worker polling every tenant's table (a laptop, SQLite, one tenant or a
# few); or "celery", each task's row relayed as a message naming its tenant to RabbitMQ
# (docs/running/work-engine.md), into a queue per kind of work, run by `manage.py
# engine_worker` processes. The tenant's table stays the record either way.
SAMTALE_WORK_ENGINE = envchoice("SAMTALE_WORK_ENGINE", "database", ("database", "celery"))
# The RabbitMQ of the Celery engine (empty: AMQP_URL's), and the start of its queues' names
# (the kind follows: samtale.mail), so that two installations can share a broker.
SAMTALE_WORK_BROKER_URL = os.environ.get("SAMTALE_WORK_BROKER_URL", "")
# The certificate authority that signed the RabbitMQ's certificate, for an amqps:// broker of
# one's own (SAMTALE_WORK_BROKER_URL, AMQP_URL): its certificate and host name are checked
# against it. Empty: against the system's CAs.
SAMTALE_BROKER_CA = os.environ.get("SAMTALE_BROKER_CA", "")
SAMTALE_WORK_QUEUE_PREFIX = os.environ.get("SAMTALE_WORK_QUEUE_PREFIX", "samtale.")
# Of every kind, at most this many of one tenant's tasks of one kind in the queue or running
# at a time; the rest wait in the tenant's table (work.engine.relay).
SAMTALE_WORK_FAIR_SHARE = envint("SAMTALE_WORK_FAIR_SHARE", 2, low=1)
# How often the workers sweep each tenant's table for rows whose worker is gone or whose
# message was never sent or lost (a second message for one row runs nothing twice). With
# the heartbeats below, a task whose worker died runs again within a minute: its worker
# silent for the limit (40 s, its last beat at most 10 s before it died), then the next
# sweep (20 s).
SAMTALE_WORK_SWEEP_SECONDS = envint("SAMTALE_WORK_SWEEP_SECONDS", 20, low=1)
SAMTALE_WORK_RESEND_SECONDS = envint("SAMTALE_WORK_RESEND_SECONDS", 900, low=1)

# Background work: Django's tasks framework with a database-backed worker (`manage.py
# worker`: django-tasks-db's db_worker that outlasts a database restart), so any number of
# stateless web processes can enqueue. With the Celery engine, django-tasks-db's backend
# that also relays each row to RabbitMQ when its transaction commits.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "samtale.work.engine.backend.RelayedBackend"
            if SAMTALE_WORK_ENGINE == "celery"
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# Health checks (core.health; docs/running/production.md). Each web process, worker and
# scheduler writes a heartbeat at most every SAMTALE_HEARTBEAT_SECONDS (0: none).
# /health/ready fails when a process named in SAMTALE_READY_REQUIRES ("worker",
# "scheduler", comma-separated; "none": neither) has not beaten within
# SAMTALE_HEARTBEAT_LIMIT_SECONDS. A laptop may run the web process alone, so DEBUG
# requires neither.
SAMTALE_HEARTBEAT_SECONDS = envint("SAMTALE_HEARTBEAT_SECONDS", 10)
SAMTALE_HEARTBEAT_LIMIT_SECONDS = envint("SAMTALE_HEARTBEAT_LIMIT_SECONDS", 40)
# A file each heartbeat also touches (empty: none): the container image's HEALTHCHECK of a
# worker or scheduler reads its age (containers/entrypoint.sh health).
SAMTALE_HEARTBEAT_FILE = os.environ.get("SAMTALE_HEARTBEAT_FILE", "")
_ready = envlist("SAMTALE_READY_REQUIRES", [] if DEBUG else ["worker", "scheduler"])
SAMTALE_READY_REQUIRES = [name for name in _ready if name in ("worker", "scheduler")]
if not set(_ready) <= {"worker", "scheduler", "none"}:
    problem(
        "samtale.E012",
        'SAMTALE_READY_REQUIRES names "worker", "scheduler" or "none", comma-separated, not '
        f"{','.join(_ready)!r}.",
    )
if SAMTALE_READY_REQUIRES and not 0 < SAMTALE_HEARTBEAT_SECONDS < SAMTALE_HEARTBEAT_LIMIT_SECONDS:
    problem(
        "samtale.E018",
        "SAMTALE_READY_REQUIRES needs heartbeats: SAMTALE_HEARTBEAT_SECONDS above 0 and below "
        "SAMTALE_HEARTBEAT_LIMIT_SECONDS.",
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
SAMTALE_METRICS_NETWORKS = envnetworks("SAMTALE_METRICS_NETWORKS")

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
LOG_FORMAT = envchoice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))

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
SAMTALE_API_KEYS_FOR_EVERYONE = envtenant("SAMTALE_API_KEYS_FOR_EVERYONE", False, kind=c.YESNO)
# An API request's body: JSON of a status and a comment, never an upload. Larger bodies are
# refused with 413 before they are read (DATA_UPLOAD_MAX_MEMORY_SIZE is the imports' limit).
API_MAX_BODY_BYTES = min(envint("API_MAX_BODY_BYTES", 64 * 1024), DATA_UPLOAD_MAX_MEMORY_SIZE)
