"""The real servers the busy-time tests read (testkit.calendars) as pytest fixtures,
for this app's tests and the planners' (rounds and conversations import them).

Radicale is started once per test process. Where it cannot start, its tests are skipped
and say why; under CI=true they fail instead, as a missing broker or browser does."""

import os
import uuid
from contextlib import ExitStack
from ipaddress import ip_network

import pytest
from django.core.cache import cache

from testkit import calendars as testing

CALDAV_USERS = {"kari": "kari-passord", "leif": "leif-passord"}


def _missing(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}: the CalDAV tests must run in CI")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def radicale_server(tmp_path_factory):
    stack = ExitStack()
    try:
        server = stack.enter_context(
            testing.radicale_server(tmp_path_factory.mktemp("radicale"), CALDAV_USERS)
        )
    except testing.Unavailable as error:
        server = error
    with stack:
        yield server


@pytest.fixture
def radicale(radicale_server):
    """The Radicale server (skipped, or failed under CI, if it could not start)."""
    if isinstance(radicale_server, testing.Unavailable):
        _missing(f"no CalDAV server: {radicale_server}")
    return radicale_server


def calendar_name() -> str:
    return f"kal-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def served():
    """An HTTP server on loopback; a test sets its routes."""
    with testing.http_server() as server:
        yield server


@pytest.fixture
def silent():
    """The address of a server that accepts and never answers."""
    with testing.silent_server() as url:
        yield url


# Every test server here runs on loopback, which Samtale refuses by default
# (readers.guard); the tests allow it, and the tests of the refusal set it back.
LOOPBACK = [ip_network("127.0.0.0/8"), ip_network("::1/128")]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """An empty cache for each busy-time test, and loopback allowed
    (SAMTALE_BUSY_ALLOWED_NETWORKS). Both in this one fixture, since it is the one the
    planners' test modules import."""
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = LOOPBACK
    cache.clear()
    yield
    cache.clear()
