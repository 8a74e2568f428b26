"""The busy-time readers: one small interface over three kinds of calendar.

    read(source, start, end) -> list[Interval]

`source` is plain values (no database object, so a reader can run in a thread), and what
comes back is only when the person is busy: UTC intervals, clipped to the window, sorted and
merged. No reader keeps or returns an event's title, place, description or attendees.

- `ics`: a published calendar or free/busy address (Outlook's and Google's "publish" links),
  fetched over HTTP(S) and read with icalendar and recurring-ical-events (readers.ics);
- `caldav`: a CalDAV calendar, asked for free/busy (CALDAV:free-busy-query), or for its
  events' times where the server does not answer that (readers.dav);
- `graph`: Microsoft 365, through Microsoft Graph's getSchedule (readers.graph).

Anything that goes wrong (a timeout, an HTTP error, a refused password, something that is
not a calendar) is `Unreadable` with a reason code the pages translate (calendars.reasons).

Each read is held to readers.limits: one deadline, after which its connections are closed
and it ends (TOO_SLOW); at most SAMTALE_BUSY_MAX_BYTES per answer (TOO_LARGE) and
SAMTALE_BUSY_MAX_EVENTS events (TOO_MANY_EVENTS). A read that went over one returns
nothing, whatever its reader made of the rest.
"""

from datetime import datetime

from samtale.calendars.readers import dav, graph, ics, limits
from samtale.calendars.readers.base import NOT_CONFIGURED, Interval, Source, Unreadable, tidy

READERS = {"ics": ics.read, "caldav": dav.read, "graph": graph.read}


def read(
    source: Source, start: datetime, end: datetime, *, until: float | None = None
) -> list[Interval]:
    """When the calendar is busy between `start` and `end` (aware datetimes). `until`: the
    read's deadline, a time.monotonic() instant (default: SAMTALE_BUSY_DEADLINE_SECONDS
    from now)."""
    reader = READERS.get(source.kind)
    if reader is None:
        raise Unreadable(NOT_CONFIGURED, f"unknown kind {source.kind!r}")
    with limits.Budget(until) as budget:
        try:
            found = reader(source, start, end)
        except Exception:
            if budget.over is not None:
                raise budget.over from None
            raise
        if budget.over is not None:
            raise budget.over
    return tidy(found, start, end)
