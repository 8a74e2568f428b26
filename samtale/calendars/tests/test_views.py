"""Connecting a calendar: your own from the profile, anyone's for the administrator. The
address and the password are never shown back; bad input gets a message and changes
nothing; the test says how many busy times it read this week, never what they are. (Every
URL × role is in tests/test_access_matrix.py.)"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from samtale.calendars import keys, services
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import guard
from samtale.calendars.services import shown
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from testkit.calendars import Answer

from .fixtures import CALDAV_USERS, calendar_name
from .test_caldav import EVENTS

OSLO = ZoneInfo("Europe/Oslo")
# Monday 30 November 2026: the test reads the week from this Monday to Sunday 6 December.
NOW = datetime(2026, 11, 30, 8, tzinfo=OSLO)

WEEK = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//\r
BEGIN:VEVENT\r
UID:a\r
DTSTAMP:20261101T000000Z\r
SUMMARY:Medarbeidersamtale med Per (hemmelig)\r
DTSTART;TZID=Europe/Oslo:20261201T100000\r
DTEND;TZID=Europe/Oslo:20261201T110000\r
RRULE:FREQ=DAILY;COUNT=3\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(people):
    """Everyone reads the pages in English (the messages are English msgids until
    translated)."""
    for person in (people.employee, people.leader, people.admin):
        person.language = "en"
        person.save(update_fields=["language"])


def page(response) -> str:
    return response.content.decode()


def save(client, to=None, **data):
    return client.post(to or reverse("calendar_own"), data)


@pytest.fixture
def published(served):
    served.routes[("GET", "/secret-token-abc123/basic.ics")] = Answer(200, WEEK)
    return f"{served.url}/secret-token-abc123/basic.ics"


def test_the_profile_leads_to_your_calendar(client_for, people, english):
    assert reverse("calendar_own") in page(client_for("employee").get(reverse("profile")))


def test_the_administrator_finds_a_persons_calendar_on_their_page(client_for, people, english):
    url = reverse("person_detail", args=[people.leader.pk])
    assert reverse("calendar_person", args=[people.leader.pk]) in page(client_for("admin").get(url))
    assert "/kalender/" not in page(client_for("hr").get(url))


def test_a_leader_connects_a_published_calendar(client_for, people, english, published):
    leader = client_for("leader")
    response = save(leader, kind="ics", url=published)
    assert response.status_code == 302
    connection = CalendarConnection.objects.get(person=people.leader)
    assert connection.kind == "ics"
    assert keys.decrypt(connection.url) == published and "secret-token" not in connection.url
    body = page(leader.get(reverse("calendar_own")))
    assert connection.shown_url in body
    assert "secret-token" not in body  # the address's secret part is never shown


def test_the_test_button_says_how_many_busy_times_it_read_this_week(
    client_for, people, english, published
):
    leader = client_for("leader")
    save(leader, kind="ics", url=published)
    response = leader.post(reverse("calendar_test", args=[people.leader.pk]), follow=True)
    body = page(response)
    assert "The calendar was read: 3 busy times in the week from 30.11.2026." in body
    assert "Medarbeidersamtale" not in body and "hemmelig" not in body
    assert CalendarConnection.objects.get().last_read_at is not None


def test_a_calendar_that_cannot_be_read_says_why(client_for, people, english, served):
    served.routes[("GET", "/k.ics")] = Answer(401, b"no")
    leader = client_for("leader")
    save(leader, kind="ics", url=f"{served.url}/k.ics")
    body = page(leader.post(reverse("calendar_test", args=[people.leader.pk]), follow=True))
    assert (
        "The calendar could not be read: the server refused access (the user name, the password or the permission)."
        in body
    )
    assert "The last read" in body and "failed" in body
    assert CalendarConnection.objects.get().last_error == "auth"


def test_a_caldav_password_is_saved_encrypted_and_shown_only_as_saved(
    client_for, people, english, radicale
):
    url = radicale.make_calendar("leif", calendar_name(), EVENTS)
    leader = client_for("leader")
    response = save(leader, kind="caldav", url=url, username="leif", password=CALDAV_USERS["leif"])
    assert response.status_code == 302
    connection = CalendarConnection.objects.get()
    assert CALDAV_USERS["leif"] not in connection.password
    assert keys.decrypt(connection.password) == CALDAV_USERS["leif"]
    body = page(leader.get(reverse("calendar_own")))
    assert CALDAV_USERS["leif"] not in body
    assert "Saved. Leave it empty to keep it" in body
    # Saved again without the password: it is kept.
    save(leader, kind="caldav", url="", username="leif", password="")
    assert keys.decrypt(CalendarConnection.objects.get().password) == CALDAV_USERS["leif"]
    body = page(leader.post(reverse("calendar_test", args=[people.leader.pk]), follow=True))
    assert "The calendar was read: 2 busy times in the week from 30.11.2026." in body


def test_a_saved_password_goes_only_to_the_server_it_was_given_for(
    client_for, people, english, served
):
    leader = client_for("leader")
    save(leader, kind="caldav", url=f"{served.url}/leif/k/", username="leif", password="hemmelig")
    response = save(leader, kind="caldav", url="https://annen.example/leif/k/", username="leif")
    assert "The address is on another server: give the password again." in page(response)
    connection = CalendarConnection.objects.get()
    assert keys.decrypt(connection.url) == f"{served.url}/leif/k/"  # nothing changed
    # The same server, another calendar: the password is kept.
    assert (
        save(leader, kind="caldav", url=f"{served.url}/leif/k2/", username="leif").status_code
        == 302
    )
    assert keys.decrypt(CalendarConnection.objects.get().password) == "hemmelig"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "ics", "url": "ftp://kalender.example/k.ics"}, "must begin with https://"),
        ({"kind": "ics", "url": "webcal://kalender.example/k.ics"}, "instead of webcal://"),
        ({"kind": "ics", "url": "javascript:alert(1)"}, "must begin with https://"),
        ({"kind": "ics", "url": "https://"}, "This is not a web address."),
        (
            {"kind": "ics", "url": "https://leif:pw@kalender.example/k.ics"},
            "not in the address",
        ),
        ({"kind": "ics", "url": ""}, "Give the calendar's address."),
        (
            {"kind": "ics", "url": "https://x.example/" + "a" * 2000},
            "Ensure this value has at most",
        ),
        (
            {"kind": "caldav", "url": "https://dav.example/leif/", "password": "x"},
            "Give the user name of the CalDAV account.",
        ),
        (
            {"kind": "caldav", "url": "https://dav.example/leif/", "username": "leif"},
            "Give the password of the CalDAV account.",
        ),
        ({"kind": "graph"}, "Microsoft 365 is not set up in Samtale yet."),
        ({"kind": "exchange"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(client_for, people, english, data, message):
    response = save(client_for("leader"), **data)
    assert response.status_code == 200
    assert escape(message) in page(response)
    assert not CalendarConnection.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://kalender.example/k.ics", "must begin with https://"),
        ("webcal://kalender.example/k.ics", "instead of webcal://"),
        ("https://", "This is not a web address."),
    ],
)
def test_the_service_holds_an_address_to_the_forms_rule(people, url, message):
    """A caller without the form (core.forms.validate_web_address): the same words."""
    with translation.override("en"), pytest.raises(DomainError) as refused:
        services.connection_save(actor=people.leader, person=people.leader, kind="ics", url=url)
    assert message in refused.value.message
    assert refused.value.field == "url"
    assert not CalendarConnection.objects.exists()


def test_the_administrator_connects_a_leaders_calendar(client_for, people, english, published):
    page_url = reverse("calendar_person", args=[people.leader.pk])
    response = save(client_for("admin"), page_url, kind="ics", url=published)
    assert response.status_code == 302 and response.headers["Location"] == page_url
    connection = CalendarConnection.objects.get()
    assert (connection.person, connection.changed_by) == (people.leader, people.admin)
    entry = AuditEntry.objects.get(action="calendar.connected")
    assert entry.data == {"kind": "ics", "server": connection.shown_url}
    assert "secret-token" not in str(entry.data)


def test_a_connection_is_removed(client_for, people, english, published):
    leader = client_for("leader")
    save(leader, kind="ics", url=published)
    response = leader.post(reverse("calendar_delete", args=[people.leader.pk]), follow=True)
    assert "The calendar is no longer connected." in page(response)
    assert not CalendarConnection.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.removed").count() == 1


def test_microsoft_365_needs_no_address_when_it_is_set_up(client_for, people, english, settings):
    settings.SAMTALE_GRAPH_TENANT_ID = "t"
    settings.SAMTALE_GRAPH_CLIENT_ID = "c"
    settings.SAMTALE_GRAPH_CLIENT_SECRET = "s"
    response = save(client_for("leader"), kind="graph", url="", mailbox="")
    assert response.status_code == 302
    connection = CalendarConnection.objects.get()
    assert (connection.kind, connection.url, connection.password) == ("graph", "", "")
    body = page(client_for("leader").get(reverse("calendar_own")))
    assert people.leader.email in body  # the mailbox read: the leader's own address


# Addresses on Samtale's own network (readers.guard) ----------------------------------------

REFUSED_ON_THE_FORM = (
    "Samtale does not read calendars at local or internal network addresses. If this is your "
    "organization's own calendar server, ask the administrator to allow it."
)


@pytest.mark.parametrize(
    "url",
    [
        "{served}/k.ics",  # 127.0.0.1
        "{localhost}/k.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/k.ics",
        "http://[::1]/k.ics",
    ],
)
def test_an_internal_address_is_refused_on_the_form(
    client_for, people, english, served, settings, url
):
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = []  # the default
    url = url.format(served=served.url, localhost=served.url.replace("127.0.0.1", "localhost"))
    response = save(client_for("leader"), kind="ics", url=url)
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [REFUSED_ON_THE_FORM]
    assert escape(REFUSED_ON_THE_FORM) in page(response)
    assert not CalendarConnection.objects.exists()
    assert served.seen == []


def test_a_name_that_resolves_inward_is_refused_on_the_form(
    client_for, people, english, monkeypatch
):
    """Every address of the name is checked: one internal among public ones is enough."""
    answers = {"kalender.kommune.example": ["93.184.215.14", "192.168.10.5"]}
    monkeypatch.setattr(guard, "lookup", lambda host, port: answers[host])
    response = save(
        client_for("leader"),
        kind="caldav",
        url="https://kalender.kommune.example/leif/",
        username="leif",
        password="x",
    )
    assert response.context["form"].errors["url"] == [REFUSED_ON_THE_FORM]
    assert not CalendarConnection.objects.exists()


def test_an_address_refused_since_it_was_saved_says_so_when_tested(
    client_for, people, english, published, settings
):
    """Allowed when saved, refused when read (the operator narrowed the allowed networks,
    or the name now resolves inward): the test says why, and the connection keeps it."""
    leader = client_for("leader")
    save(leader, kind="ics", url=published)
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = []
    body = page(leader.post(reverse("calendar_test", args=[people.leader.pk]), follow=True))
    assert (
        "The calendar could not be read: the address leads to a local or internal network "
        "address, which Samtale does not read calendars from."
    ) in body
    assert CalendarConnection.objects.get().last_error == "refused"


def test_the_server_shown_is_the_scheme_and_host_without_the_path():
    assert shown("https://kalender.example/secret-token/k.ics") == "https://kalender.example/…"
    assert shown("http://[fd00::5]:5232/leif/k/") == "http://[fd00::5]:5232/…"
