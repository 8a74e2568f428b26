"""The readers connect only outside Samtale's own network (readers.guard): an address on
loopback, a private network, link-local (the cloud's metadata service) and the like is
refused at every connection, after a redirect too, and whatever the name resolved to when
it was saved; SAMTALE_BUSY_ALLOWED_NETWORKS lets the operator's own servers through.

The test servers run on loopback, which the fixtures allow (fixtures.LOOPBACK); the tests
here narrow or empty that. Where a name must resolve to an address of the test's choosing,
the readers' own resolver (guard.lookup) answers for it, and nothing else is patched."""

from datetime import datetime
from ipaddress import ip_address, ip_network
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from samtale.calendars.readers import base, guard, read
from samtale.calendars.readers.base import Source, Unreadable
from testkit import calendars as testing
from testkit import tls as testing_tls
from testkit.calendars import Answer

from .test_caldav import EVENTS

OSLO = ZoneInfo("Europe/Oslo")
START = datetime(2026, 11, 30, tzinfo=OSLO)
END = datetime(2026, 12, 14, tzinfo=OSLO)
CALENDAR = EVENTS[0].encode()
PUBLIC = "93.184.215.14"  # an address on the internet; never connected to here


def _reason(source: Source) -> Unreadable:
    with pytest.raises(Unreadable) as failed:
        read(source, START, END)
    return failed.value


@pytest.fixture
def nothing_allowed(settings):
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = []


@pytest.fixture
def names(monkeypatch):
    """Names the readers' resolver answers with addresses of the test's choosing (each
    name's list may be changed between two look-ups); every look-up is in `asked`."""
    answers: dict[str, list[str]] = {}
    asked: list[tuple[str, int]] = []
    real = guard.lookup

    def lookup(host, port):
        asked.append((host, port))
        return list(answers[host]) if host in answers else real(host, port)

    monkeypatch.setattr(guard, "lookup", lookup)
    return SimpleNamespace(answers=answers, asked=asked)


@pytest.fixture
def inner():
    """A second server on loopback, on 127.0.0.2: the inward target of a redirect."""
    try:
        with testing.http_server(host="127.0.0.2") as server:
            yield server
    except testing.Unavailable as error:
        pytest.skip(str(error))


# Which addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # a cloud's metadata service
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2001:db8::1",
    ],
)
def test_an_internal_address_is_refused_by_default(nothing_allowed, address):
    assert guard.refused(ip_address(address))


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"])
def test_an_address_on_the_internet_is_not(nothing_allowed, address):
    assert not guard.refused(ip_address(address))


def test_an_allowed_network_lets_its_addresses_through_and_no_others(settings):
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = [ip_network("10.20.0.0/16")]
    assert not guard.refused(ip_address("10.20.1.2"))
    assert not guard.refused(ip_address("::ffff:10.20.1.2"))
    assert guard.refused(ip_address("10.21.0.1"))
    assert guard.refused(ip_address("127.0.0.1"))


# At read time ----------------------------------------------------------------------------


def test_a_loopback_address_is_refused_when_read(served, nothing_allowed):
    served.routes[("GET", "/k.ics")] = Answer(200, CALENDAR)
    assert _reason(Source("ics", url=f"{served.url}/k.ics")).code == base.REFUSED
    assert served.seen == []  # never asked


def test_the_metadata_address_is_refused_when_read(nothing_allowed):
    """Refused before any connection: not a timeout, not unreachable."""
    source = Source("ics", url="http://169.254.169.254/latest/meta-data/")
    assert _reason(source).code == base.REFUSED


def test_localhost_is_refused(served, nothing_allowed):
    served.routes[("GET", "/k.ics")] = Answer(200, CALENDAR)
    url = served.url.replace("127.0.0.1", "localhost")
    assert _reason(Source("ics", url=f"{url}/k.ics")).code == base.REFUSED
    assert served.seen == []


def test_a_name_with_one_internal_address_among_others_is_refused(names):
    names.answers["kalender.example"] = [PUBLIC, "10.0.0.7"]
    source = Source("ics", url="https://kalender.example/k.ics")
    assert _reason(source).code == base.REFUSED


def test_a_caldav_server_on_loopback_is_refused(served, nothing_allowed):
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    assert _reason(source).code == base.REFUSED
    assert served.seen == []


def test_the_socket_goes_to_the_address_checked_with_no_second_look_up(served, names):
    """The name is resolved once, by the check, and the connection made to that address:
    kalender.example is known to no resolver but the test's, so a second look-up by
    anything else would fail. The name still goes in the Host header."""
    names.answers["kalender.example"] = ["127.0.0.1"]
    served.routes[("GET", "/k.ics")] = Answer(200, CALENDAR)
    port = int(served.url.rsplit(":", 1)[1])
    assert read(Source("ics", url=f"http://kalender.example:{port}/k.ics"), START, END)
    assert names.asked == [("kalender.example", port)]
    assert served.seen[0][2]["Host"] == f"kalender.example:{port}"


def test_a_name_that_moves_inward_after_it_was_checked_is_refused(names):
    """DNS rebinding: public when the address was saved, internal when it is read."""
    names.answers["kalender.example"] = [PUBLIC]
    assert not guard.url_refused("https://kalender.example/k.ics")
    names.answers["kalender.example"] = ["10.0.0.7"]
    assert _reason(Source("ics", url="https://kalender.example/k.ics")).code == base.REFUSED


# Redirects -------------------------------------------------------------------------------


@pytest.fixture
def only_the_first_loopback_address(settings):
    """The allowed server is on 127.0.0.1; the redirect leads to 127.0.0.2, which is not
    allowed (and refused by default, as all loopback is)."""
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = [ip_network("127.0.0.1/32")]


def test_a_redirect_inward_is_refused(served, inner, only_the_first_loopback_address):
    inner.routes[("GET", "/k.ics")] = Answer(200, CALENDAR)
    served.routes[("GET", "/k.ics")] = Answer(302, b"", {"Location": f"{inner.url}/k.ics"})
    assert _reason(Source("ics", url=f"{served.url}/k.ics")).code == base.REFUSED
    assert len(served.seen) == 1 and inner.seen == []


def test_the_same_redirect_is_followed_where_its_target_is_allowed(served, inner, settings):
    """The control of the test above: with all of loopback allowed the redirect is read,
    so what refused it there is the check, not the test's servers."""
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = [ip_network("127.0.0.0/8")]
    inner.routes[("GET", "/k.ics")] = Answer(200, CALENDAR)
    served.routes[("GET", "/k.ics")] = Answer(302, b"", {"Location": f"{inner.url}/k.ics"})
    assert read(Source("ics", url=f"{served.url}/k.ics"), START, END)
    assert len(inner.seen) == 1


def test_a_caldav_redirect_inward_is_refused(served, inner, only_the_first_loopback_address):
    """requests follows a CalDAV server's redirects itself: each is checked as it goes."""
    inner.routes[("REPORT", "*")] = Answer(207, b"<x/>")
    served.routes[("REPORT", "*")] = Answer(307, b"", {"Location": f"{inner.url}/kari/arbeid/"})
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    assert _reason(source).code == base.REFUSED
    assert inner.seen == []


def test_caldav_keeps_the_checked_session_when_a_server_refuses_the_password(
    served, inner, only_the_first_loopback_address
):
    """Refused twice with a password, caldav would put a plain requests.Session in place of
    the readers' and ask again (readers.dav._Client): without the check, that session
    would follow this server's redirect inward."""
    asked = []

    def report(_handler, _body):
        asked.append(1)
        if len(asked) <= 2:
            return Answer(401, b"no", {"WWW-Authenticate": 'Basic realm="k"'})
        return Answer(307, b"", {"Location": f"{inner.url}/kari/arbeid/"})

    inner.routes[("REPORT", "*")] = Answer(207, b"<x/>")
    served.routes[("REPORT", "*")] = report
    source = Source("caldav", url=f"{served.url}/kari/arbeid/", username="kari", password="x")
    assert _reason(source).code == base.REFUSED
    assert len(asked) == 3 and inner.seen == []


# Through a proxy ------------------------------------------------------------------------


@pytest.fixture
def proxy(served, monkeypatch):
    """`served` as the forward proxy of the environment (it answers any address asked)."""
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, served.url)
    for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    served.routes[("GET", "*")] = Answer(200, CALENDAR)
    return served


def test_through_a_proxy_an_internal_address_is_refused_before_it_is_asked(
    proxy, names, nothing_allowed
):
    names.answers["intern.example"] = ["10.0.0.7"]
    assert _reason(Source("ics", url="http://intern.example/k.ics")).code == base.REFUSED
    assert proxy.seen == []


def test_the_operators_proxy_itself_is_not_checked(proxy, names, nothing_allowed):
    """The proxy is on loopback, and nothing is allowed: the address asked through it is
    checked, the proxy is the operator's."""
    names.answers["kalender.example"] = [PUBLIC]
    assert read(Source("ics", url="http://kalender.example/k.ics"), START, END)
    assert [path for _method, path, *_ in proxy.seen] == ["http://kalender.example/k.ics"]


# Over HTTPS -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return testing_tls.make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def secure(tls, settings):
    """An HTTPS server on 127.0.0.1 with a certificate for that address alone."""
    settings.SAMTALE_BUSY_CA_BUNDLE = str(tls.ca)
    with testing.http_server({("GET", "/k.ics"): Answer(200, CALENDAR)}, tls=tls) as server:
        yield server


def test_a_checked_https_connection_verifies_the_certificate(secure):
    assert read(Source("ics", url=f"{secure.url}/k.ics"), START, END)


def test_the_certificate_is_checked_against_the_name_not_the_address_connected_to(secure, names):
    """The socket goes to the checked 127.0.0.1, but TLS still asks for kalender.example,
    which the certificate is not for."""
    names.answers["kalender.example"] = ["127.0.0.1"]
    port = int(secure.url.rsplit(":", 1)[1])
    source = Source("ics", url=f"https://kalender.example:{port}/k.ics")
    assert _reason(source).code == base.UNREACHABLE
    assert names.asked == [("kalender.example", port)]
