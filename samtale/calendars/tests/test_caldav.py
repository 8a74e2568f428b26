"""CalDAV against a real server (Radicale, started by the tests) and against servers that
answer wrongly, garble, refuse the free/busy query or never answer."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from samtale.calendars.readers import base, read
from samtale.calendars.readers.base import Interval, Source, Unreadable
from testkit.calendars import Answer

from .fixtures import CALDAV_USERS, calendar_name

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 30, tzinfo=OSLO)
END = datetime(2026, 12, 14, tzinfo=OSLO)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def event(uid: str, lines: str) -> str:
    body = "\r\n".join(line.strip() for line in lines.strip().splitlines())
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samtale test//\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


EVENTS = [
    event(
        "ledermote",
        """SUMMARY:Ledermøte
        DTSTART;TZID=Europe/Oslo:20261130T090000
        DTEND;TZID=Europe/Oslo:20261130T103000
        RRULE:FREQ=WEEKLY;COUNT=4
        EXDATE;TZID=Europe/Oslo:20261207T090000""",
    ),
    event(
        "kurs",
        """SUMMARY:Kurs
        DTSTART;VALUE=DATE:20261203
        DTEND;VALUE=DATE:20261204""",
    ),
    event(
        "lunsj",
        """SUMMARY:Lunsj
        DTSTART;TZID=Europe/Oslo:20261201T113000
        DTEND;TZID=Europe/Oslo:20261201T120000
        TRANSP:TRANSPARENT""",
    ),
    event(
        "tannlege",
        """SUMMARY:Tannlege
        DTSTART:20261209T130000Z
        DTEND:20261209T140000Z""",
    ),
]
EXPECTED = [
    Interval(utc(2026, 11, 30, 8), utc(2026, 11, 30, 9, 30)),
    # An all-day event's day is the server's to place (RFC 4791 §7.3 leaves floating times
    # to it): Radicale counts it in UTC, so 01:00–01:00 in Oslo. A published ICS file is read
    # by Samtale itself, and there it is the local day (test_ics).
    Interval(utc(2026, 12, 3), utc(2026, 12, 4)),
    Interval(utc(2026, 12, 9, 13), utc(2026, 12, 9, 14)),
    # 7 December is an EXDATE; the lunch is marked free.
]


def test_radicale_answers_the_free_busy_query_with_exactly_the_busy_times(radicale):
    url = radicale.make_calendar("kari", calendar_name(), EVENTS)
    source = Source("caldav", url=url, username="kari", password=CALDAV_USERS["kari"])
    assert read(source, START, END) == EXPECTED


def test_a_wrong_password_is_refused(radicale):
    url = radicale.make_calendar("kari", calendar_name(), EVENTS[:1])
    source = Source("caldav", url=url, username="kari", password="feil")
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code == base.AUTH


def test_another_users_calendar_is_refused(radicale):
    url = radicale.make_calendar("kari", calendar_name(), EVENTS[:1])
    source = Source("caldav", url=url, username="leif", password=CALDAV_USERS["leif"])
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code == base.AUTH


def test_a_calendar_that_is_not_there_is_not_found(radicale):
    url = radicale.calendar_url("kari", "finnes-ikke")
    source = Source("caldav", url=url, username="kari", password=CALDAV_USERS["kari"])
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code in (base.NOT_FOUND, base.NOT_CALENDAR)


# Servers that do not answer as Radicale does -----------------------------------------------

MULTISTATUS = """<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:response>
    <D:href>/kari/arbeid/ledermote.ics</D:href>
    <D:propstat>
      <D:prop>
        <D:getetag>"1"</D:getetag>
        <C:calendar-data>{data}</C:calendar-data>
      </D:prop>
      <D:status>HTTP/1.1 200 OK</D:status>
    </D:propstat>
  </D:response>
</D:multistatus>
"""


def test_a_server_without_the_free_busy_query_is_asked_for_its_events_times(served):
    """The free/busy REPORT is refused (501); the calendar-query REPORT's events are read
    for their times alone."""

    def report(_handler, body):
        if b"free-busy-query" in body:
            return Answer(501, b"Not Implemented")
        data = EVENTS[0].replace("&", "&amp;").replace("<", "&lt;")
        return Answer(207, MULTISTATUS.format(data=data).encode(), {"Content-Type": "text/xml"})

    served.routes[("REPORT", "/kari/arbeid/")] = report
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    # Weekly, four times from 30 November: 7 December is an EXDATE, 14 December is past
    # the window.
    assert read(source, START, END) == [Interval(utc(2026, 11, 30, 8), utc(2026, 11, 30, 9, 30))]
    assert [b"free-busy-query" in body for _m, _p, _h, body in served.seen] == [True, False]


@pytest.mark.parametrize(
    "answer",
    [
        Answer(200, b"<html>Velkommen</html>", {"Content-Type": "text/html"}),
        Answer(207, b"<?xml version='1.0'?><D:multistatus xmlns:D='DAV:'><oops", {}),
        Answer(200, b"\x00\x01\x02 binary", {"Content-Type": "application/octet-stream"}),
        Answer(207, b"BEGIN:VCALENDAR\r\nthis is not right\r\n", {"Content-Type": "text/xml"}),
    ],
)
def test_a_server_answering_garbage_is_unreadable(served, answer):
    served.routes[("REPORT", "*")] = answer
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code == base.NOT_CALENDAR


@pytest.mark.parametrize(("status", "code"), [(500, base.HTTP), (401, base.AUTH)])
def test_a_server_error_is_unreadable_with_its_reason(served, status, code):
    served.routes[("REPORT", "*")] = Answer(status, b"Nei", {"Content-Type": "text/plain"})
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code == code


def test_a_caldav_server_that_never_answers_times_out(silent, settings):
    settings.SAMTALE_BUSY_TIMEOUT_SECONDS = 0.3
    source = Source("caldav", url=f"{silent}/kari/arbeid/", username="kari", password="x")
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    assert failed.value.code == base.TIMEOUT
