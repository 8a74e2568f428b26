"""The participant's copy of its conversation's status (Participant.conversation_status, read
by a round's counts from one table) is kept by the database, as its person's unit is
(0003): a participant takes the status of its conversation when it is written, and a
conversation's new status passes to its participants, whatever writes it. Before, the
model's save and a signal from every status change kept it; a bulk write of either could
leave it behind."""

from django.db import migrations

from samtale.core.triggers import by_vendor

_STATUS = "COALESCE((SELECT status FROM conversations_conversation WHERE id = NEW.conversation_id), '')"

POSTGRESQL = [
    f"""
    CREATE FUNCTION samtale_participant_conversation() RETURNS trigger AS $$
    BEGIN
        NEW.conversation_status := {_STATUS};
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER participant_conversation BEFORE INSERT OR UPDATE ON rounds_participant
    FOR EACH ROW EXECUTE FUNCTION samtale_participant_conversation()
    """,
    """
    CREATE FUNCTION samtale_conversation_participants() RETURNS trigger AS $$
    BEGIN
        UPDATE rounds_participant SET conversation_status = NEW.status
        WHERE conversation_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER conversation_participants AFTER UPDATE OF status ON conversations_conversation
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION samtale_conversation_participants()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS conversation_participants ON conversations_conversation",
    "DROP FUNCTION IF EXISTS samtale_conversation_participants()",
    "DROP TRIGGER IF EXISTS participant_conversation ON rounds_participant",
    "DROP FUNCTION IF EXISTS samtale_participant_conversation()",
]

# SQLite's triggers cannot change the row being written: they correct it right after, as
# 0003's do (recursive triggers are off).
_SQLITE_CORRECT = f"UPDATE rounds_participant SET conversation_status = {_STATUS} WHERE id = NEW.id;"
SQLITE = [
    f"""
    CREATE TRIGGER participant_conversation_insert AFTER INSERT ON rounds_participant
    FOR EACH ROW WHEN NEW.conversation_status IS NOT {_STATUS}
    BEGIN {_SQLITE_CORRECT} END
    """,
    f"""
    CREATE TRIGGER participant_conversation_update AFTER UPDATE ON rounds_participant
    FOR EACH ROW WHEN NEW.conversation_status IS NOT {_STATUS}
    BEGIN {_SQLITE_CORRECT} END
    """,
    """
    CREATE TRIGGER conversation_participants AFTER UPDATE OF status ON conversations_conversation
    FOR EACH ROW WHEN OLD.status IS NOT NEW.status
    BEGIN
        UPDATE rounds_participant SET conversation_status = NEW.status
        WHERE conversation_id = NEW.id;
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS conversation_participants",
    "DROP TRIGGER IF EXISTS participant_conversation_update",
    "DROP TRIGGER IF EXISTS participant_conversation_insert",
]


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0013_started_early_at"),
        ("rounds", "0005_link_outside_conversations"),
    ]

    operations = [
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        ),
    ]
