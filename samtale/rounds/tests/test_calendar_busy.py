"""The scheduling assistant against busy calendars: a leader's CalDAV calendar in a real
Radicale and an employee's published calendar. No proposed time collides with what either
calendar holds (checked by reading the calendars again, past the cache); a calendar that
cannot be read is named and the proposal made without it; a slot moved onto a busy time
is accepted only when the leader ticks that they know."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from samtale.calendars import services as calendar_services
from samtale.calendars.readers import read
from samtale.calendars.readers.base import Source
from samtale.calendars.tests.fixtures import CALDAV_USERS, calendar_name
from samtale.conversations.models import Conversation
from samtale.org.models import Person, Unit
from samtale.rounds import selectors, services
from samtale.rounds.models import Window
from samtale.rounds.tests.conftest import OSLO, SETTINGS, TODAY, at
from testkit.calendars import Answer


def event(uid: str, body: str) -> str:
    lines = "\r\n".join(line.strip() for line in body.strip().splitlines())
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samtale test//\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n{lines}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


# Leif's week: meetings most mornings, a weekly leaders' meeting, a budget afternoon.
LEADERS_WEEK = [
    event(
        "morgen",
        """SUMMARY:Morgenmøte
        DTSTART;TZID=Europe/Oslo:20261130T080000
        DTEND;TZID=Europe/Oslo:20261130T113000
        RRULE:FREQ=WEEKLY;BYDAY=MO,TU,TH,FR""",
    ),
    event(
        "ledermote",
        """SUMMARY:Ledermøte
        DTSTART;TZID=Europe/Oslo:20261202T090000
        DTEND;TZID=Europe/Oslo:20261202T120000
        RRULE:FREQ=WEEKLY""",
    ),
    event(
        "budsjett",
        """SUMMARY:Budsjett
        DTSTART;TZID=Europe/Oslo:20261203T130000
        DTEND;TZID=Europe/Oslo:20261203T150000""",
    ),
]
# Emma's published calendar: busy Tuesday afternoon.
EMMAS_CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//\r
BEGIN:VEVENT\r
UID:kurs\r
DTSTAMP:20261101T000000Z\r
SUMMARY:Kurs\r
DTSTART;TZID=Europe/Oslo:20261201T120000\r
DTEND;TZID=Europe/Oslo:20261201T160000\r
END:VEVENT\r
END:VCALENDAR\r
"""
DAYS = [date(2026, 11, 30) + timedelta(days=n) for n in (0, 1, 2, 3, 4, 7)]


@pytest.fixture
def busy_round(people, guide):
    """Leif holds eight conversations in the round, with 08:00–16:00 to give every weekday
    the assistant proposes in."""
    for n in range(7):
        Person.objects.create_user(
            f"rapport{n}@test.example",
            "x",
            first_name=f"Rapport{n}",
            last_name="Testesen",
            unit=people.employee.unit,
            manager=people.leader,
        )
    round_ = services.round_create(
        actor=people.hr,
        name="Medarbeidersamtaler 2027",
        period_start=TODAY,
        period_end=TODAY + timedelta(days=120),
        kind="annual",
        guide=guide,
        units=[Unit.objects.get(code="T1")],
        **SETTINGS,
    )
    for day in DAYS:
        Window.objects.create(
            round=round_, leader=people.leader, starts_at=at(day, 8), ends_at=at(day, 16)
        )
    return round_


def _connect_leif(people, radicale) -> Source:
    url = radicale.make_calendar("leif", calendar_name(), LEADERS_WEEK)
    calendar_services.connection_save(
        actor=people.leader,
        person=people.leader,
        kind="caldav",
        url=url,
        username="leif",
        password=CALDAV_USERS["leif"],
    )
    return Source("caldav", url=url, username="leif", password=CALDAV_USERS["leif"])


def _connect_emma(people, served) -> Source:
    served.routes[("GET", "/emma.ics")] = Answer(200, EMMAS_CALENDAR)
    url = f"{served.url}/emma.ics"
    calendar_services.connection_save(
        actor=people.employee, person=people.employee, kind="ics", url=url
    )
    return Source("ics", url=url)


def test_no_proposed_time_collides_with_a_busy_calendar(busy_round, people, radicale, served):
    leif, emma = _connect_leif(people, radicale), _connect_emma(people, served)
    proposal = selectors.proposal(round=busy_round, leader=people.leader, today=TODAY)
    assert len(proposal.slots) == 8 and proposal.unplaced == []
    assert (proposal.calendars_read, proposal.unread) == (2, [])
    # Read again, straight from the servers: nothing proposed is busy in either calendar.
    start, end = at(DAYS[0], 0), at(DAYS[-1] + timedelta(days=1), 0)
    leader_busy, employee_busy = read(leif, start, end), read(emma, start, end)
    assert len(leader_busy) == 7  # five mornings, Wednesday's meeting, Thursday's budget
    for slot in proposal.slots:
        busy = leader_busy + (employee_busy if slot.employee_id == people.employee.pk else [])
        assert not [b for b in busy if b.start < slot.end and slot.start < b.end], slot
    emmas = next(s for s in proposal.slots if s.employee_id == people.employee.pk)
    assert emmas.start.astimezone(OSLO) != at(date(2026, 12, 1), 11, 45)  # free for Leif only


def test_a_leaders_busy_morning_moves_the_proposal_past_it_and_the_break(
    round_, people, participant, window, radicale
):
    """The window is Tuesday 09:00–15:00; Leif's morning meeting runs to 11:30, and the
    break after it is the round's 15 minutes."""
    _connect_leif(people, radicale)
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    [slot] = proposal.slots
    assert slot.start == at(date(2026, 12, 1), 11, 45)


def test_a_calendar_that_cannot_be_read_is_named_and_the_proposal_made_without_it(
    client_for, round_, people, participant, window, served
):
    served.routes[("GET", "/k.ics")] = Answer(503, b"Service Unavailable")
    calendar_services.connection_save(
        actor=people.leader, person=people.leader, kind="ics", url=f"{served.url}/k.ics"
    )
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    assert [slot.start for slot in proposal.slots] == [at(date(2026, 12, 1), 9)]
    assert [u.name for u in proposal.unread] == ["Leif Testesen"]
    people.leader.language = "en"
    people.leader.save(update_fields=["language"])
    response = client_for("leader").get(
        reverse("round_schedule", args=[round_.pk, people.leader.pk])
    )
    assert response.status_code == 200
    assert "Leif Testesen's calendar could not be read" in response.content.decode()
    assert "HTTP 503" in response.content.decode()


def _slots(*rows):
    data = {"slot-TOTAL_FORMS": str(len(rows)), "slot-INITIAL_FORMS": str(len(rows))}
    for i, (participant, day, at_time) in enumerate(rows):
        data |= {
            f"slot-{i}-participant": participant.pk,
            f"slot-{i}-take": "on",
            f"slot-{i}-date": day,
            f"slot-{i}-time": at_time,
            f"slot-{i}-place": "Rom",
        }
    return data


def test_a_slot_moved_onto_a_busy_time_is_accepted_only_when_the_leader_ticks_it(
    client_for, round_, people, participant, window, radicale
):
    _connect_leif(people, radicale)
    leader = client_for("leader")
    url = reverse("schedule_accept", args=[round_.pk, people.leader.pk])
    # Moved to 09:00, in Leif's morning meeting.
    response = leader.post(url, _slots((participant, "01.12.2026", "09:00")))
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(gettext("The leader's or the employee's own calendar is busy then.")) in page
    assert not Conversation.objects.exists()
    stamp = re.search(r'name="calendar_confirm" value="([0-9a-f]+)"', page).group(1)
    # A tick for these times does not cover another busy time.
    moved = leader.post(
        url, {**_slots((participant, "01.12.2026", "10:00")), "calendar_confirm": stamp}
    )
    assert moved.status_code == 200 and not Conversation.objects.exists()
    accepted = leader.post(
        url, {**_slots((participant, "01.12.2026", "09:00")), "calendar_confirm": stamp}
    )
    assert accepted.status_code == 302
    assert Conversation.objects.get().scheduled_at == datetime(2026, 12, 1, 9, tzinfo=OSLO)


def test_the_calendars_cost_no_more_queries_however_many_are_connected(busy_round, people, served):
    """One query finds the connections, whoever has one; a read from the servers adds one
    UPDATE (when they were read), a read from the cache none."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            selectors.proposal(round=busy_round, leader=people.leader, today=TODAY)
        return len(done)

    none = queries()
    _connect_emma(people, served)
    served.routes[("GET", "/leif.ics")] = Answer(200, EMMAS_CALENDAR)
    calendar_services.connection_save(
        actor=people.leader, person=people.leader, kind="ics", url=f"{served.url}/leif.ics"
    )
    assert queries() == none + 1  # read from the servers
    assert queries() == none  # from the cache
