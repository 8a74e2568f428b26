"""The hand planner and the two people's own calendars (samtale.calendars): a time one of
them holds is warned of, nothing is saved until the leader ticks that they know, and the
tick holds for that very time only; a calendar that cannot be read is named and the
conversation planned without it."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from samtale.calendars import services as calendar_services
from samtale.calendars.models import CalendarConnection
from samtale.calendars.tests.fixtures import _fresh_cache  # noqa: F401 (a fixture)
from samtale.conversations.models import Conversation
from testkit.calendars import Answer, http_server

from .planning import at, plan

pytestmark = pytest.mark.usefixtures("clock")

# Leif is busy on Tuesday 1 December 15:00–16:00; Emma 10:00–11:00.
LEIF = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//\r
BEGIN:VEVENT\r
UID:l\r
DTSTAMP:20261101T000000Z\r
SUMMARY:Hemmelig styremote\r
DTSTART;TZID=Europe/Oslo:20261201T150000\r
DTEND;TZID=Europe/Oslo:20261201T160000\r
END:VEVENT\r
END:VCALENDAR\r
"""
EMMA = LEIF.replace(b"T150000", b"T100000").replace(b"T160000", b"T110000")


@pytest.fixture
def leader(client_for, people):
    people.leader.language = "en"
    people.leader.save(update_fields=["language"])
    return client_for("leader")


@pytest.fixture
def published():
    """An HTTP server for the published calendars."""
    with http_server() as server:
        yield server


@pytest.fixture
def calendars(people, published):
    for person, name, body in ((people.leader, "leif", LEIF), (people.employee, "emma", EMMA)):
        published.routes[("GET", f"/{name}.ics")] = Answer(200, body)
        calendar_services.connection_save(
            actor=person, person=person, kind="ics", url=f"{published.url}/{name}.ics"
        )
    return published


def _plan(client, people, guide_version, time="15:30", **extra):
    data = {
        "employee": people.employee.pk,
        "leader": people.leader.pk,
        "guide": guide_version.guide.pk,
        "date": "01.12.2026",
        "time": time,
        "duration_minutes": "60",
        "place": "Møterom 2",
    }
    return client.post(reverse("conversation_create"), data | extra)


def test_a_time_the_leaders_calendar_holds_is_warned_of_and_not_saved(
    leader, people, guide_version, calendars
):
    response = _plan(leader, people, guide_version)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Leif Testesen's calendar, 01.12.2026 15:00–16:00" in page
    assert 'name="calendar_confirm" value="2026-12-01T15:30"' in page
    assert "styremote" not in page  # the busy time, never what it is
    assert not Conversation.objects.exists()


def test_the_leader_overrules_with_the_tick(leader, people, guide_version, calendars):
    response = _plan(leader, people, guide_version, calendar_confirm="2026-12-01T15:30")
    assert response.status_code == 302
    assert Conversation.objects.get().scheduled_at == at(1, 15, 30)


def test_a_tick_for_another_time_does_not_carry_over(leader, people, guide_version, calendars):
    response = _plan(leader, people, guide_version, calendar_confirm="2026-12-01T15:00")
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_the_employees_calendar_is_warned_of_too(leader, people, guide_version, calendars):
    page = _plan(leader, people, guide_version, time="10:30").content.decode()
    assert "Emma Testesen's calendar, 01.12.2026 10:00–11:00" in page
    assert not Conversation.objects.exists()


def test_a_free_time_is_planned_at_once(leader, people, guide_version, calendars):
    assert _plan(leader, people, guide_version, time="12:00").status_code == 302


def test_a_calendar_that_cannot_be_read_is_named_and_the_plan_made_without_it(
    leader, people, guide_version, published
):
    published.routes[("GET", "/nede.ics")] = Answer(500, b"Internal Server Error")
    calendar_services.connection_save(
        actor=people.leader, person=people.leader, kind="ics", url=f"{published.url}/nede.ics"
    )
    response = _plan(leader, people, guide_version)
    assert response.status_code == 302
    page = leader.get(response.headers["Location"]).content.decode()
    assert (
        escape(
            "Leif Testesen's calendar could not be read (the server answered with an error "
            "(HTTP 500)); planned without it."
        )
        in page
    )
    assert CalendarConnection.objects.get().last_error == "http:500"


def test_moving_a_conversation_onto_a_busy_time_is_warned_of(
    leader, people, guide_version, calendars
):
    conversation = plan(people, people.employee, at(1, 12), guide_version)
    url = reverse("conversation_schedule", args=[conversation.pk])
    data = {"date": "01.12.2026", "time": "15:15", "duration_minutes": "60", "place": "Rom"}
    page = leader.post(url, data).content.decode()
    assert "Leif Testesen's calendar, 01.12.2026 15:00–16:00" in page
    conversation.refresh_from_db()
    assert conversation.scheduled_at == at(1, 12)
    moved = leader.post(url, data | {"calendar_confirm": "2026-12-01T15:15"})
    assert moved.status_code == 302
    conversation.refresh_from_db()
    assert conversation.scheduled_at == at(1, 15, 15)


def test_a_new_place_at_the_same_time_is_not_warned_of(leader, people, guide_version, calendars):
    """The conversation's own time is in the calendar once the invitation is accepted: a
    change of place must not be held back by it."""
    conversation = plan(people, people.employee, at(1, 15), guide_version)
    url = reverse("conversation_schedule", args=[conversation.pk])
    data = {"date": "01.12.2026", "time": "15:00", "duration_minutes": "90", "place": "Rom 4"}
    assert leader.post(url, data).status_code == 302


def test_moving_a_conversation_a_little_is_not_warned_of_itself(
    leader, people, guide_version, published
):
    """Leif's calendar holds the conversation itself, 12:00–13:30, its invitation accepted:
    moved to 12:30, only what lies outside its own time could clash, and nothing does."""
    conversation = plan(people, people.employee, at(1, 12), guide_version)
    own = LEIF.replace(b"T150000", b"T120000").replace(b"T160000", b"T133000")
    published.routes[("GET", "/leif.ics")] = Answer(200, own)
    calendar_services.connection_save(
        actor=people.leader, person=people.leader, kind="ics", url=f"{published.url}/leif.ics"
    )
    url = reverse("conversation_schedule", args=[conversation.pk])
    data = {"date": "01.12.2026", "time": "12:30", "duration_minutes": "90", "place": "Rom"}
    assert leader.post(url, data).status_code == 302
    conversation.refresh_from_db()
    assert conversation.scheduled_at == at(1, 12, 30)
