"""Busy times for the planners: read once and then from the cache, read afresh after a
change, a calendar that cannot be read named and recorded, and a constant number of queries
however many calendars."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from samtale.calendars import keys, selectors, services
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import base, guard
from samtale.calendars.readers.base import Interval
from samtale.org.models import Person
from testkit.calendars import Answer

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 12, 1, 9, tzinfo=OSLO)
END = datetime(2026, 12, 1, 12, tzinfo=OSLO)

BUSY = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//\r
BEGIN:VEVENT\r
UID:m\r
DTSTAMP:20261101T000000Z\r
SUMMARY:Hemmelig\r
DTSTART;TZID=Europe/Oslo:20261201T100000\r
DTEND;TZID=Europe/Oslo:20261201T110000\r
END:VEVENT\r
END:VCALENDAR\r
"""


def connect(person, url: str) -> CalendarConnection:
    return services.connection_save(actor=person, person=person, kind="ics", url=url)


def gets(served) -> int:
    return sum(1 for method, *_ in served.seen if method == "GET")


@pytest.fixture
def published(served):
    served.routes[("GET", "/k.ics")] = Answer(200, BUSY)
    return f"{served.url}/k.ics"


def test_busy_times_are_read_once_and_then_from_the_cache(people, served, published):
    connect(people.leader, published)
    first = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    second = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    expected = [
        Interval(datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 10, tzinfo=UTC))
    ]
    assert first.intervals[people.leader.pk] == second.intervals[people.leader.pk]
    assert first.clashes(people.leader.pk, START, END) == expected
    assert gets(served) == 1
    connection = CalendarConnection.objects.get()
    assert connection.last_read_at is not None and connection.last_error == ""


def test_the_whole_day_is_read_so_another_window_that_day_is_in_the_cache(
    people, served, published
):
    connect(people.leader, published)
    selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    later = datetime(2026, 12, 1, 14, tzinfo=OSLO)
    selectors.busy_times(person_ids=[people.leader.pk], start=later, end=later.replace(hour=16))
    assert gets(served) == 1


def test_a_changed_connection_is_read_afresh(people, served, published):
    connect(people.leader, published)
    selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    served.routes[("GET", "/ny.ics")] = Answer(200, BUSY.replace(b"T100000", b"T093000"))
    connect(people.leader, f"{served.url}/ny.ics")
    found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert found.intervals[people.leader.pk][0].start == datetime(2026, 12, 1, 9, 30, tzinfo=OSLO)
    assert gets(served) == 2


def test_a_calendar_that_cannot_be_read_is_named_and_recorded(people, served):
    served.routes[("GET", "/k.ics")] = Answer(500, b"Oops")
    connect(people.leader, f"{served.url}/k.ics")
    found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert found.intervals == {}
    assert found.unread == [selectors.Unread(people.leader.pk, "Leif Testesen", "http:500")]
    connection = CalendarConnection.objects.get()
    assert (connection.last_error, connection.last_error_at is not None) == ("http:500", True)
    # Kept briefly: a server that is down does not slow every page.
    selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert gets(served) == 1


def test_a_server_that_never_answers_is_named_and_the_read_goes_on(people, silent, settings):
    settings.SAMTALE_BUSY_TIMEOUT_SECONDS = 0.3
    connect(people.leader, f"{silent}/k.ics")
    found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    [unread] = found.unread
    assert unread.reason in (base.TIMEOUT, base.TOO_SLOW)


def test_a_password_the_key_cannot_read_is_asked_for_again(people):
    CalendarConnection.objects.create(
        person=people.leader,
        kind="caldav",
        url=keys.encrypt("http://127.0.0.1:9/kal/"),
        username="leif",
        password="gAAAAAB-not-a-token-of-this-key",
    )
    found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert [u.reason for u in found.unread] == [base.PASSWORD_LOST]


def test_the_calendar_of_someone_who_has_left_is_not_read(people, served, published):
    connect(people.employee, published)
    Person.objects.filter(pk=people.employee.pk).update(is_active=False)
    found = selectors.busy_times(person_ids=[people.employee.pk], start=START, end=END)
    assert (found.intervals, found.unread, gets(served)) == ({}, [], 0)


def test_the_queries_do_not_grow_with_the_calendars(
    people, served, published, django_assert_num_queries
):
    everyone = [people.leader, people.employee, people.other_leader, people.other_employee]
    for person in everyone[:2]:
        connect(person, published)
    with django_assert_num_queries(2):  # the connections; when they were read
        selectors.busy_times(person_ids=[p.pk for p in everyone], start=START, end=END)
    for person in everyone[2:]:
        connect(person, published)
    with django_assert_num_queries(2):
        selectors.busy_times(person_ids=[p.pk for p in everyone], start=START, end=END)
    with django_assert_num_queries(1):  # from the cache
        selectors.busy_times(person_ids=[p.pk for p in everyone], start=START, end=END)


def test_without_connections_it_costs_one_query(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert (found.intervals, found.unread) == ({}, [])


def test_a_calendar_whose_name_now_resolves_inward_is_refused_and_the_others_are_read(
    people, served, published, monkeypatch
):
    """Checked at every read, not only when saved: the leader's calendar was on loopback
    (allowed here) when saved and is on 10.0.0.7 now; it is named and recorded, and the
    employee's is read as before."""
    answers = {"kalender.example": ["127.0.0.1"]}
    real = guard.lookup
    monkeypatch.setattr(guard, "lookup", lambda host, port: answers.get(host) or real(host, port))
    connect(people.leader, published.replace("127.0.0.1", "kalender.example"))
    connect(people.employee, published)
    answers["kalender.example"] = ["10.0.0.7"]
    found = selectors.busy_times(
        person_ids=[people.leader.pk, people.employee.pk], start=START, end=END
    )
    assert list(found.intervals) == [people.employee.pk]
    assert found.unread == [selectors.Unread(people.leader.pk, "Leif Testesen", base.REFUSED)]
    assert CalendarConnection.objects.get(person=people.leader).last_error == base.REFUSED
    assert gets(served) == 1  # the employee's alone
