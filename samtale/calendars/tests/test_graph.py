"""Microsoft 365 through Microsoft Graph's getSchedule, against a local HTTPS server that
plays Entra ID's discovery and token endpoints and answers getSchedule from a recorded
answer (graph_getschedule.json, in the shape Microsoft documents, subjects and places
included): the real services cannot be reached from here. msal does the client
credentials flow against it as it would against login.microsoftonline.com."""

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest

from samtale.calendars.readers import base, graph, read
from samtale.calendars.readers.base import Interval, Source, Unreadable
from testkit.calendars import Answer, graph_routes, http_server
from testkit.tls import make_tls

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 30, tzinfo=OSLO)
END = datetime(2026, 12, 14, tzinfo=OSLO)
TENANT = "5f0a7c1e-0000-4000-8000-000000000001"
RECORDED = (Path(__file__).parent / "graph_getschedule.json").read_bytes()
MAILBOX = "kari.nordmann@kommune.example"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def microsoft(tls, settings):
    """Entra ID and Graph on loopback over HTTPS, trusted through SAMTALE_BUSY_CA_BUNDLE;
    the settings an administrator gives, pointed at it."""
    schedule = Answer(200, RECORDED, {"Content-Type": "application/json"})
    with http_server(graph_routes(TENANT, schedule), tls=tls) as server:
        settings.SAMTALE_BUSY_CA_BUNDLE = str(tls.ca)
        settings.SAMTALE_GRAPH_TENANT_ID = TENANT
        settings.SAMTALE_GRAPH_CLIENT_ID = "11111111-2222-3333-4444-555555555555"
        settings.SAMTALE_GRAPH_CLIENT_SECRET = "hemmelig-klienthemmelighet"
        settings.SAMTALE_GRAPH_URL = server.url
        settings.SAMTALE_GRAPH_AUTHORITY_URL = server.url
        graph._apps.clear()
        yield server
        graph._apps.clear()


def test_get_schedule_gives_the_busy_away_and_tentative_times(microsoft):
    found = read(Source("graph", mailbox=MAILBOX), START, END)
    assert found == [
        Interval(utc(2026, 11, 30, 8), utc(2026, 11, 30, 9)),  # busy
        Interval(utc(2026, 12, 1, 7), utc(2026, 12, 1, 15)),  # away (oof)
        Interval(utc(2026, 12, 2, 12), utc(2026, 12, 2, 13, 30)),  # tentative
        # free and working elsewhere are not busy
        Interval(utc(2026, 12, 7, 8), utc(2026, 12, 7, 9, 30)),
    ]
    assert "Budsjett" not in repr(found) and "Rådhuset" not in repr(found)


def test_samtale_signs_in_with_client_credentials_and_asks_for_the_window_in_utc(microsoft):
    read(Source("graph", mailbox=MAILBOX), START, END)
    token = next(s for s in microsoft.seen if s[1].endswith("/oauth2/v2.0/token"))
    form = parse_qs(token[3].decode())
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_id"] == ["11111111-2222-3333-4444-555555555555"]
    assert form["scope"] == [f"{microsoft.url}/.default"]
    [method, path, headers, body] = next(s for s in microsoft.seen if "getSchedule" in s[1])
    assert (method, path) == ("POST", f"/v1.0/users/{MAILBOX}/calendar/getSchedule")
    assert headers["Prefer"] == 'outlook.timezone="UTC"'
    assert json.loads(body) == {
        "schedules": [MAILBOX],
        "startTime": {"dateTime": "2026-11-29T23:00:00", "timeZone": "UTC"},
        "endTime": {"dateTime": "2026-12-13T23:00:00", "timeZone": "UTC"},
        "availabilityViewInterval": 15,
    }


def test_the_token_is_kept_and_used_again(microsoft):
    read(Source("graph", mailbox=MAILBOX), START, END)
    read(Source("graph", mailbox="leif@kommune.example"), START, END)
    tokens = [s for s in microsoft.seen if s[1].endswith("/token")]
    schedules = [s for s in microsoft.seen if "getSchedule" in s[1]]
    assert (len(tokens), len(schedules)) == (1, 2)


def test_the_operators_graph_address_is_not_checked_for_internal_networks(microsoft, settings):
    """SAMTALE_GRAPH_URL and SAMTALE_GRAPH_AUTHORITY_URL are the operator's, not a person's
    (readers.guard): read from loopback here with nothing allowed."""
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = []
    assert read(Source("graph", mailbox=MAILBOX), START, END)


def _failure(source=None) -> Unreadable:
    with pytest.raises(Unreadable) as failed:
        read(source or Source("graph", mailbox=MAILBOX), START, END)
    return failed.value


def test_without_the_settings_microsoft_365_is_not_set_up(settings):
    settings.SAMTALE_GRAPH_CLIENT_ID = ""
    assert _failure().code == base.NOT_CONFIGURED


def test_a_refused_client_secret_is_an_authorization_failure(microsoft):
    microsoft.routes[("POST", f"/{TENANT}/oauth2/v2.0/token")] = Answer(
        401,
        b'{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}',
        {"Content-Type": "application/json"},
    )
    assert _failure().code == base.AUTH


def test_a_token_graph_refuses_is_an_authorization_failure(microsoft):
    microsoft.routes[("POST", "*")] = Answer(403, b'{"error": {"code": "ErrorAccessDenied"}}')
    assert _failure().code == base.AUTH


def test_a_mailbox_graph_does_not_know_is_not_found(microsoft):
    unknown = {
        "value": [
            {
                "scheduleId": "ingen@kommune.example",
                "error": {"message": "The specified object was not found.", "responseCode": "404"},
            }
        ]
    }
    microsoft.routes[("POST", "*")] = Answer(200, json.dumps(unknown).encode())
    assert _failure().code == base.NOT_FOUND


@pytest.mark.parametrize("body", [b"<html>Service Unavailable</html>", b'{"value": "x"}', b"{}"])
def test_an_answer_that_is_not_a_schedule_is_unreadable(microsoft, body):
    microsoft.routes[("POST", "*")] = Answer(200, body)
    assert _failure().code == base.NOT_CALENDAR


def test_an_unknown_certificate_is_refused(microsoft, settings):
    settings.SAMTALE_BUSY_CA_BUNDLE = ""
    graph._apps.clear()
    assert _failure().code in (base.UNREACHABLE, base.NOT_CONFIGURED)
