"""One line per request in the log, with its id, and no traceback for a refused or missing
page (samtale.core.requestlog, samtale.core.logfilters)."""

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from samtale.core.logfilters import JsonFormatter, OneLinePerRequest, RequestId, TextFormatter

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
ACCESS = "samtale.request"


def says_something(request):
    logging.getLogger("samtale.somewhere").warning("something to say")
    return HttpResponse("ok")


# A URLconf of one view that logs a line of its own (settings.ROOT_URLCONF = __name__).
urlpatterns = [path("sier/", says_something, name="says_something")]


def _console() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if h.get_name() == "console")


@pytest.fixture
def log():
    """The lines the configured console handler would write (its filters and, without
    DEBUG as in the tests, its JSON formatter), parsed: log() -> [dict, …]."""
    console = _console()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for found in console.filters:
        handler.addFilter(found)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_the_console_writes_json_without_debug():
    assert isinstance(_console().formatter, JsonFormatter)


def test_it_gives_each_response_a_new_request_id(client_for):
    first = client_for("employee").get(reverse("home"))
    second = client_for("employee").get(reverse("home"))
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_it_keeps_a_safe_request_id_from_the_proxy(client_for, log):
    response = client_for("employee").get(reverse("home"), headers={"X-Request-ID": "abc-123.x_Y"})
    assert response["X-Request-ID"] == "abc-123.x_Y"
    assert [line["request_id"] for line in log()] == ["abc-123.x_Y"]


@pytest.mark.parametrize("given", ["two words", "a" * 65, "x\ny", "<script>", "ø"])
def test_it_replaces_an_unsafe_request_id(client_for, log, given):
    response = client_for("employee").get(reverse("home"), headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given and len(response["X-Request-ID"]) == 32
    assert [line["request_id"] for line in log()] == [response["X-Request-ID"]]


def test_the_access_line_names_the_person_by_id_only(client_for, people, log):
    response = client_for("employee").get(reverse("home"), REMOTE_ADDR="192.0.2.7")
    [line] = log()
    assert line["logger"] == ACCESS and line["level"] == "INFO"
    assert {k: line[k] for k in ("method", "path", "view", "status", "person_id", "client_ip")} == {
        "method": "GET",
        "path": reverse("home"),
        "view": "home",
        "status": 200,
        "person_id": people.employee.pk,
        "client_ip": "192.0.2.7",
    }
    assert line["request_id"] == response["X-Request-ID"]
    assert isinstance(line["duration_ms"], float)
    assert line["time"].endswith("Z")
    raw = json.dumps(line)
    employee = people.employee
    assert not [
        word for word in (employee.email, employee.first_name, employee.last_name) if word in raw
    ]


def test_an_anonymous_request_has_no_person(client_for, log):
    client_for("anonymous").get(reverse("login"))
    [line] = log()
    assert "person_id" not in line and line["status"] == 200


def test_the_client_address_is_the_one_past_the_trusted_proxies(client_for, settings, log):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.5")]
    client_for("employee").get(
        reverse("home"), REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert [line["client_ip"] for line in log()] == ["203.0.113.9"]


def test_the_query_string_is_not_logged(client_for, log):
    client_for("admin").get(reverse("person_list"), {"q": "Kari Nordmann"})
    [line] = log()
    assert line["path"] == reverse("person_list")
    assert "Kari" not in json.dumps(line)


def test_a_key_in_the_path_is_logged_as_the_routes_pattern(client_for, log):
    client_for("anonymous").get(reverse("password_reset_old_address", args=["secret-key-123"]))
    [line] = log()
    assert line["path"] == "/passord/bekreft/<str:token>/"
    assert "secret-key-123" not in json.dumps(line)


def test_a_refusal_is_one_line_without_a_traceback(client_for, log):
    response = client_for("employee").get(reverse("person_create"))
    assert response.status_code == 403
    [line] = log()
    assert (line["logger"], line["level"], line["status"]) == (ACCESS, "WARNING", 403)
    assert line["view"] == "person_create"
    assert "traceback" not in line


@pytest.mark.parametrize(
    "path", ["/finnes-ikke/", reverse("conversation_detail", args=[999999])], ids=["no-url", "view"]
)
def test_a_missing_page_is_one_line_without_a_traceback(client_for, log, path):
    response = client_for("leader").get(path)
    assert response.status_code == 404
    [line] = log()
    assert (line["logger"], line["status"], line["path"]) == (ACCESS, 404, path)
    assert "traceback" not in line


def test_a_server_error_keeps_its_traceback_in_one_object(people, settings, log):
    settings.ROOT_URLCONF = "samtale.core.tests.crash_urls"
    client = Client(raise_request_exception=False)
    client.force_login(people.employee)
    response = client.get("/krasj/")
    assert response.status_code == 500
    error, access = log()
    assert error["logger"] == "django.request" and error["level"] == "ERROR"
    assert "RuntimeError: a real error" in error["traceback"]
    assert error["request_id"] == access["request_id"] == response["X-Request-ID"]
    assert (access["logger"], access["status"], access["view"]) == (ACCESS, 500, "crash")


def test_a_line_logged_during_the_request_carries_its_id(client, settings, log):
    settings.ROOT_URLCONF = __name__
    response = client.get("/sier/")
    said, access = log()
    assert said["message"] == "something to say" and said["logger"] == "samtale.somewhere"
    assert said["request_id"] == access["request_id"] == response["X-Request-ID"]
    assert access["view"] == "says_something"


@pytest.mark.parametrize("path", ["/helse/", "/health/live"])
def test_a_health_check_is_logged_at_debug(client, log, path):
    response = client.get(path)
    assert response.status_code == 200 and response["X-Request-ID"]
    assert log() == []


def test_outside_a_request_a_line_has_no_request_id(log):
    logging.getLogger("samtale.somewhere").warning("from the worker")
    [line] = log()
    assert "request_id" not in line and line["message"] == "from the worker"


def _record(name, level, message, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord(name, level, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_a_client_error_outside_the_access_line_keeps_its_message_but_not_its_traceback():
    try:
        raise ValueError("the client's mistake")
    except ValueError:
        exc_info = sys.exc_info()
    record = _record("django.security.csrf", logging.WARNING, "Forbidden (CSRF)", status_code=403)
    record.exc_info = exc_info
    kept = OneLinePerRequest().filter(record)
    assert kept.getMessage() == "Forbidden (CSRF)" and kept.exc_info is None
    assert record.exc_info is exc_info  # another handler still has it


def test_the_dev_servers_own_request_lines_are_left_out_but_a_missing_static_file():
    def line(request_line, status):
        return _record(
            "django.server",
            logging.INFO,
            '"%s" %s %s',
            request_line,
            str(status),
            "10",
            status_code=status,
        )

    one_line = OneLinePerRequest()
    assert not one_line.filter(line("GET /samtaler/ HTTP/1.1", 200))
    assert not one_line.filter(line("GET /samtaler/ HTTP/1.1", 404))
    assert not one_line.filter(line("GET /static/app.css HTTP/1.1", 200))
    assert one_line.filter(line("GET /static/gone.css HTTP/1.1", 404))
    https = _record("django.server", logging.ERROR, "You're accessing …", status_code=500)
    assert one_line.filter(https)


def test_the_readable_line_ends_with_the_access_lines_fields():
    record = _record(
        ACCESS,
        logging.INFO,
        "%s %s %s %.0fms",
        "GET",
        "/samtaler/",
        200,
        12.3,
        view="conversation_list",
        person_id=7,
        client_ip="192.0.2.7",
    )
    RequestId().filter(record)
    text = TextFormatter().format(record)
    assert "\n" not in text
    assert text.endswith(
        "INFO samtale.request GET /samtaler/ 200 12ms view=conversation_list person_id=7 "
        "client_ip=192.0.2.7"
    )


def _process_log(message: str, **env) -> subprocess.CompletedProcess:
    code = f"import django, logging; django.setup(); logging.getLogger('samtale.x').warning({message!r})"
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 30 + "-production-secret-0123456789abcdef",
        "ALLOWED_HOSTS": "samtale.example.no",
        "SITE_URL": "https://samtale.example.no",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**production, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_logs_ascii_json_and_log_format_text_makes_it_readable():
    written = _process_log("Hei p\u00e5 deg").stderr
    assert written.isascii() and written.count("\n") == 1
    line = json.loads(written)
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "samtale.x",
        "Hei p\u00e5 deg",
    )
    text = _process_log("Hei", LOG_FORMAT="text").stderr
    assert text.strip().endswith(" WARNING samtale.x Hei") and text.count("\n") == 1
