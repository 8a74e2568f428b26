"""What one read may take of Samtale: time, bytes and events. A calendar server is a
stranger's (its address is a person's to give), so nothing it sends may tie up a process.

- **Time**: every read has one deadline (SAMTALE_BUSY_DEADLINE_SECONDS from its start, or
  the moment the page stops waiting, selectors.read_now). SAMTALE_BUSY_TIMEOUT_SECONDS
  bounds each wait for a part of an answer, but a server sending a byte just inside it
  would keep a reader going for hours. So `Budget`, set around each read (readers.read),
  keeps a duplicate of every socket the read's connections open or reuse (`Watched`), and
  a timer shuts them down at the deadline: shutdown(SHUT_RDWR) on the duplicate ends the
  connection itself, which wakes a recv blocked in the reading thread (Linux), and the
  read ends with `Unreadable(TOO_SLOW)`, as the page said (TOO_SLOW is the deadline's
  code, TIMEOUT the per-recv timeout's). A duplicate, not the reader's own socket object:
  TLS takes over a socket's descriptor when it wraps it, so the first object may hold none
  by the time the deadline comes, and closing a descriptor another thread still reads
  from could close whatever file takes its number next. After the deadline a read opens
  no connection, sends no request, takes no further chunk and expands no further series
  of events (readers.ics); only a parse already begun runs to its end, bounded by the
  limits below. The timer ends with the read, fired or not.
- **Bytes**: every answer to every reader (ICS, CalDAV through the caldav library, Graph
  and its sign-in through msal) is read here (`LimitedAdapter`), in chunks, at most
  SAMTALE_BUSY_MAX_BYTES: a Content-Length over it is refused before reading, a body that
  grows over it as soon as it does (so no more than the limit and one chunk is read).
- **Events**: an answer with more than SAMTALE_BUSY_MAX_EVENTS VEVENTs is refused before
  anything parses it (counting "BEGIN:VEVENT" costs milliseconds; parsing and expanding
  10,000 events, seconds), and readers.ics stops expanding recurrences at as many
  occurrences. A recurrence denser than daily (FREQ=HOURLY, MINUTELY, SECONDLY, or BYHOUR,
  BYMINUTE, BYSECOND) is refused before it is parsed: the expansion walks every occurrence
  from the series' start, in a call nothing can interrupt.

What goes over a limit is `Unreadable` (TOO_LARGE, TOO_MANY_EVENTS, TOO_SLOW) whose detail
names the setting, so the log line of the unread calendar says which limit it was; the
first refusal is kept on the budget, and readers.read raises it even where a library
(caldav) swallowed it and went on: nothing read by a read that went over a limit is used.
"""

import contextlib
import contextvars
import logging
import re
import socket
import threading
import time
from typing import TYPE_CHECKING

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3 import ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from samtale.calendars.readers.base import TOO_LARGE, TOO_MANY_EVENTS, TOO_SLOW, Unreadable

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
TIMER_NAME = "calendars-deadline"
_current: contextvars.ContextVar["Budget | None"] = contextvars.ContextVar(
    "calendars_budget", default=None
)


def deadline_seconds() -> float:
    return float(settings.SAMTALE_BUSY_DEADLINE_SECONDS)


class Budget:
    """One read's limits: its deadline (a time.monotonic() instant), the sockets its
    connections use, and the first limit it went over (`over`). A context manager; the
    readers' connections find it in a context variable, so it holds in the thread that
    reads and in no other."""

    def __init__(self, until: float | None = None) -> None:
        self.until = time.monotonic() + deadline_seconds() if until is None else until
        self.over: Unreadable | None = None
        self.events = 0  # occurrences expanded (readers.ics)
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._expired = False
        self._timer = threading.Timer(max(0.0, self.until - time.monotonic()), self._expire)
        self._timer.name = TIMER_NAME
        self._timer.daemon = True

    def __enter__(self) -> "Budget":
        self._token = _current.set(self)
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        self._timer.join()  # at once when cancelled; or while it shuts the sockets down
        _current.reset(self._token)
        with self._lock:
            watched, self._watched = self._watched, []
        for duplicate in watched:
            duplicate.close()

    def refuse(self, code: str, detail: str) -> Unreadable:
        """The refusal, kept as `over` if it is the read's first."""
        refusal = Unreadable(code, detail)
        with self._lock:
            if self.over is None:
                self.over = refusal
        return refusal

    def _late(self) -> Unreadable:
        return self.refuse(TOO_SLOW, f"over SAMTALE_BUSY_DEADLINE_SECONDS ({deadline_seconds()})")

    def expired(self) -> bool:
        return self._expired or time.monotonic() >= self.until

    def check(self) -> None:
        """Raises the refusal once the read is over a limit, or past its deadline: it then
        asks nothing more (caldav, refused, would try again)."""
        if self.over is not None:
            raise self.over
        if self.expired():
            raise self._late()

    def watch(self, sock: socket.socket) -> None:
        """Shut the connection of `sock` down at the deadline (at once if it has passed)."""
        duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        with self._lock:
            if not self._expired:
                self._watched.append(duplicate)
                return
        self._late()
        _cut(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            watched, self._watched = self._watched, []
        if not watched:
            return  # nothing is being read: nothing to stop
        self._late()
        log.warning(
            "calendars: a read went over SAMTALE_BUSY_DEADLINE_SECONDS (%s); its %d "
            "connection(s) are closed",
            deadline_seconds(),
            len(watched),
        )
        for duplicate in watched:
            _cut(duplicate)


def _cut(duplicate: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed by its other end already
        duplicate.shutdown(socket.SHUT_RDWR)
    duplicate.close()


def current() -> Budget | None:
    return _current.get()


def refuse(code: str, detail: str) -> Unreadable:
    """A limit's refusal, kept on the read's budget (if any) as the reason of the read."""
    budget = current()
    return budget.refuse(code, detail) if budget is not None else Unreadable(code, detail)


def check_deadline() -> None:
    """For a reader's own loops (readers.ics): `Unreadable(TOO_SLOW)` past the deadline."""
    if (budget := current()) is not None:
        budget.check()


# Events -------------------------------------------------------------------------------

_FOLD = re.compile(rb"\r?\n[ \t]")


def vevents(data: bytes) -> int:
    """How many VEVENTs `data` begins, counted in the raw text: names are case-insensitive
    and a line may be folded anywhere (RFC 5545 §3.1), so the lines are unfolded first."""
    return _FOLD.sub(b"", data).upper().count(b"BEGIN:VEVENT")


# A rule that repeats more often than daily, or lists hours, minutes or seconds: no
# calendar program makes one for a meeting, and recurring-ical-events walks every occurrence
# from the series' start to the window in one call the deadline cannot interrupt (one
# repeating every second from a month back took 7 s for a day; a daily one from the year
# 1000, 0.8 s).
_DENSE_RULE = re.compile(
    rb"^(?:RRULE|EXRULE)[;:][^\n]*(?:FREQ=(?:SECONDLY|MINUTELY|HOURLY)|BY(?:SECOND|MINUTE|HOUR)=)",
    re.MULTILINE,
)


def check_rules(data: bytes) -> None:
    """`Unreadable(TOO_MANY_EVENTS)` for a recurrence denser than daily (see above)."""
    found = _DENSE_RULE.search(_FOLD.sub(b"", data).upper())
    if found:
        raise refuse(
            TOO_MANY_EVENTS,
            "a recurrence repeating more often than daily (RRULE "
            + found.group(0).split(b"FREQ=")[-1][:40].decode("ascii", "replace")
            + "), which no calendar program makes",
        )


def check_events(count: int, what: str = "VEVENTs") -> None:
    """`Unreadable(TOO_MANY_EVENTS)` if `count` is over SAMTALE_BUSY_MAX_EVENTS."""
    limit = settings.SAMTALE_BUSY_MAX_EVENTS
    if count > limit:
        raise refuse(TOO_MANY_EVENTS, f"{count} {what}, over SAMTALE_BUSY_MAX_EVENTS ({limit})")


def add_events(count: int) -> None:
    """`count` more events expanded (occurrences) by this read: refused once the read's
    total is over SAMTALE_BUSY_MAX_EVENTS (outside a read, not counted)."""
    if (budget := current()) is not None:
        budget.events += count
        check_events(budget.events, "occurrences or more")


# Connections --------------------------------------------------------------------------


if TYPE_CHECKING:  # what it is mixed into, for the checker
    _Connection = HTTPConnection
else:
    _Connection = object


class Watched(_Connection):
    """A urllib3 connection whose sockets the read's budget watches: each new one (before
    TLS, so a handshake that trickles is cut too) and each reused one, as a request is
    sent on it. Past the deadline it neither connects nor sends. Mixed in first."""

    _budget: Budget | None = None

    def _new_conn(self) -> socket.socket:
        budget = current()
        if budget is not None:
            budget.check()
        sock = super()._new_conn()
        if budget is not None:
            self._budget = budget
            budget.watch(sock)
        return sock

    def request(self, *args, **kwargs):
        budget = current()
        if budget is not None:
            budget.check()
            if self.sock is not None and self._budget is not budget:
                self._budget = budget
                budget.watch(self.sock)
        return super().request(*args, **kwargs)


class _WatchedHTTPConnection(Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(Watched, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class LimitedAdapter(HTTPAdapter):
    """requests' adapter that reads every answer itself, within the limits above, before
    anything else sees it (requests following a redirect, caldav, msal), and whose
    connections, direct or to a proxy, the read's budget watches."""

    pools = WATCHED_POOLS

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self.pools)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # The connection to an HTTP proxy is the operator's (not checked, readers.guard),
        # but what comes through it is a stranger's: watched. (A SOCKS proxy's is not.)
        if type(manager) is ProxyManager:
            manager.pool_classes_by_scheme = dict(WATCHED_POOLS)
        return manager

    def send(self, request, **kwargs):
        budget = current()
        if budget is not None:
            budget.check()
        try:
            response = super().send(request, **kwargs)
            read_body(response, budget)
        except Exception:
            # A connection the deadline cut fails in whatever way it was cut (a broken
            # chunk, an SSL error, a reset): the reason is the deadline.
            if budget is not None and budget.over is not None:
                raise budget.over from None
            raise
        return response


def read_body(response, budget: Budget | None) -> None:
    """Read `response`'s body into it (as requests' `content`), or refuse it: more than
    SAMTALE_BUSY_MAX_BYTES (declared or sent), more than SAMTALE_BUSY_MAX_EVENTS events, or
    the deadline passed."""
    limit = settings.SAMTALE_BUSY_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise refuse(TOO_LARGE, f"Content-Length {declared}, over SAMTALE_BUSY_MAX_BYTES ({limit})")
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > limit:
            response.close()
            raise refuse(
                TOO_LARGE, f"{len(body)} bytes read, over SAMTALE_BUSY_MAX_BYTES ({limit})"
            )
        if budget is not None:
            budget.check()
    response._content = bytes(body)
    check_events(vevents(response._content), "VEVENTs in one answer")
