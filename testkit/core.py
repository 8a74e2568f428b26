"""Test plumbing of core's own: the audit log's append-only triggers, lifted or made to
fail for a test that needs it. The people tests stand on are testkit.people."""

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from django.db import connections


def _append_only(using: str, *, on: bool) -> None:
    """The audit log's append-only triggers put back (`on`) or lifted."""
    connection = connections[using]
    migration = _append_only_migration()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            state = "ENABLE" if on else "DISABLE"
            cursor.execute(f"ALTER TABLE core_auditentry {state} TRIGGER audit_append_only")
        else:
            for sql in migration.SQLITE if on else migration.SQLITE_DROP:
                cursor.execute(sql)


def _append_only_migration() -> ModuleType:
    import importlib

    return importlib.import_module("samtale.core.migrations.0004_audit_append_only")


@contextmanager
def audit_flushable(using: str = "default") -> Iterator[None]:
    """Let Django's test flush empty the audit log: on SQLite it deletes with DELETE FROM,
    which the log's trigger refuses, so the DELETE trigger is dropped for the flush and
    created again after it. Only the tests call this (conftest.py, around every flush);
    PostgreSQL's flush is a TRUNCATE, which the row triggers do not see."""
    connection = connections[using]
    # PostgreSQL's flush is a TRUNCATE; the control database has no audit log.
    if (
        connection.vendor != "sqlite"
        or "core_auditentry" not in connection.introspection.table_names()
    ):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_append_only_migration().SQLITE_NO_DELETE)


@contextmanager
def audit_triggers_off(using: str = "default") -> Iterator[None]:
    """What a database administrator could do: the audit log's triggers off, for a test to
    change or delete entries as an attacker with the database's keys would, and on again."""
    _append_only(using, on=False)
    try:
        yield
    finally:
        _append_only(using, on=True)


_FAIL_INSERT = {
    "sqlite": (
        [
            "CREATE TRIGGER audit_fails BEFORE INSERT ON core_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
        ],
        ["DROP TRIGGER audit_fails"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION audit_fails() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the disk is full'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_fails BEFORE INSERT ON core_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION audit_fails()",
        ],
        ["DROP TRIGGER audit_fails ON core_auditentry", "DROP FUNCTION audit_fails()"],
    ),
}


@contextmanager
def audit_writes_fail(using: str = "default") -> Iterator[None]:
    """The database refuses every audit entry it is asked to write ("the disk is full"), so
    a test can show that the action the entry records fails with it."""
    connection = connections[using]
    create, drop = _FAIL_INSERT[connection.vendor]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)


@contextmanager
def outside_any_tenant() -> Iterator[None]:
    """The block in no tenant, as a process's entry point starts (the worker, the scheduler
    from cron, a command), on this thread's own connections: the test's, in its transaction,
    which the tenant the work then activates takes up again (tenancy)."""
    from samtale.tenancy.context import _current

    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def worker_until_idle() -> int:
    """The database transport's worker (`manage.py worker`) in rounds until no task is
    left, outside any tenant as its process starts: each task in the tenant whose table it
    came from; how many ran. Its housekeeping between rounds is left out: it would close the
    test's own connection, in the test's transaction (which PostgreSQL's, unlike an
    in-memory SQLite database's, lets it)."""
    from samtale.work.engine import poller

    with outside_any_tenant():
        return poller.drain()
