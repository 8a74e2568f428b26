"""A published calendar (ICS) served over HTTP: the exact busy intervals of recurring,
all-day, transparent, cancelled and Outlook-zoned events across the change to summer time
in Europe/Oslo, a VFREEBUSY, and every way the address can fail."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from samtale.calendars.readers import base, read
from samtale.calendars.readers.base import Interval, Source, Unreadable
from testkit.calendars import Answer

OSLO = ZoneInfo("Europe/Oslo")
# Two weeks around the last Sunday of March 2027 (28 March: 02:00 becomes 03:00 in Oslo).
START = datetime(2027, 3, 22, tzinfo=OSLO)
END = datetime(2027, 4, 6, tzinfo=OSLO)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


PUBLISHED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:ledermote\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Ledermote (hemmelig tittel)\r
LOCATION:Styrerommet\r
DTSTART;TZID=Europe/Oslo:20270315T090000\r
DTEND;TZID=Europe/Oslo:20270315T100000\r
RRULE:FREQ=WEEKLY;BYDAY=MO\r
EXDATE;TZID=Europe/Oslo:20270329T090000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:kurs\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Kurs hele dagen\r
DTSTART;VALUE=DATE:20270331\r
DTEND;VALUE=DATE:20270401\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:lunsj\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Lunsj (vises som ledig)\r
DTSTART;TZID=Europe/Oslo:20270323T120000\r
DTEND;TZID=Europe/Oslo:20270323T130000\r
TRANSP:TRANSPARENT\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:avlyst\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Avlyst\r
DTSTART;TZID=Europe/Oslo:20270324T100000\r
DTEND;TZID=Europe/Oslo:20270324T110000\r
STATUS:CANCELLED\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:natt\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Vakt over natten til sommertid\r
DTSTART;TZID=Europe/Oslo:20270327T220000\r
DTEND;TZID=Europe/Oslo:20270328T040000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:outlook\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Fra Outlook\r
DTSTART;TZID=W. Europe Standard Time:20270401T140000\r
DTEND;TZID=W. Europe Standard Time:20270401T153000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:flytende\r
DTSTAMP:20270301T000000Z\r
SUMMARY:Uten tidssone\r
DTSTART:20270326T140000\r
DTEND:20270326T150000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:utc\r
DTSTAMP:20270301T000000Z\r
SUMMARY:I UTC\r
DTSTART:20270325T120000Z\r
DTEND:20270325T130000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""

EXPECTED = [
    Interval(utc(2027, 3, 22, 8), utc(2027, 3, 22, 9)),  # Monday, winter time (+01)
    Interval(utc(2027, 3, 25, 12), utc(2027, 3, 25, 13)),  # in UTC
    Interval(utc(2027, 3, 26, 13), utc(2027, 3, 26, 14)),  # floating: Oslo's 14:00
    Interval(utc(2027, 3, 27, 21), utc(2027, 3, 28, 2)),  # 22:00–04:00 is five hours
    # Monday 29 March is an EXDATE.
    Interval(utc(2027, 3, 30, 22), utc(2027, 3, 31, 22)),  # all day on the 31st, local
    Interval(utc(2027, 4, 1, 12), utc(2027, 4, 1, 13, 30)),  # Outlook's zone, summer time
    Interval(utc(2027, 4, 5, 7), utc(2027, 4, 5, 8)),  # Monday, summer time (+02)
]


def ics(served, body: bytes, *, path="/kalender.ics", status=200, headers=None) -> Source:
    served.routes[("GET", path)] = Answer(
        status, body, headers or {"Content-Type": "text/calendar; charset=utf-8"}
    )
    return Source("ics", url=f"{served.url}{path}")


def test_a_published_calendar_gives_exactly_its_busy_times(served):
    assert read(ics(served, PUBLISHED), START, END) == EXPECTED


def test_nothing_but_the_times_comes_back(served):
    found = read(ics(served, PUBLISHED), START, END)
    assert all(set(vars(i)) == {"start", "end"} for i in found)
    assert "hemmelig" not in repr(found) and "Styrerommet" not in repr(found)


def test_the_window_clips_and_overlaps_merge(served):
    first = datetime(2027, 3, 28, 3, 30, tzinfo=OSLO)  # inside the night shift
    found = read(ics(served, PUBLISHED), first, datetime(2027, 3, 29, tzinfo=OSLO))
    assert found == [Interval(first.astimezone(UTC), utc(2027, 3, 28, 2))]


def test_a_free_busy_body_is_read(served):
    body = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
BEGIN:VFREEBUSY\r
DTSTART:20270322T000000Z\r
DTEND:20270405T000000Z\r
FREEBUSY:20270322T080000Z/20270322T090000Z,20270323T080000Z/PT2H\r
FREEBUSY;FBTYPE=BUSY-TENTATIVE:20270324T130000Z/20270324T140000Z\r
FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20270325T070000Z/20270325T073000Z\r
FREEBUSY;FBTYPE=FREE:20270326T080000Z/20270326T090000Z\r
END:VFREEBUSY\r
END:VCALENDAR\r
"""
    assert read(ics(served, body), START, END) == [
        Interval(utc(2027, 3, 22, 8), utc(2027, 3, 22, 9)),
        Interval(utc(2027, 3, 23, 8), utc(2027, 3, 23, 10)),
        Interval(utc(2027, 3, 24, 13), utc(2027, 3, 24, 14)),
        Interval(utc(2027, 3, 25, 7), utc(2027, 3, 25, 7, 30)),
    ]


def test_a_redirect_to_another_http_address_is_followed(served):
    source = ics(served, PUBLISHED, path="/ny.ics")
    served.routes[("GET", "/gammel.ics")] = Answer(302, b"", {"Location": "/ny.ics"})
    assert read(Source("ics", url=f"{served.url}/gammel.ics"), START, END) == EXPECTED
    assert source.url.endswith("/ny.ics")


# Bad input ----------------------------------------------------------------------------------


def _reason(source: Source) -> Unreadable:
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    return failed.value


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Logg inn</body></html>",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:ikke-en-dato\r\n",
        b"\xff\xfe\x00garbage",
        b"",
    ],
)
def test_what_is_not_a_calendar_is_unreadable(served, body):
    assert _reason(ics(served, body)).code == base.NOT_CALENDAR


def test_a_broken_event_does_not_hide_the_others(served):
    broken = PUBLISHED.replace(
        b"UID:kurs\r\n", b"UID:kurs\r\nRRULE:FREQ=NONSENSE\r\n"
    )  # a rule that cannot be expanded: that series is left out
    found = read(ics(served, broken), START, END)
    assert Interval(utc(2027, 3, 22, 8), utc(2027, 3, 22, 9)) in found


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, base.HTTP), (401, base.AUTH), (403, base.AUTH), (404, base.NOT_FOUND)],
)
def test_an_http_error_is_unreadable_with_its_reason(served, status, code):
    failed = _reason(ics(served, b"error", status=status))
    assert failed.code == code
    assert failed.stored == (f"http:{status}" if code == base.HTTP else code)


def test_a_calendar_larger_than_the_limit_is_not_read_to_its_end(served, settings):
    settings.SAMTALE_BUSY_MAX_BYTES = 1000
    assert _reason(ics(served, PUBLISHED)).code == base.TOO_LARGE


def test_a_redirect_to_another_scheme_is_not_followed(served):
    served.routes[("GET", "/fil.ics")] = Answer(302, b"", {"Location": "file:///etc/passwd"})
    assert _reason(Source("ics", url=f"{served.url}/fil.ics")).code == base.BAD_REDIRECT


def test_an_endless_redirect_stops(served):
    served.routes[("GET", "/runde.ics")] = Answer(302, b"", {"Location": "/runde.ics"})
    assert _reason(Source("ics", url=f"{served.url}/runde.ics")).code == base.BAD_REDIRECT
    assert len(served.seen) == 6  # the first request and five redirects


def test_an_address_that_is_not_http_is_not_asked(served):
    assert _reason(Source("ics", url="file:///etc/passwd")).code == base.BAD_REDIRECT


def test_a_server_that_never_answers_times_out(silent, settings):
    """The server accepts and stays silent: the read ends at the timeout (set low here),
    whatever the clock says, so nothing here measures time."""
    settings.SAMTALE_BUSY_TIMEOUT_SECONDS = 0.3
    assert _reason(Source("ics", url=f"{silent}/kalender.ics")).code == base.TIMEOUT


def test_a_closed_port_is_unreachable(settings):
    from testkit.calendars import free_port

    url = f"http://127.0.0.1:{free_port()}/kalender.ics"
    assert _reason(Source("ics", url=url)).code == base.UNREACHABLE
