"""Work handed to another thread with the context copied (`copy_context().run`,
`asyncio.to_thread`, asgiref's `sync_to_async(thread_sensitive=False)`) takes the tenant
along, but not its connection: the new thread's "default" is a connection of its own, the
home tenant's. The database backends' guard (tenancy.connections.TenantGuard) refuses a
connection that is not the current tenant's, so such a thread either reads its tenant's
database or is refused, and never reads the home tenant's."""

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from samtale import tenancy
from samtale.operators.tests import conftest as tenants_tests
from samtale.org.models import Unit

# Where the tenants' tests make their tenants' databases (their fixture).

# The home tenant's row is committed (a thread's connection sees no other), so the test is
# a transaction=True one, its rows, and the register's, flushed after it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nordvik(tenant_databases):
    """A second tenant with a database of its own, for one test (the flush after it empties
    the register, so a tenant kept for the module would be gone)."""
    with tenants_tests.nordvik_registered() as tenant:
        yield tenant


HOME_ONLY, NORDVIK_ONLY = "home-only", "nordvik-only"


def _units() -> list[str]:
    """The units of the database the query reaches, this thread's connections closed after
    (the thread is a pool's, or ends)."""
    try:
        return sorted(Unit.objects.values_list("code", flat=True))
    finally:
        connections.close_all()


def _outcome(run: Callable[[Callable[[], list[str]]], list[str]]) -> object:
    """What `run(_units)` gives: the units read, or the error raised."""
    try:
        return run(_units)
    except Exception as error:  # noqa: BLE001 - handed back to the test
        return error


def in_a_thread_with_a_copied_context(work: Callable[[], list[str]]) -> list[str]:
    context = contextvars.copy_context()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = context.run(work)
        except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _event_loop_of_its_own(coroutine: Callable[[], Any]) -> list[str]:
    """The coroutine run by asyncio.run in a thread that holds this one's context (as an
    async view's would), not in this thread, where another test (Playwright's) may have
    left an event loop running."""
    return in_a_thread_with_a_copied_context(lambda: asyncio.run(coroutine()))


def through_asyncio_to_thread(work: Callable[[], list[str]]) -> list[str]:
    return _event_loop_of_its_own(lambda: asyncio.to_thread(work))


def through_sync_to_async_in_a_thread_of_its_own(work: Callable[[], list[str]]) -> list[str]:
    return _event_loop_of_its_own(sync_to_async(work, thread_sensitive=False))


@pytest.mark.parametrize(
    "run",
    [
        in_a_thread_with_a_copied_context,
        through_asyncio_to_thread,
        through_sync_to_async_in_a_thread_of_its_own,
    ],
    ids=["copy_context-run", "asyncio-to_thread", "sync_to_async-not-thread-sensitive"],
)
def test_a_thread_with_the_tenant_copied_reads_its_database_or_is_refused_never_the_homes(
    run, nordvik
):
    Unit.objects.create(code=HOME_ONLY, name="Heime", kind=Unit.Kind.ENTERPRISE)
    with tenancy.activated(nordvik):
        Unit.objects.create(code=NORDVIK_ONLY, name="Nordvik", kind=Unit.Kind.ENTERPRISE)
        assert _units_here() == [NORDVIK_ONLY]
        outcome = _outcome(run)
        assert tenancy.current().slug == "nordvik"
    assert _units_here() == [HOME_ONLY]
    if isinstance(outcome, Exception):
        assert isinstance(outcome, tenancy.NoTenant), repr(outcome)
        assert "another tenant" in str(outcome)
    else:
        assert outcome == [NORDVIK_ONLY], "the thread read the home tenant's database"


def _units_here() -> list[str]:
    return sorted(Unit.objects.values_list("code", flat=True))
