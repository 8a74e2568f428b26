"""When people are busy in their own calendars, for the scheduling assistant and the hand
planner: read through the readers (calendars.readers), cached briefly, never failing a page.

`busy_times` costs one query for the connections, whatever the number of people, and one
UPDATE per connection that was read from its server (when, or why not). What was read is in
Django's cache for SAMTALE_BUSY_CACHE_SECONDS, keyed by the connection, the time it was last
changed and the window (whole local days, so the pages' windows repeat); a failure is kept
for at most a minute, so a server that is down does not slow every page. The servers are
asked at once, in threads, and the page waits for them all until one deadline,
SAMTALE_BUSY_DEADLINE_SECONDS from when it asks: a calendar not read by then is named as not
read, and planned without. The reads share that deadline, at which their connections are
closed (readers.limits), so no thread goes on reading after the page has answered.
"""

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from samtale import tenancy
from samtale.calendars import keys, readers
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import limits
from samtale.calendars.readers.base import (
    NOT_CALENDAR,
    PASSWORD_LOST,
    TOO_SLOW,
    Interval,
    Source,
    Unreadable,
)

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
FAILURE_SECONDS = 60
MAX_THREADS = 8


@dataclass(frozen=True)
class Unread:
    """A calendar that could not be read: whose, and why (a reason code)."""

    person_id: int
    name: str
    reason: str


@dataclass
class BusyTimes:
    """What people's calendars hold in a window: intervals per person, and who could not
    be read (the page says so, and plans without them)."""

    intervals: dict[int, list[Interval]] = field(default_factory=dict)
    unread: list[Unread] = field(default_factory=list)

    def clashes(self, person_id: int, start: datetime, end: datetime) -> list[Interval]:
        return [i for i in self.intervals.get(person_id, ()) if i.start < end and start < i.end]


def _days(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The whole local days that hold [start, end), as UTC instants."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)

    first = start.astimezone(OSLO).date()
    last = (end - timedelta(microseconds=1)).astimezone(OSLO).date()
    return midnight(first), midnight(last + timedelta(days=1))


def cache_key(connection: CalendarConnection, start: datetime, end: datetime) -> str:
    version = connection.changed_at.timestamp() if connection.changed_at else 0
    return f"calendars:busy:{connection.pk}:{version}:{start:%Y%m%dT%H%M}:{end:%Y%m%dT%H%M}"


def source_of(connection: CalendarConnection) -> Source:
    """The connection's plain values, decrypted (keys.Undecryptable if they cannot be)."""
    return Source(
        kind=connection.kind,
        url=keys.decrypt(connection.url),
        username=connection.username,
        password=keys.decrypt(connection.password),
        mailbox=connection.mailbox or connection.person.email,
    )


def _read(
    source: Source, start: datetime, end: datetime, until: float
) -> list[Interval] | Unreadable:
    try:
        return readers.read(source, start, end, until=until)
    except Unreadable as failed:
        return failed
    except Exception as failed:  # a reader's bug must not fail the page either
        log.exception("calendars: reader failed")
        return Unreadable(NOT_CALENDAR, type(failed).__name__)


def read_now(
    connections: list[CalendarConnection], start: datetime, end: datetime
) -> dict[int, list[Interval] | Unreadable]:
    """Ask each connection's server now, all at once: what each answered (or why not) by
    connection id. Waits at most SAMTALE_BUSY_DEADLINE_SECONDS, the reads' own deadline."""
    results: dict[int, list[Interval] | Unreadable] = {}
    asked = {}
    for connection in connections:
        try:
            asked[connection.pk] = source_of(connection)
        except keys.Undecryptable:
            results[connection.pk] = Unreadable(PASSWORD_LOST)
    if not asked:
        return results
    seconds = limits.deadline_seconds()
    until = monotonic() + seconds
    pool = ThreadPoolExecutor(max_workers=min(MAX_THREADS, len(asked)))
    # Each read in the tenant of this page (its Microsoft 365 credentials, say): a pool's
    # thread starts in none (tenancy.carried).
    read = tenancy.carried(_read)
    futures = {pk: pool.submit(read, source, start, end, until) for pk, source in asked.items()}
    wait_for(futures.values(), timeout=seconds)
    # A thread still reading ends at the same deadline, its connections closed; one still
    # queued is not started. The page does not wait for either.
    pool.shutdown(wait=False, cancel_futures=True)
    late = f"over SAMTALE_BUSY_DEADLINE_SECONDS ({seconds})"
    for pk, future in futures.items():
        results[pk] = future.result() if future.done() else Unreadable(TOO_SLOW, late)
    return results


def record(
    connections: list[CalendarConnection], results: dict[int, list[Interval] | Unreadable]
) -> None:
    """Write down on each connection how its read went (UPDATEs of those fields alone, so
    the connection's `changed_at`, and with it the cache, stays)."""
    now = timezone.now()
    read = [c.pk for c in connections if not isinstance(results.get(c.pk), Unreadable)]
    if read:
        CalendarConnection.objects.filter(pk__in=read).update(
            last_read_at=now, last_error="", last_error_at=None
        )
    for connection in connections:
        failed = results.get(connection.pk)
        if isinstance(failed, Unreadable):
            log.warning(
                "calendars: the calendar of person %s could not be read: %s",
                connection.person_id,
                failed,
            )
            CalendarConnection.objects.filter(pk=connection.pk).update(
                last_error=failed.stored[:40], last_error_at=now
            )
            connection.last_error = failed.stored[:40]


READ_FIELDS = (
    "kind",
    "url",
    "username",
    "password",
    "mailbox",
    "changed_at",
    "person_id",
    "person__first_name",
    "person__last_name",
    "person__email",
)


def connections_of(person_ids: Iterable[int]) -> QuerySet[CalendarConnection]:
    # Only what a read needs: the ORM's work for all of a person's columns was most of a
    # cached look-up's time.
    return (
        CalendarConnection.objects.filter(person_id__in=list(person_ids), person__is_active=True)
        .select_related("person")
        .only(*READ_FIELDS)
    )


def busy_times(*, person_ids: Iterable[int], start: datetime, end: datetime) -> BusyTimes:
    """When these people's connected calendars are busy between `start` and `end`. People
    without a connection have no intervals; a calendar that cannot be read is in `unread`."""
    connections = list(connections_of(person_ids))
    result = BusyTimes()
    if not connections:
        return result
    first, last = _days(start, end)
    keyed = {cache_key(c, first, last): c for c in connections}
    answers = cache.get_many(list(keyed))
    missing = [c for key, c in keyed.items() if key not in answers]
    if missing:
        fresh = read_now(missing, first, last)
        record(missing, fresh)
        ttl = settings.SAMTALE_BUSY_CACHE_SECONDS
        for key, connection in keyed.items():
            if connection.pk not in fresh:
                continue
            found = fresh[connection.pk]
            if isinstance(found, Unreadable):
                answers[key] = ("unread", found.stored)
                cache.set(key, answers[key], min(ttl, FAILURE_SECONDS))
            else:
                answers[key] = ("busy", found)
                cache.set(key, answers[key], ttl)
    for key, connection in keyed.items():
        what, value = answers[key]
        if what == "busy":
            result.intervals[connection.person_id] = value
        else:
            result.unread.append(Unread(connection.person_id, connection.person.full_name, value))
    result.unread.sort(key=lambda u: (u.name, u.person_id))
    return result


def connection_of(person: Any) -> CalendarConnection | None:
    return CalendarConnection.objects.filter(person=person).first()
