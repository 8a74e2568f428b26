"""A published calendar or free/busy address (ICS), as Outlook and Google publish one.

The file is fetched (readers.http: a timeout, a size limit, http(s) only) and read with
icalendar; its events' recurrences are expanded by recurring-ical-events, which keeps
RRULE, RDATE, EXDATE and moved occurrences (RECURRENCE-ID), and the local time across the
change to and from summer time. What is busy:

- an event, unless it is cancelled (STATUS:CANCELLED) or does not block time
  (TRANSP:TRANSPARENT, as "free" in Outlook);
- an all-day event: the whole local day (Europe/Oslo), or days, it covers;
- a VFREEBUSY's FREEBUSY periods, unless marked FBTYPE=FREE.

A time without a zone (a "floating" time) is read as Europe/Oslo, as is a Google calendar's
X-WR-TIMEZONE's. Titles and everything else of an event are never kept.

Parsing and expanding cost seconds per 10,000 events, so a calendar with more than
SAMTALE_BUSY_MAX_EVENTS VEVENTs is refused before it is parsed, and the expansion stops at
as many occurrences in the window (a rule repeating every second would make hundreds of
thousands), checking the read's deadline between series (readers.limits).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from samtale.calendars.readers import http, limits
from samtale.calendars.readers.base import NOT_CALENDAR, Interval, Source, Unreadable

OSLO = ZoneInfo("Europe/Oslo")
NOT_BUSY = {"FREE"}


def read(source: Source, start: datetime, end: datetime) -> list[Interval]:
    return intervals(http.fetch(source.url), start, end)


def _aware(value: date | datetime) -> datetime:
    """A date as its local midnight, a floating time as Oslo's."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time.min, tzinfo=OSLO)
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _event(event) -> Interval | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if "DTSTART" not in event:
        return None
    first = event.decoded("DTSTART")
    if "DTEND" in event:
        last = event.decoded("DTEND")
    elif "DURATION" in event:
        last = first + event.decoded("DURATION")
    elif isinstance(first, datetime):
        return None  # an instant: it takes no time
    else:
        last = first + timedelta(days=1)  # a date alone: that one day
    return Interval(_aware(first), _aware(last))


def _periods(freebusy) -> list[Interval]:
    """A VFREEBUSY's busy periods: icalendar gives each period of each FREEBUSY line as a
    vPeriod with its line's parameters (FBTYPE), a (start, end or duration) pair."""
    found = []
    periods = freebusy.get("FREEBUSY", [])
    for period in periods if isinstance(periods, list) else [periods]:
        if str(period.params.get("FBTYPE", "BUSY")).upper() in NOT_BUSY:
            continue
        first, second = period.dt
        last = first + second if isinstance(second, timedelta) else second
        found.append(Interval(_aware(first), _aware(last)))
    return found


def intervals(data: bytes, start: datetime, end: datetime) -> list[Interval]:
    """When the calendar in `data` is busy between `start` and `end` (not yet clipped or
    merged: readers.tidy does that). Something that is not iCalendar is `Unreadable`."""
    limits.check_events(limits.vevents(data))
    limits.check_rules(data)
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception as error:  # icalendar raises ValueError, and others on odd input
        raise Unreadable(NOT_CALENDAR, type(error).__name__) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise Unreadable(NOT_CALENDAR, "no VCALENDAR")
    found: list[Interval] = []
    events: list = []
    for calendar in calendars:
        for freebusy in calendar.walk("VFREEBUSY"):
            found.extend(_periods(freebusy))
        events.extend(_occurrences(calendar, start, end))
    for event in events:
        if (interval := _event(event)) is not None:
            found.append(interval)
    return found


def _occurrences(calendar, start: datetime, end: datetime) -> list:
    """The events of `calendar` in the window, recurrences expanded, as recurring-ical-events'
    `between` gives them (a series it cannot expand left out), but one series at a time and
    each occurrence counted: the read stops at SAMTALE_BUSY_MAX_EVENTS of them, and at its
    deadline, checked between two series."""
    found = []
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        skipped = tuple(query.suppressed_errors)
        for series in query.series:
            limits.check_deadline()
            try:
                for occurrence in series.between(start, end):
                    limits.add_events(1)
                    found.append(occurrence.as_component(False))
            except skipped:
                continue
    except Unreadable:
        raise
    except Exception as error:  # a rule it cannot expand, a time it cannot read
        raise Unreadable(NOT_CALENDAR, type(error).__name__) from None
    return found
