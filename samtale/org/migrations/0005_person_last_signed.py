"""Each person keeps when their last annual conversation was signed, so that who is missing
a conversation is read from the people alone. Database triggers keep it, whatever writes:
a conversation signed, no longer signed, moved or deleted recomputes its employee's, and
every update of a person recomputes their own (a save from a stale copy cannot undo it).
The MAX reads the partial index conversation_signed_annual."""

from django.db import migrations, models

from samtale.core.triggers import by_vendor

LAST = (
    "(SELECT MAX(signed_at) FROM conversations_conversation"
    " WHERE employee_id = {id} AND status = 'signed' AND kind = 'annual')"
)

POSTGRESQL = [
    f"""
    CREATE FUNCTION samtale_person_last_signed() RETURNS trigger AS $$
    BEGIN
        NEW.last_signed_at := {LAST.format(id="NEW.id")};
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER person_last_signed BEFORE UPDATE ON org_person
    FOR EACH ROW EXECUTE FUNCTION samtale_person_last_signed()
    """,
    # The person's own trigger computes the value; these make it run.
    """
    CREATE FUNCTION samtale_conversation_last_signed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE org_person SET last_signed_at = NULL WHERE id = OLD.employee_id;
        END IF;
        IF TG_OP = 'INSERT' THEN
            UPDATE org_person SET last_signed_at = NULL WHERE id = NEW.employee_id;
        ELSIF TG_OP = 'UPDATE' AND NEW.employee_id <> OLD.employee_id THEN
            UPDATE org_person SET last_signed_at = NULL WHERE id = NEW.employee_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER conversation_last_signed_insert AFTER INSERT ON conversations_conversation
    FOR EACH ROW WHEN (NEW.status = 'signed' AND NEW.kind = 'annual')
    EXECUTE FUNCTION samtale_conversation_last_signed()
    """,
    """
    CREATE TRIGGER conversation_last_signed_update AFTER UPDATE ON conversations_conversation
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.signed_at IS DISTINCT FROM NEW.signed_at
        OR OLD.employee_id IS DISTINCT FROM NEW.employee_id
    )
    EXECUTE FUNCTION samtale_conversation_last_signed()
    """,
    """
    CREATE TRIGGER conversation_last_signed_delete AFTER DELETE ON conversations_conversation
    FOR EACH ROW WHEN (OLD.status = 'signed' AND OLD.kind = 'annual')
    EXECUTE FUNCTION samtale_conversation_last_signed()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS conversation_last_signed_delete ON conversations_conversation",
    "DROP TRIGGER IF EXISTS conversation_last_signed_update ON conversations_conversation",
    "DROP TRIGGER IF EXISTS conversation_last_signed_insert ON conversations_conversation",
    "DROP FUNCTION IF EXISTS samtale_conversation_last_signed()",
    "DROP TRIGGER IF EXISTS person_last_signed ON org_person",
    "DROP FUNCTION IF EXISTS samtale_person_last_signed()",
]


def _set(person: str) -> str:
    return f"UPDATE org_person SET last_signed_at = {LAST.format(id=person)} WHERE id = {person};"


# SQLite's triggers cannot change the row being written: they correct it right after.
SQLITE = [
    f"""
    CREATE TRIGGER person_last_signed AFTER UPDATE ON org_person
    FOR EACH ROW WHEN NEW.last_signed_at IS NOT {LAST.format(id="NEW.id")}
    BEGIN {_set("NEW.id")} END
    """,
    f"""
    CREATE TRIGGER conversation_last_signed_insert AFTER INSERT ON conversations_conversation
    FOR EACH ROW WHEN NEW.status = 'signed' AND NEW.kind = 'annual'
    BEGIN {_set("NEW.employee_id")} END
    """,
    f"""
    CREATE TRIGGER conversation_last_signed_update AFTER UPDATE ON conversations_conversation
    FOR EACH ROW WHEN OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
        OR OLD.signed_at IS NOT NEW.signed_at OR OLD.employee_id IS NOT NEW.employee_id
    BEGIN {_set("OLD.employee_id")} {_set("NEW.employee_id")} END
    """,
    f"""
    CREATE TRIGGER conversation_last_signed_delete AFTER DELETE ON conversations_conversation
    FOR EACH ROW WHEN OLD.status = 'signed' AND OLD.kind = 'annual'
    BEGIN {_set("OLD.employee_id")} END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS conversation_last_signed_delete",
    "DROP TRIGGER IF EXISTS conversation_last_signed_update",
    "DROP TRIGGER IF EXISTS conversation_last_signed_insert",
    "DROP TRIGGER IF EXISTS person_last_signed",
]


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0008_pitfall_indexes"),
        ("org", "0004_person_by_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="last_signed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(
            f"UPDATE org_person SET last_signed_at = {LAST.format(id='org_person.id')}",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("employment_type", "permanent"), ("is_active", True)),
                fields=["unit", "start_date", "last_signed_at"],
                name="person_coverage",
            ),
        ),
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        ),
    ]
