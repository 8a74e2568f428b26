"""A round's counts kept on write: how many counted participants (included, still working
here) have each leader, unit and conversation status. Triggers add one for a participant
that comes into a combination and take one away for one that leaves it, on PostgreSQL and
SQLite alike; the additions and subtractions commute, so the order in which SQLite runs
these and the triggers of migration 0003 (which correct a participant's unit after the
write) does not matter. A round's deletion takes its counts with it."""

from django.db import migrations, models

from samtale.core.triggers import by_vendor

COLUMNS = ("round_id", "holder_id", "person_unit_id", "conversation_status", "included", "person_active")
KEY = "(round_id, holder_id, unit_id, status)"


def _values(row: str, n: int) -> str:
    return (
        f"{row}.round_id, COALESCE({row}.holder_id, 0), COALESCE({row}.person_unit_id, 0),"
        f" {row}.conversation_status, {n}"
    )


def _add(row: str, n: int, *, table_prefix: str) -> str:
    """Add n to the row's combination (creating it), when the row counts."""
    return (
        f"INSERT INTO rounds_roundcount (round_id, holder_id, unit_id, status, n)"
        f" SELECT {_values(row, n)} WHERE {row}.included AND {row}.person_active"
        f" ON CONFLICT {KEY} DO UPDATE SET n = {table_prefix}n + ({n});"
    )


POSTGRESQL = [
    f"""
    CREATE FUNCTION samtale_round_count() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            {_add("OLD", -1, table_prefix="rounds_roundcount.")}
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {_add("NEW", 1, table_prefix="rounds_roundcount.")}
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER participant_count_insert AFTER INSERT ON rounds_participant
    FOR EACH ROW EXECUTE FUNCTION samtale_round_count()
    """,
    f"""
    CREATE TRIGGER participant_count_update AFTER UPDATE ON rounds_participant
    FOR EACH ROW WHEN ({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)})
    EXECUTE FUNCTION samtale_round_count()
    """,
    """
    CREATE TRIGGER participant_count_delete AFTER DELETE ON rounds_participant
    FOR EACH ROW EXECUTE FUNCTION samtale_round_count()
    """,
    """
    CREATE FUNCTION samtale_round_count_gone() RETURNS trigger AS $$
    BEGIN
        DELETE FROM rounds_roundcount WHERE round_id = OLD.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER round_count_gone AFTER DELETE ON rounds_round
    FOR EACH ROW EXECUTE FUNCTION samtale_round_count_gone()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS round_count_gone ON rounds_round",
    "DROP FUNCTION IF EXISTS samtale_round_count_gone()",
    "DROP TRIGGER IF EXISTS participant_count_delete ON rounds_participant",
    "DROP TRIGGER IF EXISTS participant_count_update ON rounds_participant",
    "DROP TRIGGER IF EXISTS participant_count_insert ON rounds_participant",
    "DROP FUNCTION IF EXISTS samtale_round_count()",
]
SQLITE = [
    f"""
    CREATE TRIGGER participant_count_insert AFTER INSERT ON rounds_participant
    FOR EACH ROW BEGIN {_add("NEW", 1, table_prefix="")} END
    """,
    f"""
    CREATE TRIGGER participant_count_update AFTER UPDATE ON rounds_participant
    FOR EACH ROW WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)}
    BEGIN {_add("OLD", -1, table_prefix="")} {_add("NEW", 1, table_prefix="")} END
    """,
    f"""
    CREATE TRIGGER participant_count_delete AFTER DELETE ON rounds_participant
    FOR EACH ROW BEGIN {_add("OLD", -1, table_prefix="")} END
    """,
    """
    CREATE TRIGGER round_count_gone AFTER DELETE ON rounds_round
    FOR EACH ROW BEGIN DELETE FROM rounds_roundcount WHERE round_id = OLD.id; END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS round_count_gone",
    "DROP TRIGGER IF EXISTS participant_count_delete",
    "DROP TRIGGER IF EXISTS participant_count_update",
    "DROP TRIGGER IF EXISTS participant_count_insert",
]
FILL = (
    "INSERT INTO rounds_roundcount (round_id, holder_id, unit_id, status, n)"
    " SELECT round_id, COALESCE(holder_id, 0), COALESCE(person_unit_id, 0),"
    " conversation_status, COUNT(*) FROM rounds_participant"
    " WHERE included AND person_active"
    " GROUP BY round_id, COALESCE(holder_id, 0), COALESCE(person_unit_id, 0), conversation_status"
)


class Migration(migrations.Migration):

    dependencies = [
        ('rounds', '0003_participant_person'),
    ]

    operations = [
        migrations.CreateModel(
            name='RoundCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('round_id', models.BigIntegerField()),
                ('holder_id', models.BigIntegerField()),
                ('unit_id', models.BigIntegerField()),
                ('status', models.CharField(blank=True, max_length=20)),
                ('n', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('round_id', 'holder_id', 'unit_id', 'status'), name='round_count_key')],
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        ),
    ]
