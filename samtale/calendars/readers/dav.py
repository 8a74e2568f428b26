"""A CalDAV calendar (Radicale, Nextcloud, SOGo, iCloud, Fastmail …), with the `caldav`
library, at the address of the calendar itself.

First a free/busy query (the REPORT CALDAV:free-busy-query, RFC 4791 §7.10): the server
answers with busy periods alone, so no event's title ever leaves it. A server that does not
answer that query is asked for the events in the window instead (a calendar-query REPORT
with a time range), and only their times are read (readers.ics). Every request has the
readers' timeout and goes only to an address readers.guard allows; redirects, which requests
follows, go only to http(s) (it has no other adapter), at most five, each checked again.
Every answer is read by the session within readers.limits before caldav parses it (at most
SAMTALE_BUSY_MAX_BYTES and SAMTALE_BUSY_MAX_EVENTS VEVENTs), the events a search finds are
counted before any is read for its times, and the read's deadline closes the connections.
"""

import logging
from datetime import UTC, datetime

import caldav
import requests
from caldav.lib import error as dav_error

from samtale.calendars.readers import http, ics, limits
from samtale.calendars.readers.base import (
    AUTH,
    NOT_CALENDAR,
    NOT_FOUND,
    Interval,
    Source,
    Unreadable,
)

log = logging.getLogger(__name__)
# caldav logs what it finds odd in a server's answer, parts of the answer included (where
# the events' titles may be); Samtale keeps no titles, in its logs neither.
logging.getLogger("caldav").setLevel(logging.ERROR)


def _text(data) -> bytes:
    return data.encode() if isinstance(data, str) else bytes(data or b"")


class _Client(caldav.DAVClient):
    """caldav's client, held to the readers' session: when a server refuses a password in a
    certain way, caldav puts a plain requests.Session in its place and asks again
    (DAVClient.request, to try without HTTP/2 multiplexing). That session would have
    neither the readers' timeout nor their address check, and would follow a redirect
    anywhere; it is closed unused."""

    @property
    def session(self):
        return self._session

    @session.setter
    def session(self, value) -> None:
        current = getattr(self, "_session", None)
        if isinstance(current, http.Session) and value is not current:
            value.close()
            return
        if current is not None and current is not value:
            current.close()
        self._session = value


def client(source: Source) -> caldav.DAVClient:
    dav = _Client(
        url=source.url,
        username=source.username or None,
        password=source.password or None,
        timeout=http.timeout(),  # type: ignore[arg-type]  # caldav annotates an int; requests takes a float
        ssl_verify_cert=http.verify(),
        headers={"User-Agent": http.USER_AGENT},
        enable_rfc6764=False,
    )
    dav.session = http.session()  # the timeout, CA bundle, redirect limit, address check
    return dav


def _free_busy(calendar, start: datetime, end: datetime) -> list[Interval] | None:
    """The server's free/busy answer, or None where it does not give one."""
    try:
        answer = calendar.freebusy_request(start, end)
    except (dav_error.AuthorizationError, dav_error.NotFoundError):
        raise
    except dav_error.DAVError as refused:
        log.info(
            "calendars: no free-busy query (%s); asking for the events' times", _status(refused)
        )
        return None
    return ics.intervals(_text(answer.data), start, end)


def _event_times(calendar, start: datetime, end: datetime) -> list[Interval]:
    events = [_text(event.data) for event in calendar.search(start=start, end=end, event=True)]
    limits.check_events(sum(limits.vevents(data) for data in events))
    found = []
    for data in events:
        found.extend(ics.intervals(data, start, end))
    return found


def _status(failed: dav_error.DAVError) -> str:
    """The HTTP status of a server's error answer, or "": caldav writes its status line
    first, in `url` (the first argument it raises with) or in `reason`."""
    for text in (failed.url, failed.reason):
        status = str(text or "").strip().split(" ", 1)[0]
        if len(status) == 3 and status.isdigit():
            return status
    return ""


def _refusal(failed: dav_error.DAVError) -> Unreadable:
    status = _status(failed)
    if status:
        return http.status_failure(int(status)) or Unreadable(NOT_CALENDAR, status)
    return Unreadable(NOT_CALENDAR, type(failed).__name__)


def read(source: Source, start: datetime, end: datetime) -> list[Interval]:
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    http.check_scheme(source.url)
    dav = client(source)
    try:
        calendar = dav.calendar(url=source.url)
        found = _free_busy(calendar, start, end)
        return found if found is not None else _event_times(calendar, start, end)
    except Unreadable:
        raise
    except dav_error.AuthorizationError as refused:
        raise Unreadable(AUTH, refused.reason[:200]) from None
    except dav_error.NotFoundError:
        raise Unreadable(NOT_FOUND) from None
    except requests.RequestException as failed:
        raise http.failure(failed) from None
    except dav_error.DAVError as failed:
        raise _refusal(failed) from None
    except Exception as garbled:  # an answer caldav or lxml cannot read
        raise Unreadable(NOT_CALENDAR, type(garbled).__name__) from None
    finally:
        dav.close()
