"""The calendar file: parses back with the icalendar library, right times in Europe/Oslo
in summer, in winter and on the days daylight saving time begins and ends."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from samtale.conversations.models import Conversation
from samtale.notifications import ics
from samtale.org.models import Person

OSLO = ZoneInfo("Europe/Oslo")


def conversation(start: datetime, *, minutes=90, place="Møterom 2", pk=7) -> Conversation:
    """A real conversation, unsaved (no database): a field the calendar file comes to show
    is there with its default, and a test sets it here by name."""
    return Conversation(
        pk=pk,
        scheduled_at=start.astimezone(UTC),  # as the database gives it back
        duration_minutes=minutes,
        place=place,
        employee=Person(first_name="Kari", last_name="Nilsen", email="kari@fjordvik.example"),
        leader=Person(first_name="Ola", last_name="Berg", email="ola@fjordvik.example"),
    )


def parse(data: bytes):
    calendar = Calendar.from_ical(data)
    [event] = calendar.events
    return calendar, event


def offset_from_vtimezone(calendar, instant: datetime) -> timedelta:
    """The UTC offset the file's own VTIMEZONE gives for an instant, read as RFC 5545 says:
    each onset is a local time in the offset in force before it (TZOFFSETFROM).

    A calendar that does not know Europe/Oslo relies on exactly this.
    """
    [zone] = calendar.timezones
    onsets = []
    for rule in zone.walk():
        if rule.name not in ("STANDARD", "DAYLIGHT"):
            continue
        before, after = rule["TZOFFSETFROM"].td, rule["TZOFFSETTO"].td
        locals_ = [rule["DTSTART"].dt]
        rdates = rule.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            locals_ += [d.dt for d in rdate.dts]
        onsets += [((local - before).replace(tzinfo=UTC), after) for local in locals_]
    return max((o for o in onsets if o[0] <= instant), key=lambda o: o[0])[1]


@pytest.mark.parametrize(
    ("local", "utc_offset_hours"),
    [
        (datetime(2026, 7, 1, 10, 0), 2),  # summer
        (datetime(2026, 1, 14, 10, 0), 1),  # winter
        (datetime(2026, 3, 29, 10, 0), 2),  # the day summer time begins (02:00 → 03:00)
        (datetime(2026, 3, 29, 3, 30), 2),  # the first hour after the change
        (datetime(2026, 10, 25, 10, 0), 1),  # the day summer time ends (03:00 → 02:00)
        (datetime(2026, 10, 25, 4, 0), 1),
        (datetime(2027, 3, 28, 9, 0), 2),
        (datetime(2027, 10, 31, 13, 30), 1),
        (datetime(2027, 3, 27, 14, 0), 1),  # the day before the change: still winter
        (datetime(2027, 10, 30, 14, 0), 2),  # the day before: still summer
    ],
)
def test_the_times_are_right_in_oslo_across_daylight_saving(local, utc_offset_hours):
    start = local.replace(tzinfo=OSLO)
    calendar, event = parse(ics.conversation_ics(conversation(start), method="REQUEST", sequence=0))
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event["DTEND"].params["TZID"] == "Europe/Oslo"
    assert event.start == start
    assert event.start.utcoffset() == timedelta(hours=utc_offset_hours)
    assert event.end - event.start == timedelta(minutes=90)
    assert (event.start.hour, event.start.minute) == (local.hour, local.minute)
    # The VTIMEZONE in the file says the same, for clients that read only the file.
    assert offset_from_vtimezone(calendar, start.astimezone(UTC)) == timedelta(
        hours=utc_offset_hours
    )


def test_a_conversation_across_the_night_the_clocks_go_back_keeps_its_real_length():
    # 01:30 + 90 minutes, on the night to 25 October 2026: it ends at the second 02:00
    # (02:00 happens twice), so the end is written in UTC rather than as an ambiguous wall time.
    start = datetime(2026, 10, 25, 1, 30, tzinfo=OSLO)
    _calendar, event = parse(
        ics.conversation_ics(conversation(start), method="REQUEST", sequence=0)
    )
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(minutes=90)
    assert event.end == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def test_the_calendar_has_what_an_invitation_needs(settings):
    settings.SITE_URL = "https://samtale.fjordvik.example"
    settings.SAMTALE_CALENDAR_ADDRESS = "kalender@fjordvik.example"
    start = datetime(2026, 12, 3, 13, 0, tzinfo=OSLO)
    data = ics.conversation_ics(conversation(start), method="REQUEST", sequence=2)
    calendar, event = parse(data)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == ics.PRODID
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Oslo"]
    assert event["UID"] == "conversation-7@samtale.fjordvik.example"
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CONFIRMED"
    assert event["LOCATION"] == "Møterom 2"
    # Samtale's calendar address organizes it, on the leader's behalf; both are invited.
    assert event["ORGANIZER"] == "mailto:kalender@fjordvik.example"
    assert "Ola Berg" in event["ORGANIZER"].params["CN"]
    leader, employee = event["ATTENDEE"]
    assert (leader, employee) == ("mailto:ola@fjordvik.example", "mailto:kari@fjordvik.example")
    assert (leader.params["CN"], employee.params["CN"]) == ("Ola Berg", "Kari Nilsen")
    assert (leader.params["ROLE"], employee.params["ROLE"]) == ("CHAIR", "REQ-PARTICIPANT")
    for attendee in (leader, employee):
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"
    assert "https://samtale.fjordvik.example/samtaler/7/forberedelse/" in event["DESCRIPTION"]
    assert event["DTSTAMP"].dt.tzinfo is not None
    # Lines are folded at 75 octets and end in CRLF, as RFC 5545 requires.
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_a_cancellation_has_the_same_uid_and_says_cancelled():
    c = conversation(datetime(2026, 12, 3, 13, 0, tzinfo=OSLO))
    _cal, invite = parse(ics.conversation_ics(c, method="REQUEST", sequence=0))
    calendar, cancel = parse(ics.conversation_ics(c, method="CANCEL", sequence=1))
    assert calendar["METHOD"] == "CANCEL"
    assert cancel["STATUS"] == "CANCELLED"
    assert cancel["UID"] == invite["UID"]
    assert cancel["SEQUENCE"] == 1


def test_a_conversation_without_a_place_has_no_location():
    c = conversation(datetime(2026, 12, 3, 13, 0, tzinfo=OSLO), place="")
    _cal, event = parse(ics.conversation_ics(c, method="REQUEST", sequence=0))
    assert "LOCATION" not in event


def test_an_unknown_method_is_refused():
    c = conversation(datetime(2026, 12, 3, 13, 0, tzinfo=OSLO))
    with pytest.raises(ValueError):
        ics.conversation_ics(c, method="PUBLISH", sequence=0)
