"""Nothing a calendar server sends ties up a process (readers.limits): a flood is cut off
after SAMTALE_BUSY_MAX_BYTES and one chunk, CalDAV's as well as a published calendar's; a
server that trickles its answer, a byte at a time, is cut off at the read's deadline, its
connection closed (the server sees it) and the reading thread ended; a calendar with more
events than SAMTALE_BUSY_MAX_EVENTS is not parsed. What goes over a limit is not used, and
the log says which limit.

The servers are real, on loopback (testing.hostile_server and the test's own below); the
tests set the limits low and wait for what must happen with generous timeouts, asserting
that it happened, never how long it took."""

import logging
import socket
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from samtale import tenancy
from samtale.calendars import reasons, selectors, services
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import base, graph, http, limits, read
from samtale.calendars.readers.base import Source, Unreadable
from testkit import calendars as testing
from testkit import tls as testing_tls
from testkit.calendars import Answer

from .test_graph import MAILBOX, RECORDED, TENANT

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 30, tzinfo=OSLO)
END = datetime(2026, 12, 7, tzinfo=OSLO)
PATIENCE = 30  # seconds to wait for what must happen; it happens in about one


def caldav(url: str) -> Source:
    return Source("caldav", url=f"{url}/kari/arbeid/", username="kari", password="x")


def ics(url: str) -> Source:
    return Source("ics", url=f"{url}/kalender.ics")


def _reason(source: Source) -> Unreadable:
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    return failed.value


def read_in_a_thread(source: Source) -> tuple[threading.Thread, dict]:
    """The read, in a thread of its own as the pages read: the thread, and what it got."""
    outcome: dict = {}

    def run():
        try:
            outcome["found"] = read(source, START, END)
        except Unreadable as failed:
            outcome["failed"] = failed

    thread = threading.Thread(target=tenancy.carried(run), name="test-reader", daemon=True)
    thread.start()
    thread.join(PATIENCE)
    return thread, outcome


def no_timer_left() -> bool:
    return not [t for t in threading.enumerate() if t.name == limits.TIMER_NAME]


@pytest.fixture
def deadline(settings):
    """A deadline of a second, and a timeout far beyond the tests' patience: what ends a
    read here is the deadline."""
    settings.SAMTALE_BUSY_DEADLINE_SECONDS = 1.0
    settings.SAMTALE_BUSY_TIMEOUT_SECONDS = 10 * PATIENCE


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return testing_tls.make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def microsoft(tls, settings):
    """Entra ID and Graph on loopback over HTTPS (as test_graph's)."""
    schedule = Answer(200, RECORDED, {"Content-Type": "application/json"})
    with testing.http_server(testing.graph_routes(TENANT, schedule), tls=tls) as server:
        settings.SAMTALE_BUSY_CA_BUNDLE = str(tls.ca)
        settings.SAMTALE_GRAPH_TENANT_ID = TENANT
        settings.SAMTALE_GRAPH_CLIENT_ID = "11111111-2222-3333-4444-555555555555"
        settings.SAMTALE_GRAPH_CLIENT_SECRET = "hemmelig-klienthemmelighet"
        settings.SAMTALE_GRAPH_URL = server.url
        settings.SAMTALE_GRAPH_AUTHORITY_URL = server.url
        graph._apps.clear()
        yield server
        graph._apps.clear()


@pytest.fixture(params=[True, False], ids=["chunked", "content-length"])
def trickle(request):
    """A byte every 0.2 s, each well inside the readers' timeout. Chunked, every byte is a
    chunk of its own, and the reader sees the deadline between two; with a Content-Length
    the reader waits inside one read for 64 kB, and only closing its socket ends it."""
    with testing.hostile_server(
        chunk=1, every=0.2, size=1_000_000, chunked=request.param
    ) as server:
        yield server


# Bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [caldav, ics], ids=["caldav", "ics"])
def test_a_60_mb_chunked_answer_is_refused_after_the_limit_and_one_chunk(settings, source):
    """The probe's CalDAV server: a REPORT answered with 60 MB, chunked (so no
    Content-Length to refuse it by). The read stops as soon as it is over the limit."""
    settings.SAMTALE_BUSY_MAX_BYTES = 1_000_000
    with testing.hostile_server(size=60 * 1024 * 1024) as server:
        failed = _reason(source(server.url))
        assert server.closed.wait(PATIENCE)
    assert failed.code == base.TOO_LARGE
    assert "SAMTALE_BUSY_MAX_BYTES (1000000)" in failed.detail
    taken = int(failed.detail.split()[0])  # "1048576 bytes read, over …"
    assert 1_000_000 < taken <= 1_000_000 + limits.CHUNK
    # What the server got into the network before it saw the connection closed: what the
    # reader took and what the two ends' buffers held, far from its 60 MB.
    assert server.sent < 60 * 1024 * 1024 / 2
    assert len(server.asked) == 1  # asked once: refused, caldav does not ask again


def test_a_caldav_answer_whose_length_is_over_the_limit_is_not_read(served, settings):
    settings.SAMTALE_BUSY_MAX_BYTES = 1000
    served.routes[("REPORT", "*")] = Answer(207, b"<x/>" * 1000, {"Content-Type": "text/xml"})
    failed = _reason(caldav(served.url))
    assert failed.code == base.TOO_LARGE
    assert failed.detail.startswith("Content-Length 4000,")


def test_graphs_answers_are_held_to_the_limit_too(microsoft, settings):
    """Microsoft Graph's session is unchecked (the operator's addresses), not unlimited:
    signing in passes, getSchedule's answer (3 kB) is over."""
    settings.SAMTALE_BUSY_MAX_BYTES = 1000
    assert _reason(Source("graph", mailbox=MAILBOX)).code == base.TOO_LARGE
    assert any("getSchedule" in path for _m, path, *_ in microsoft.seen)


# Time ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [caldav, ics], ids=["caldav", "ics"])
def test_a_trickling_server_is_cut_off_at_the_deadline(deadline, trickle, source):
    thread, outcome = read_in_a_thread(source(trickle.url))
    assert not thread.is_alive()
    assert outcome["failed"].code == base.TOO_SLOW
    assert "SAMTALE_BUSY_DEADLINE_SECONDS (1.0)" in outcome["failed"].detail
    assert trickle.closed.wait(PATIENCE)  # the server saw its connection closed
    assert no_timer_left()


def test_a_trickle_over_https_is_cut_off_too(deadline, tls, settings):
    """TLS takes the socket's descriptor over as it wraps it: the deadline still finds
    the connection."""
    settings.SAMTALE_BUSY_CA_BUNDLE = str(tls.ca)
    with testing.hostile_server(
        chunk=1, every=0.2, size=1_000_000, chunked=False, tls=tls
    ) as server:
        thread, outcome = read_in_a_thread(ics(server.url))
        assert server.closed.wait(PATIENCE)
    assert not thread.is_alive()
    assert outcome["failed"].code == base.TOO_SLOW


@contextmanager
def trickled_handshake():
    """A server that answers a TLS ClientHello with a handshake record 16 kB long, sent a
    byte every 0.2 s: the reader is stuck in the handshake, before any HTTP. Yields its
    address and an Event set when it sees the client close."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(PATIENCE)
    closed, stop = threading.Event(), threading.Event()

    def serve():
        try:
            connection, _address = listener.accept()
        except OSError:
            return
        record = b"\x16\x03\x03\x40\x00" + b"\x00" * 16384
        with connection:
            for byte in record:
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    closed.set()
                    return
                connection.setblocking(False)
                try:
                    if connection.recv(4096) == b"":
                        closed.set()
                        return
                except BlockingIOError:
                    pass
                except OSError:
                    closed.set()
                    return
                finally:
                    connection.setblocking(True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}", closed
    finally:
        stop.set()
        listener.close()
        thread.join(PATIENCE)


def test_a_trickled_tls_handshake_is_cut_off_at_the_deadline(deadline):
    with trickled_handshake() as (url, closed):
        thread, outcome = read_in_a_thread(ics(url))
        assert closed.wait(PATIENCE)
    assert not thread.is_alive()
    assert outcome["failed"].code == base.TOO_SLOW


def test_graphs_unchecked_session_is_cut_off_at_the_deadline_too(
    microsoft, tls, deadline, settings
):
    """Entra ID answers; getSchedule trickles. Nothing on loopback is allowed here, so the
    session that reads it is the unchecked one, and the deadline holds it all the same."""
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = []
    with testing.hostile_server(
        chunk=1, every=0.2, size=1_000_000, chunked=False, tls=tls
    ) as server:
        settings.SAMTALE_GRAPH_URL = server.url
        graph._apps.clear()
        thread, outcome = read_in_a_thread(Source("graph", mailbox=MAILBOX))
        assert server.closed.wait(PATIENCE)
    assert not thread.is_alive()
    assert outcome["failed"].code == base.TOO_SLOW
    assert [path for _m, path in server.asked] == [f"/v1.0/users/{MAILBOX}/calendar/getSchedule"]
    assert any(TENANT in path for _m, path, *_ in microsoft.seen)  # signed in as usual


def test_after_the_deadline_a_read_asks_nothing_more(deadline, settings, served):
    """A session used past its read's deadline neither connects nor sends."""
    served.routes[("GET", "/kalender.ics")] = Answer(200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    with limits.Budget(until=0.0), pytest.raises(Unreadable) as failed:
        http.fetch(f"{served.url}/kalender.ics")
    assert failed.value.code == base.TOO_SLOW
    assert served.seen == []


def test_the_deadlines_timer_ends_with_the_read(served):
    served.routes[("GET", "/kalender.ics")] = Answer(200, calendar_of(1))
    assert read(ics(served.url), START, END)
    assert no_timer_left()


# Events --------------------------------------------------------------------------------


def calendar_of(events: int, *, begin: str = "BEGIN:VEVENT", day: str = "20261201") -> bytes:
    body = "".join(
        f"{begin}\r\nUID:e{n}\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART:{day}T{8 + n % 8:02d}0000Z\r\nDTEND:{day}T{9 + n % 8:02d}0000Z\r\n"
        "END:VEVENT\r\n"
        for n in range(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//\r\n{body}END:VCALENDAR\r\n".encode()


@pytest.mark.parametrize(
    "begin",
    ["BEGIN:VEVENT", "begin:vevent", "BEGIN:VEV\r\n ENT"],
    ids=["as-usual", "lower-case", "folded"],
)
def test_an_ics_with_more_events_than_the_limit_is_refused_before_it_is_parsed(
    served, settings, begin
):
    """Counted in the raw text: the events are years before the window, so none would be
    expanded, and the count of occurrences would never see them."""
    settings.SAMTALE_BUSY_MAX_EVENTS = 5
    six = calendar_of(6, begin=begin, day="20200101")
    served.routes[("GET", "/kalender.ics")] = Answer(200, six)
    failed = _reason(ics(served.url))
    assert failed.code == base.TOO_MANY_EVENTS
    assert failed.detail == "6 VEVENTs in one answer, over SAMTALE_BUSY_MAX_EVENTS (5)"
    five = calendar_of(5, begin=begin, day="20200101")
    served.routes[("GET", "/kalender.ics")] = Answer(200, five)
    assert read(ics(served.url), START, END) == []  # the control: five are read


def test_the_occurrences_of_a_rule_stop_at_the_limit(served, settings):
    """Seven days of a daily rule in the window, the limit at five occurrences."""
    settings.SAMTALE_BUSY_MAX_EVENTS = 5
    daily = calendar_of(1, day="20261129").replace(b"END:VEVENT", b"RRULE:FREQ=DAILY\r\nEND:VEVENT")
    served.routes[("GET", "/kalender.ics")] = Answer(200, daily)
    failed = _reason(ics(served.url))
    assert failed.code == base.TOO_MANY_EVENTS
    assert failed.detail == "6 occurrences or more, over SAMTALE_BUSY_MAX_EVENTS (5)"


@pytest.mark.parametrize(
    "rule",
    [
        b"FREQ=MINUTELY",
        b"FREQ=SECONDLY;INTERVAL=1",
        b"freq=hourly",
        b"FREQ=YEARLY;BYHOUR=1,2;BYMINUTE=0,1",
        b"FREQ=DAILY;BYSE\r\n COND=1,2,3",
    ],
)
def test_a_rule_denser_than_daily_is_refused_before_it_is_parsed(served, rule):
    """recurring-ical-events walks every occurrence from the series' start in one call (a
    rule every second from a month back took 7 s for one day): no calendar program makes
    one for a meeting, so it is refused by its text."""
    dense = calendar_of(1, day="20260101").replace(
        b"END:VEVENT", b"RRULE:" + rule + b"\r\nEND:VEVENT"
    )
    served.routes[("GET", "/kalender.ics")] = Answer(200, dense)
    failed = _reason(ics(served.url))
    assert failed.code == base.TOO_MANY_EVENTS
    assert "more often than daily" in failed.detail


MULTISTATUS = """<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">{responses}
</D:multistatus>"""
RESPONSE = """
  <D:response>
    <D:href>/kari/arbeid/{n}.ics</D:href>
    <D:propstat>
      <D:prop><D:getetag>"{n}"</D:getetag><C:calendar-data>{data}</C:calendar-data></D:prop>
      <D:status>HTTP/1.1 200 OK</D:status>
    </D:propstat>
  </D:response>"""


@pytest.mark.parametrize(
    ("colon", "counted"),
    [(":", "6 VEVENTs in one answer"), ("&#58;", "6 VEVENTs")],
    ids=["plain", "hidden-in-xml"],
)
def test_the_events_a_caldav_search_finds_are_counted_before_they_are_read(
    served, settings, colon, counted
):
    """Six events, one per response of a calendar-query: refused by the count of the raw
    answer, before caldav parses it, or where the XML hides them from that (the colon
    written as an entity), by the count of the events caldav found, before any is read."""
    settings.SAMTALE_BUSY_MAX_EVENTS = 5

    def report(_handler, body):
        if b"free-busy-query" in body:
            return Answer(501, b"Not Implemented")
        events = calendar_of(1).decode().replace("BEGIN:VEVENT", f"BEGIN{colon}VEVENT")
        responses = "".join(RESPONSE.format(n=n, data=events) for n in range(6))
        return Answer(207, MULTISTATUS.format(responses=responses).encode())

    served.routes[("REPORT", "*")] = report
    failed = _reason(caldav(served.url))
    assert failed.code == base.TOO_MANY_EVENTS
    assert failed.detail == f"{counted}, over SAMTALE_BUSY_MAX_EVENTS (5)"


# The pages -----------------------------------------------------------------------------


def connect(person, url: str) -> CalendarConnection:
    return services.connection_save(actor=person, person=person, kind="ics", url=url)


def test_over_a_limit_nothing_is_used_and_the_log_says_which(people, served, settings, caplog):
    settings.SAMTALE_BUSY_MAX_EVENTS = 5
    served.routes[("GET", "/kalender.ics")] = Answer(200, calendar_of(6))
    connect(people.leader, f"{served.url}/kalender.ics")
    with caplog.at_level(logging.WARNING, logger="samtale.calendars"):
        found = selectors.busy_times(person_ids=[people.leader.pk], start=START, end=END)
    assert found.intervals == {}
    assert [u.reason for u in found.unread] == [base.TOO_MANY_EVENTS]
    assert CalendarConnection.objects.get().last_error == base.TOO_MANY_EVENTS
    assert "over SAMTALE_BUSY_MAX_EVENTS (5)" in caplog.text


def test_the_page_waits_for_the_deadline_and_the_reader_stops_there(
    people, trickle, deadline, caplog
):
    """The page answers at the deadline (its wait is SAMTALE_BUSY_DEADLINE_SECONDS), and
    the read it gave up on does not trickle on: its connection is closed."""
    connect(people.leader, f"{trickle.url}/kalender.ics")
    with caplog.at_level(logging.WARNING, logger="samtale.calendars"):
        found = selectors.busy_times(
            person_ids=[people.leader.pk], start=START, end=START + timedelta(days=1)
        )
        assert trickle.closed.wait(PATIENCE)
    assert [u.reason for u in found.unread] == [base.TOO_SLOW]
    assert "SAMTALE_BUSY_DEADLINE_SECONDS (1.0)" in caplog.text


def test_the_test_button_says_which_limit_and_the_server_sees_the_close(client_for, people):
    """The probe's case, from the leader's calendar page."""
    people.leader.language = "en"
    people.leader.save(update_fields=["language"])
    leader = client_for("leader")
    with testing.hostile_server(size=60 * 1024 * 1024) as server:
        saved = leader.post(
            reverse("calendar_own"),
            {
                "kind": "caldav",
                "url": f"{server.url}/kari/arbeid/",
                "username": "k",
                "password": "x",
            },
        )
        assert saved.status_code == 302
        tested = leader.post(reverse("calendar_test", args=[people.leader.pk]), follow=True)
        assert server.closed.wait(PATIENCE)
    said = "The calendar could not be read: the calendar is larger than 5 MB."
    assert said in tested.content.decode()
    assert CalendarConnection.objects.get().last_error == base.TOO_LARGE


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "the calendar holds more than 10\xa0000 events"),
        ("nb", "kalenderen har flere enn 10\xa0000 avtaler"),
        ("nn", "kalenderen har fleire enn 10\xa0000 avtalar"),
    ],
)
def test_too_many_events_is_said_in_the_readers_language(language, said):
    with translation.override(language):
        assert reasons.reason(base.TOO_MANY_EVENTS) == said
