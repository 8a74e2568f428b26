import logging
import os

import pytest
import pytest_django.fixtures as pytest_django_fixtures
from django.conf import settings
from django.core.management.commands import flush
from django.test import Client, TestCase, TransactionTestCase
from django.utils import translation

from testkit.core import audit_flushable
from testkit.people import make_people

# Every request looks up its tenant, and the worker and the scheduler list the tenants: the
# control database (tenancy) is as much every test's as it is every process's. Each
# test's transaction (or flush) covers it too.
for _case in (TestCase, TransactionTestCase):
    _case.databases = {"default", "control"}


def _with_the_control_database(items):
    """pytest-django makes the test databases its collected tests name in their markers
    (`default` alone, for most): the control database too, whichever tests run (a module on
    its own, say), since every request and the readiness check reach it."""
    aliases, serialized = _databases_for_setup(items)
    if aliases:
        aliases = {*aliases, "control"}
    return aliases, serialized


_databases_for_setup = pytest_django_fixtures._get_databases_for_setup
pytest_django_fixtures._get_databases_for_setup = _with_the_control_database

# The fixtures through which a test reaches the database (pytest-django refuses any other
# way); live_server asks for its database when it starts.
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def _database_only(config, items) -> None:
    """SAMTALE_TESTS_DATABASE_ONLY=1: only the tests that reach the database run. CI runs the
    suite on SQLite, then on PostgreSQL with this set: a test that never touches the database
    (a parser, a settings check in a subprocess of its own, a signature) gives the same answer
    on both, and ran in full on the first. So do the browser tests: they drive the interface
    (what a person sees, clicks and is told), one at a time on one worker, and every query
    behind their pages is run on PostgreSQL by the view, service and access tests of the same
    pages. They run once, on SQLite. So do the walks (marked `walk`): each renders every page
    a role reaches to look for what it must not show (an unshared note, a conversation's
    content to the administrator); what it asserts is in the HTML, and the queries behind
    those pages run on PostgreSQL in the access matrix and the views' tests. The others are
    reported as deselected."""
    if os.environ.get("SAMTALE_TESTS_DATABASE_ONLY", "") not in ("1", "true"):
        return

    def runs(item) -> bool:
        # The browser tests' own conftest marks them `browser`, in a hook that may run after
        # this one: their folder says it too.
        browser = item.get_closest_marker("browser") or "tests/browser/" in item.nodeid
        return uses_database(item) and not browser and not item.get_closest_marker("walk")

    kept = [item for item in items if runs(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not runs(item)])
        items[:] = kept


def _postgresql_only(config, items) -> None:
    """The tests marked `postgresql` (PgBouncer in front of it, a second server) have nothing
    to reach on SQLite: deselected there, and reported so; CI's PostgreSQL suite runs them."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    only = [item for item in items if item.get_closest_marker("postgresql")]
    if only:
        config.hook.pytest_deselected(items=only)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`--dist loadgroup` sends the tests marked `xdist_group` (the broker's, the browser's)
    to one worker by a suffix on their node id; pytest-xdist 3.8 writes it where pytest 9.2
    no longer reads it (`item._nodeid`), so the groups were spread over the workers. Written
    where pytest reads it, a test that restarts the broker runs beside no other that uses it."""
    _database_only(config, items)
    _postgresql_only(config, items)
    if not getattr(config.option, "loadgroup", False):  # set on the workers of `-n`
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(mark.args[0]) for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid.rpartition("::")[2]:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(autouse=True, scope="session")
def _in_the_home_tenant():
    """The tests are an entry point like a request or a command: they run in the tenant of
    the installation's own database (the test database), as the environment registers it
    (tenancy.seed: the test databases' migrate registers it in the control database),
    activated here, explicitly, for the whole session, before the test databases are made.
    A test that changes a setting it is registered with runs in it as changed
    (`_registered_as_the_environment_says`). Outside a tenant a query or a tenant's setting
    is an error (tenancy); a test of that runs its code in a thread of its own, which starts
    in none. A request made by a test is in the tenant of its host name, as any request."""
    from samtale import tenancy
    from samtale.tenancy import seed

    with tenancy.activated(seed.environment_tenant()):
        yield


@pytest.fixture(autouse=True, scope="session")
def _registered_as_the_environment_says(_in_the_home_tenant, django_db_setup, django_db_blocker):
    """Once the test databases are made, a test that changes a setting the installation's own
    tenant is registered with (its address, its organization number…) has the register say
    so, and runs in it as changed (testkit.tenancy)."""
    from django.core.signals import setting_changed

    from testkit.tenancy import registered_again

    receiver = registered_again(django_db_blocker)
    setting_changed.connect(receiver, weak=False, dispatch_uid="testkit.tenancy")
    yield
    setting_changed.disconnect(dispatch_uid="testkit.tenancy")


@pytest.fixture(scope="session")
def tenant_databases(django_db_setup, django_db_blocker, tmp_path_factory):
    """SAMTALE_TENANT_DATABASES for the test session: where its tenants' databases go (the
    template made once); every tenant made in it (with a database of its own) is deleted at
    its end (testkit.tenants)."""
    from django.test import override_settings

    from samtale.operators import databases
    from testkit import tenants

    with override_settings(SAMTALE_TENANT_DATABASES=tenants.databases_prefix(tmp_path_factory)):
        with django_db_blocker.unblock():
            tenants.leftovers_dropped()
        yield
        with django_db_blocker.unblock():
            tenants.every_made_deleted()
            databases.database_drop(databases.template_tenant())


@pytest.fixture(autouse=True, scope="session")
def _tenants_registered_for_the_session(request, django_db_blocker):
    """SAMTALE_TESTS_TENANTS=2 (CI's PostgreSQL suite): a second tenant, with a database of
    its own, is registered for the whole session (testkit.tenants): everything that serves
    every tenant runs with two in every test."""
    from testkit import tenants

    if tenants.wanted() < 2:
        yield
        return
    request.getfixturevalue("tenant_databases")
    with django_db_blocker.unblock():
        second = tenants.SessionTenant()
    yield
    with django_db_blocker.unblock():
        second.deleted()


@pytest.fixture(autouse=True)
def _the_default_language_after_each_test():
    """A request activates its person's language in the thread (accounts.middleware) and
    leaves it there, as a request does; a test whose people write English would leave the
    next test on that worker, calling a service outside any request, in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _the_register_read_again_after_each_test():
    """A test's changes to the register (a tenant suspended, the home tenant too) are rolled
    back with it; what this process last read of the register must not outlive them."""
    yield
    from samtale import tenancy

    tenancy.forget()


class _Refusals(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record):
        self.seen.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_period_refused_by_the_proof():
    """Publishing a period the proof refuses logs it and leaves it due (insight.publication.
    publish_due): a page then says "being published", which a test would take for a pass.
    Any test in which the proof refused a period fails; one that makes it refuse on purpose
    takes this fixture and empties what it saw."""
    handler = _Refusals()
    logger = logging.getLogger("samtale.insight.publication.publish")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert not handler.seen, handler.seen


@pytest.fixture(autouse=True)
def _an_empty_cache_for_each_test():
    """What pages keep rendered (the leader's nudges, the overview's cards, the menu) is kept
    by the user's id and the day: the next test, on a database rolled back to the same ids,
    would read what the last one left, depending on which ran before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _flush_empties_the_audit_log():
    """Django's flush (after each transactional and browser test, and where a test calls it)
    empties the audit log too, which the log's trigger refuses on SQLite: here, in the test
    process alone, every flush runs with that trigger dropped (testkit.core.audit_flushable)."""
    handle = flush.Command.handle

    def handle_flushable(self, **options):
        with audit_flushable(options.get("database", "default")):
            return handle(self, **options)

    flush.Command.handle = handle_flushable
    yield
    flush.Command.handle = handle


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def keys_for_everyone(settings):
    """An organization that lets everyone use the API with keys of their own
    (SAMTALE_API_KEYS_FOR_EVERYONE): for tests that call it as leaders and employees."""
    settings.SAMTALE_API_KEYS_FOR_EVERYONE = True


@pytest.fixture
def client_for(people):
    """client_for("leader") -> a test client signed in as that fixed person (or anonymous)."""

    def make(role: str) -> Client:
        client = Client()
        person = people.by_role(role)
        if person is not None:
            client.force_login(person)
        return client

    return make


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the app sends to it. Yields its inbox."""
    from samtale.notifications import away
    from testkit.mail import smtp_server

    away.forget()
    with smtp_server() as (inbox, mailers):
        settings.MAILERS = mailers
        yield inbox


@pytest.fixture(scope="module")
def _dovecot():
    """Debian's Dovecot on loopback for a module's tests, started and stopped by them
    (testkit.mail.imap_server). Skipped, saying why, where it is not
    installed; under CI=true that fails the run instead."""
    import os

    from testkit.mail import dovecot_missing, imap_server

    reason = dovecot_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the calendar mailbox tests must run in CI")
        pytest.skip(reason)
    with imap_server() as server:
        yield server


@pytest.fixture
def imap(_dovecot, settings):
    """A real IMAP mailbox, empty, that the app reads as the calendar address's
    (SAMTALE_CALENDAR_IMAP_URL). Yields the server: tests deliver into it with append()."""
    _dovecot.empty()
    settings.SAMTALE_CALENDAR_IMAP_URL = _dovecot.url
    yield _dovecot


@pytest.fixture(autouse=True, scope="session")
def _connections_closed_before_the_databases_go(_in_the_home_tenant, django_db_setup):
    """Before the test databases are dropped (django_db_setup's end), every connection the
    session made to a server is closed: PostgreSQL refuses to drop a database another
    session holds. Django closes this thread's, in this context; a thread's that is gone is
    left to the garbage collector (a DatabaseWrapper refers to itself), and Django keeps
    connections per context (asgiref's Local), so a context other than this one (a
    greenlet's, a task's) may hold one still. (SQLite's in-memory test databases are left:
    closing the last connection would drop them before Django does.)"""
    yield
    import gc

    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    connections.close_all()
    gc.collect()
    for wrapper in gc.get_objects():
        # By its type, not isinstance(): a lazy object (the admin site) would set itself up.
        if issubclass(type(wrapper), BaseDatabaseWrapper) and wrapper.vendor != "sqlite":
            raw = wrapper.__dict__.get("connection")
            if raw is not None:
                raw.close()
