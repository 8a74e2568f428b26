"""What every reader shares: the interval it returns, the source it reads, why it failed."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Source:
    """What a reader needs of a connection (CalendarConnection), the password decrypted."""

    kind: str
    url: str = ""
    username: str = ""
    password: str = ""
    mailbox: str = ""


# Why a calendar could not be read (stored in CalendarConnection.last_error as
# "code" or "code:detail"; calendars.reasons says each in the reader's language).
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
AUTH = "auth"
NOT_FOUND = "not_found"
HTTP = "http"  # detail: the status code
NOT_CALENDAR = "not_calendar"
TOO_LARGE = "too_large"  # over SAMTALE_BUSY_MAX_BYTES (readers.limits)
TOO_MANY_EVENTS = "too_many_events"  # over SAMTALE_BUSY_MAX_EVENTS (readers.limits)
BAD_REDIRECT = "bad_redirect"
PASSWORD_LOST = "password_lost"
NOT_CONFIGURED = "not_configured"
TOO_SLOW = "too_slow"  # not read by the deadline, SAMTALE_BUSY_DEADLINE_SECONDS (readers.limits)
REFUSED = "refused"  # an address on Samtale's own network (readers.guard)


class Unreadable(Exception):
    """The calendar could not be read: `code` (above), and `detail` for the log."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail

    @property
    def stored(self) -> str:
        """As CalendarConnection.last_error keeps it: the code, and an HTTP status."""
        return f"{self.code}:{self.detail}" if self.code == HTTP else self.code


def tidy(intervals, start: datetime, end: datetime) -> list[Interval]:
    """In UTC, clipped to [start, end), without empty ones, sorted, overlaps merged."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    clipped = sorted(
        Interval(max(i.start.astimezone(UTC), start), min(i.end.astimezone(UTC), end))
        for i in intervals
    )
    merged: list[Interval] = []
    for i in clipped:
        if i.end <= i.start:
            continue
        if merged and i.start <= merged[-1].end:
            if i.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, i.end)
        else:
            merged.append(i)
    return merged
