"""Each participant keeps its person's unit and whether they still work here, so that a
round's counts read one table. Database triggers keep the two in step, whatever writes:
a participant takes them from its person when it is inserted or updated, and a person who
changes unit or leaves passes the change to their participations."""

import django.db.models.deletion
from django.db import migrations, models

from samtale.core.triggers import by_vendor

POSTGRESQL = [
    """
    CREATE FUNCTION samtale_participant_person() RETURNS trigger AS $$
    BEGIN
        SELECT unit_id, is_active INTO NEW.person_unit_id, NEW.person_active
        FROM org_person WHERE id = NEW.person_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER participant_person BEFORE INSERT OR UPDATE ON rounds_participant
    FOR EACH ROW EXECUTE FUNCTION samtale_participant_person()
    """,
    """
    CREATE FUNCTION samtale_person_participants() RETURNS trigger AS $$
    BEGIN
        UPDATE rounds_participant SET person_unit_id = NEW.unit_id, person_active = NEW.is_active
        WHERE person_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER person_participants AFTER UPDATE OF unit_id, is_active ON org_person
    FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.is_active IS DISTINCT FROM NEW.is_active)
    EXECUTE FUNCTION samtale_person_participants()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS person_participants ON org_person",
    "DROP FUNCTION IF EXISTS samtale_person_participants()",
    "DROP TRIGGER IF EXISTS participant_person ON rounds_participant",
    "DROP FUNCTION IF EXISTS samtale_participant_person()",
]

# SQLite's triggers cannot change the row being written: they correct it right after.
# (Recursive triggers are off, so the correction does not fire its own trigger again.)
_SQLITE_CORRECT = """
    UPDATE rounds_participant SET
        person_unit_id = (SELECT unit_id FROM org_person WHERE id = NEW.person_id),
        person_active = (SELECT is_active FROM org_person WHERE id = NEW.person_id)
    WHERE id = NEW.id;
"""
_SQLITE_WRONG = """
    NEW.person_unit_id IS NOT (SELECT unit_id FROM org_person WHERE id = NEW.person_id)
    OR NEW.person_active IS NOT (SELECT is_active FROM org_person WHERE id = NEW.person_id)
"""
SQLITE = [
    f"""
    CREATE TRIGGER participant_person_insert AFTER INSERT ON rounds_participant
    FOR EACH ROW WHEN {_SQLITE_WRONG}
    BEGIN {_SQLITE_CORRECT} END
    """,
    f"""
    CREATE TRIGGER participant_person_update AFTER UPDATE ON rounds_participant
    FOR EACH ROW WHEN {_SQLITE_WRONG}
    BEGIN {_SQLITE_CORRECT} END
    """,
    """
    CREATE TRIGGER person_participants AFTER UPDATE OF unit_id, is_active ON org_person
    FOR EACH ROW WHEN OLD.unit_id IS NOT NEW.unit_id OR OLD.is_active IS NOT NEW.is_active
    BEGIN
        UPDATE rounds_participant SET person_unit_id = NEW.unit_id, person_active = NEW.is_active
        WHERE person_id = NEW.id;
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS person_participants",
    "DROP TRIGGER IF EXISTS participant_person_update",
    "DROP TRIGGER IF EXISTS participant_person_insert",
]


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_person_by_name"),
        ("rounds", "0002_participant_conversation_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="person_active",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="person_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.unit",
            ),
        ),
        migrations.RunSQL(
            "UPDATE rounds_participant SET"
            " person_unit_id = (SELECT unit_id FROM org_person WHERE id = person_id),"
            " person_active = (SELECT is_active FROM org_person WHERE id = person_id)",
            migrations.RunSQL.noop,
        ),
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(
                fields=[
                    "round",
                    "included",
                    "person_active",
                    "holder",
                    "person_unit",
                    "conversation_status",
                ],
                name="participant_counts",
            ),
        ),
    ]
