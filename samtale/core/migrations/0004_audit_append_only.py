"""The audit log is append-only: the database refuses UPDATE and DELETE on its table,
whatever writes, with a message that says so.

PostgreSQL: a row trigger on both. TRUNCATE is a statement of its own that row triggers do
not see (Django's test flush uses it); it is kept from the application's role by
privileges, not by a trigger (docs/running/production.md).

SQLite: a trigger for each. Django's test flush empties tables with DELETE FROM; the tests
alone drop the DELETE trigger for the length of a flush and create it again (conftest.py,
testkit.core.audit_flushable), so no setting or code path of the application can let a
delete through.

On SQLite a later migration that alters this table rebuilds it and drops these triggers
with the old table: such a migration creates them again.
"""

from django.db import migrations

from samtale.core.triggers import by_vendor

MESSAGE = "the audit log is append-only: {op} refused"

POSTGRESQL = [
    """
    CREATE FUNCTION samtale_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = 'the audit log is append-only: ' || TG_OP || ' refused (entry ' || OLD.id || ')';
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION samtale_audit_append_only()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_append_only ON core_auditentry",
    "DROP FUNCTION IF EXISTS samtale_audit_append_only()",
]

SQLITE_NO_UPDATE = f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op="UPDATE")}'); END
"""
SQLITE_NO_DELETE = f"""
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op="DELETE")}'); END
"""
SQLITE = [SQLITE_NO_UPDATE, SQLITE_NO_DELETE]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_delete", "DROP TRIGGER IF EXISTS audit_no_update"]


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_chain_existing")]

    operations = [
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        )
    ]
