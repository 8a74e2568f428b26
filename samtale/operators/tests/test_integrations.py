"""A registered municipality's integrations work as the home one's, each with its own
settings, never the home tenant's: its identity providers in its pages' CSP, its Microsoft
365 and CalDAV busy times with its own credentials and key (read in a pool's threads), and
its invitations from its own sender and calendar address."""

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar

from samtale import tenancy
from samtale.calendars import keys, selectors
from samtale.calendars import services as calendars
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import graph
from samtale.calendars.readers.base import Interval
from samtale.calendars.tests import fixtures
from samtale.calendars.tests.fixtures import CALDAV_USERS, calendar_name
from samtale.calendars.tests.test_caldav import EVENTS, EXPECTED
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.operators import services
from samtale.operators.tests.conftest import HOST, SENDER, planned_conversation
from testkit.calendars import Answer
from testkit.people import make_people
from testkit.tls import make_tls

pytestmark = pytest.mark.django_db(databases=["default", "control"])

# The calendar tests' real servers, and loopback allowed for them (autouse).
radicale_server = fixtures.radicale_server
radicale = fixtures.radicale
_fresh_cache = fixtures._fresh_cache

OSLO = ZoneInfo("Europe/Oslo")


def _policy(response) -> dict[str, list[str]]:
    """The response's CSP, directive → sources (a nonce, new each time, as "'nonce'")."""
    return {
        part.split()[0]: [
            "'nonce'" if source.startswith("'nonce-") else source for source in part.split()[1:]
        ]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def _provider(provider_id: str, server_url: str) -> dict:
    return {
        "provider_id": provider_id,
        "name": provider_id,
        "client_id": f"{provider_id}-client",
        "secret": f"{provider_id}-secret",
        "settings": {"server_url": server_url},
    }


def test_its_identity_providers_are_where_its_pages_forms_may_lead_and_no_one_elses(
    nordvik, hosts, settings
):
    settings.SAMTALE_SSO_PROVIDERS = [_provider("fjordvik-id", "https://id.fjordvik.example/x")]
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_SSO_PROVIDERS": json.dumps(
                [_provider("nordvik-id", "https://id.nordvik.example/o")]
            )
        },
    )
    try:
        theirs = Client(HTTP_HOST=HOST).get("/logg-inn/")
        ours = Client().get("/logg-inn/")
        assert "nordvik-id" in theirs.text and "fjordvik-id" not in theirs.text
        assert _policy(theirs)["form-action"] == ["'self'", "https://id.nordvik.example"]
        assert _policy(ours)["form-action"] == ["'self'", "https://id.fjordvik.example"]
        # Every other directive is the installation's.
        assert {k: v for k, v in _policy(theirs).items() if k != "form-action"} == {
            k: v for k, v in _policy(ours).items() if k != "form-action"
        }
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_SSO_PROVIDERS": ""})
    assert _policy(Client(HTTP_HOST=HOST).get("/logg-inn/"))["form-action"] == ["'self'"]


# Microsoft 365 -------------------------------------------------------------------------------

HOME_ENTRA, NORDVIK_ENTRA = (
    "5f0a7c1e-0000-4000-8000-000000000001",
    "5f0a7c1e-0000-4000-8000-000000000002",
)


def _schedule(start: str, end: str) -> bytes:
    item = {
        "status": "busy",
        "start": {"dateTime": start, "timeZone": "UTC"},
        "end": {"dateTime": end, "timeZone": "UTC"},
    }
    return json.dumps({"value": [{"scheduleId": "x", "scheduleItems": [item]}]}).encode()


def _entra_and_graph(server) -> None:
    """Two organizations' Entra ID on one loopback server, each issuing its own token, and
    Graph answering each token with that organization's own busy time."""
    for entra, token, busy in (
        (HOME_ENTRA, "home-token", ("2026-12-01T08:00:00", "2026-12-01T09:00:00")),
        (NORDVIK_ENTRA, "nordvik-token", ("2026-12-01T10:00:00", "2026-12-01T11:00:00")),
    ):
        server.routes[("GET", f"/{entra}/v2.0/.well-known/openid-configuration")] = _discovery(
            entra
        )
        server.routes[("POST", f"/{entra}/oauth2/v2.0/token")] = _issuer(token)
        server.routes.setdefault("schedules", {})[f"Bearer {token}"] = _schedule(*busy)

    def get_schedule(handler, _body):
        answer = server.routes["schedules"].get(handler.headers.get("Authorization"))
        if answer is None:
            return Answer(401, b'{"error": {"code": "InvalidAuthenticationToken"}}')
        return Answer(200, answer, {"Content-Type": "application/json"})

    server.routes[("POST", "*")] = get_schedule


def _discovery(entra):
    def answer(handler, _body):
        base = f"https://{handler.headers['Host']}/{entra}"
        body = {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
        }
        return Answer(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

    return answer


def _issuer(token):
    def answer(_handler, body):
        issued = {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
        return Answer(200, json.dumps(issued).encode(), {"Content-Type": "application/json"})

    return answer


@pytest.fixture
def microsoft(tmp_path_factory, settings):
    from testkit.calendars import http_server

    tls = make_tls(tmp_path_factory.mktemp("tls"))
    with http_server(tls=tls) as server:
        _entra_and_graph(server)
        # The installation's: where Microsoft is (only tests point elsewhere), whom to trust.
        settings.SAMTALE_BUSY_CA_BUNDLE = str(tls.ca)
        settings.SAMTALE_GRAPH_URL = server.url
        settings.SAMTALE_GRAPH_AUTHORITY_URL = server.url
        # The home municipality's own registration.
        settings.SAMTALE_GRAPH_TENANT_ID = HOME_ENTRA
        settings.SAMTALE_GRAPH_CLIENT_ID = "home-client"
        settings.SAMTALE_GRAPH_CLIENT_SECRET = "home-secret"
        graph._apps.clear()
        yield server
        graph._apps.clear()


def test_its_microsoft_365_busy_times_are_read_with_its_own_registration(
    nordvik, in_nordvik, microsoft
):
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_GRAPH_TENANT_ID": NORDVIK_ENTRA,
            "SAMTALE_GRAPH_CLIENT_ID": "nordvik-client",
            "SAMTALE_GRAPH_CLIENT_SECRET": "nordvik-secret",
        },
    )
    try:
        with in_nordvik():
            leader = make_people().leader
            calendars.connection_save(actor=leader, person=leader, kind="graph")
            start = datetime(2026, 12, 1, 8, tzinfo=OSLO)
            # Read in the pool's threads (calendars.selectors.read_now), each in Nordvik.
            busy = selectors.busy_times(
                person_ids=[leader.pk], start=start, end=start + timedelta(hours=6)
            )
            connection = CalendarConnection.objects.get()
        assert busy.intervals[leader.pk] == [
            Interval(datetime(2026, 12, 1, 10, tzinfo=UTC), datetime(2026, 12, 1, 11, tzinfo=UTC))
        ]
        assert connection.last_error == ""
        tokens = [s for s in microsoft.seen if s[1].endswith("/token")]
        assert [s[1].split("/")[1] for s in tokens] == [NORDVIK_ENTRA]
        assert parse_qs(tokens[0][3].decode())["client_id"] == ["nordvik-client"]
    finally:
        services.tenant_configure(
            "nordvik",
            {
                "SAMTALE_GRAPH_TENANT_ID": "",
                "SAMTALE_GRAPH_CLIENT_ID": "",
                "SAMTALE_GRAPH_CLIENT_SECRET": "",
            },
        )


def test_without_its_own_registration_it_reads_no_one_elses(nordvik, in_nordvik, microsoft):
    """The home municipality's Entra ID registration is never a registered tenant's: a
    Microsoft 365 calendar is refused, and one connected while it had its own is read with
    none."""
    with in_nordvik():
        leader = make_people().leader
        with pytest.raises(DomainError, match="Microsoft 365 er ikke satt opp"):
            calendars.connection_save(actor=leader, person=leader, kind="graph")
        CalendarConnection.objects.create(person=leader, kind="graph")
        start = datetime(2026, 12, 1, 8, tzinfo=OSLO)
        selectors.busy_times(person_ids=[leader.pk], start=start, end=start + timedelta(hours=6))
        connection = CalendarConnection.objects.get()
    assert connection.last_error != "" and connection.last_read_at is None
    assert microsoft.seen == []


# CalDAV ---------------------------------------------------------------------------------------


def test_its_caldav_busy_times_are_read_and_its_passwords_kept_with_its_own_key(
    nordvik, in_nordvik, radicale, settings
):
    from cryptography.fernet import Fernet

    services.tenant_configure("nordvik", {"SAMTALE_BUSY_KEY": Fernet.generate_key().decode()})
    try:
        url = radicale.make_calendar("kari", calendar_name(), EVENTS)
        with in_nordvik():
            leader = make_people().leader
            calendars.connection_save(
                actor=leader,
                person=leader,
                kind="caldav",
                url=url,
                username="kari",
                password=CALDAV_USERS["kari"],
            )
            start = datetime(2026, 11, 30, tzinfo=OSLO)
            busy = selectors.busy_times(
                person_ids=[leader.pk], start=start, end=datetime(2026, 12, 14, tzinfo=OSLO)
            )
            stored = CalendarConnection.objects.get().password
        assert busy.intervals[leader.pk] == EXPECTED
        # Its key, not the installation's: the home tenant cannot read the password.
        with pytest.raises(keys.Undecryptable):
            keys.decrypt(stored)
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_BUSY_KEY": ""})


# Invitations ------------------------------------------------------------------------------------


def test_its_invitations_come_from_its_own_sender_and_calendar_address(
    nordvik, in_nordvik, settings
):
    settings.DEFAULT_FROM_EMAIL = "Fjordvik kommune <samtale@fjordvik.example>"
    settings.SAMTALE_CALENDAR_ADDRESS = "kalender@fjordvik.example"
    services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_ADDRESS": "kalender@nordvik.example"})
    try:
        with in_nordvik():
            people = make_people()
            conversation = planned_conversation(people)
            mail.outbox.clear()
            # Nordvik's database is not in the test's transaction: sent at its commit.
            lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_ADDRESS": ""})
    assert mail.outbox, "no invitation was sent"
    for sent in mail.outbox:
        assert "kalender@nordvik.example" in sent.from_email
        raw = sent.message().as_bytes()
        assert b"fjordvik" not in raw
        calendar = _calendar_of(raw)
        event = next(c for c in calendar.walk() if c.name == "VEVENT")
        assert str(event["ORGANIZER"]).lower() == "mailto:kalender@nordvik.example"
        assert "nordvik.testserver" in str(event["UID"])


def test_a_meeting_held_early_moves_in_its_calendars_from_its_own_address(
    nordvik, in_nordvik, settings
):
    services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_ADDRESS": "kalender@nordvik.example"})
    try:
        with in_nordvik():
            people = make_people()
            conversation = planned_conversation(people)
            lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
        mail.outbox.clear()
        with in_nordvik():
            lifecycle.conversation_hold_now(actor=people.leader, conversation=conversation)
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_ADDRESS": ""})
    assert len(mail.outbox) == 2, [m.subject for m in mail.outbox]
    for sent in mail.outbox:
        assert "kalender@nordvik.example" in sent.from_email
        event = next(c for c in _calendar_of(sent.message().as_bytes()).walk("VEVENT"))
        assert (event["SEQUENCE"], str(event["UID"]).endswith("nordvik.testserver")) == (1, True)
        assert event.decoded("DTSTART").date() < conversation.scheduled_at.date()


def test_a_language_chosen_on_its_sign_in_page_becomes_the_persons(nordvik, in_nordvik, hosts):
    from samtale.org.models import Person
    from testkit.people import PASSWORD

    with in_nordvik():
        people = make_people()
    there = Client(HTTP_HOST=HOST)
    there.post("/sprak/", {"language": "nn", "next": "/logg-inn/"})
    response = there.post("/logg-inn/", {"username": people.employee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert there.get("/").headers["Content-Language"] == "nn"
    with in_nordvik():
        assert Person.objects.get(pk=people.employee.pk).language == "nn"


def test_unset_its_calendar_address_is_its_senders(nordvik):
    with tenancy.activated(services.tenant_get("nordvik")):
        assert tenancy.tenant_settings.SAMTALE_CALENDAR_ADDRESS == "samtale@nordvik.example"
        assert tenancy.tenant_settings.DEFAULT_FROM_EMAIL == SENDER


def _calendar_of(raw: bytes) -> Calendar:
    message = message_from_bytes(raw)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload)


# Two-factor ---------------------------------------------------------------------------------


def test_its_two_factor_rule_is_its_own(nordvik, in_nordvik, hosts, settings):
    """A municipality that requires two-factor asks it of its leaders, whatever the
    installation's (home) rule is; the home municipality's leaders go by the home rule."""
    from django.urls import reverse

    settings.SAMTALE_REQUIRE_MFA = False
    password = "a-long-test-password-1"
    with in_nordvik():
        theirs = make_people()
        theirs.leader.set_password(password)
        theirs.leader.save()
    ours = make_people()
    ours.leader.set_password(password)
    ours.leader.save()

    def signed_in(host: str | None, person) -> Client:
        client = Client(HTTP_HOST=host) if host else Client()
        client.post(reverse("login"), {"username": person.email, "password": password})
        return client

    services.tenant_configure("nordvik", {"SAMTALE_REQUIRE_MFA": "true"})
    try:
        answer = signed_in(HOST, theirs.leader).get(reverse("conversation_list"))
        assert answer.status_code == 302 and answer["Location"] == reverse("mfa_index")
        assert signed_in(None, ours.leader).get(reverse("conversation_list")).status_code == 200
        # And the other way about: the home municipality requires it, Nordvik does not.
        settings.SAMTALE_REQUIRE_MFA = True
        services.tenant_configure("nordvik", {"SAMTALE_REQUIRE_MFA": "false"})
        assert signed_in(HOST, theirs.leader).get(reverse("conversation_list")).status_code == 200
        answer = signed_in(None, ours.leader).get(reverse("conversation_list"))
        assert answer.status_code == 302 and answer["Location"] == reverse("mfa_index")
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_REQUIRE_MFA": ""})
