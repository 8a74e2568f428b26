"""Logging filters and formatters named in settings.LOGGING.

Logging is configured before the apps load: nothing here imports the app's modules, and
Django's settings only when a line is written.
"""

import copy
import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The id of the request being served (samtale.core.requestlog.RequestLogMiddleware); empty
# outside a request (the worker, commands).
request_id_var: ContextVar[str] = ContextVar("samtale_request_id", default="")

# What a log line may carry besides its time, level, logger and message, in this order: the
# access line's fields (requestlog) and Django's own status_code. Named, not "every extra":
# Django hands its loggers the whole request (whose repr has the query string, where a
# search for a person's name is), and the dev server its socket.
FIELDS = ("request_id", "method", "path", "view", "status", "duration_ms", "person_id", "client_ip")
# The readable line ends with those its message does not already say.
TEXT_FIELDS = ("view", "person_id", "client_ip", "request_id")


class QuietTaskProgress(logging.Filter):
    """Leaves out the task framework's progress lines ("state=RUNNING", "state=SUCCESSFUL"):
    two a task, so on a laptop a sent e-mail would take three lines instead of one.
    Warnings and failed tasks (logged as errors) pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.tasks" and record.levelno < logging.WARNING)


class QuietStartLines(logging.Filter):
    """Leaves out two start-up lines that tell a laptop's terminal nothing: the reloader's
    "Watching for file changes with StatReloader" (the dev server and the worker each say
    it) and the worker's "Starting worker worker_id=… queues=…". A reload ("… changed,
    reloading") and the worker's warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.utils.autoreload":
            return not str(record.msg).startswith("Watching for file changes")
        if record.name == "django_tasks_db" and record.levelno < logging.WARNING:
            return not str(record.msg).startswith("Starting worker")
        return True


class RequestId(logging.Filter):
    """Every line logged while a request is served carries its id, whichever logger wrote
    it. Django logs an answer of 400 or more after the middleware has finished: that line
    finds the id on the request it is handed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            request = getattr(record, "request", None)
            record.request_id = request_id_var.get() or getattr(request, "request_id", "")
        return True


class OneLinePerRequest(logging.Filter):
    """A refused or missing page is one line, the access line, not a traceback.

    Django logs every answer of 400 or more on `django.request`, and a PermissionDenied with
    its whole traceback: for a request the access line has logged, that line is left out
    (the access line has the status). Any other line about a 4xx (a refused CSRF token, a
    host not in ALLOWED_HOSTS) keeps its message without the traceback: the client's
    mistake, not the code's. An exception (a 500) keeps its traceback; a 5xx a view answered
    on purpose (a failing readiness check's 503) is the access line alone.

    The dev server's own line per request ("GET /x HTTP/1.1" 200) is left out too, but for
    a static file it could not find: those never reach the middleware.
    """

    def filter(self, record: logging.LogRecord) -> bool | logging.LogRecord:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int):
            return True
        if record.name == "django.server":
            path = _dev_server_path(record)
            return path is None or (status >= 400 and path.startswith(_static_url()))
        if status >= 500 and (record.exc_info or record.exc_text):
            return True  # an exception: its traceback is what the operator needs
        if record.name == "django.request" and getattr(
            getattr(record, "request", None), "request_id", None
        ):
            return False
        if record.exc_info or record.exc_text:
            record = copy.copy(record)  # other handlers may still want the traceback
            record.exc_info = record.exc_text = None
        return record


def _dev_server_path(record: logging.LogRecord) -> str | None:
    """The path of the dev server's request line ("GET /static/x.css HTTP/1.1" 404 179), or
    None for its other lines (a browser speaking HTTPS to it, a broken pipe)."""
    if not isinstance(record.args, tuple) or len(record.args) != 3:
        return None
    parts = str(record.args[0]).split()
    return parts[1] if len(parts) == 3 else None


def _static_url() -> str:
    from django.conf import settings

    return settings.STATIC_URL or "/static/"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = {name: getattr(record, name, None) for name in FIELDS}
    if fields["status"] is None:
        fields["status"] = getattr(record, "status_code", None)
    return {name: value for name, value in fields.items() if value not in (None, "")}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector (production's default, LOG_FORMAT=json):

    {"time": "2026-03-02T08:15:04.120Z", "level": "INFO", "logger": "samtale.request",
     "message": "GET /samtaler/12/ 200", "request_id": "…", "method": "GET", …}

    The time is UTC; a traceback is one field ("traceback"), so a 500 stays one object.
    ASCII only: "ø" is written \\u00f8, and no terminal or collector's encoding can break a
    line.
    """

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line = {
            "time": created.removesuffix("+00:00") + "Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """A readable line (the laptop's default, LOG_FORMAT=text): time, level, logger, the
    message, then view=, person_id=, client_ip= and request_id= where the line has them."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        tail = "".join(f" {name}={fields[name]}" for name in TEXT_FIELDS if name in fields)
        return super().formatMessage(record) + tail
