"""Whether a conversation has any goal (Conversation.has_goals, read by HR's count of signed
conversations without goals from an index) is kept by the database: a goal written sets it,
the last goal deleted clears it, whatever writes (a form, a query, a bulk insert). Before,
Goal.save and a post_delete receiver kept it, and a bulk insert passed them by."""

from django.db import migrations

from samtale.core.triggers import by_vendor

_EXISTS = "EXISTS (SELECT 1 FROM actions_goal WHERE conversation_id = OLD.conversation_id)"

POSTGRESQL = [
    """
    CREATE FUNCTION samtale_goal_added() RETURNS trigger AS $$
    BEGIN
        UPDATE conversations_conversation SET has_goals = TRUE
        WHERE id = NEW.conversation_id AND NOT has_goals;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER goal_added AFTER INSERT ON actions_goal
    FOR EACH ROW EXECUTE FUNCTION samtale_goal_added()
    """,
    f"""
    CREATE FUNCTION samtale_goal_deleted() RETURNS trigger AS $$
    BEGIN
        UPDATE conversations_conversation SET has_goals = {_EXISTS}
        WHERE id = OLD.conversation_id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER goal_deleted AFTER DELETE ON actions_goal
    FOR EACH ROW EXECUTE FUNCTION samtale_goal_deleted()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS goal_deleted ON actions_goal",
    "DROP FUNCTION IF EXISTS samtale_goal_deleted()",
    "DROP TRIGGER IF EXISTS goal_added ON actions_goal",
    "DROP FUNCTION IF EXISTS samtale_goal_added()",
]
SQLITE = [
    """
    CREATE TRIGGER goal_added AFTER INSERT ON actions_goal
    FOR EACH ROW BEGIN
        UPDATE conversations_conversation SET has_goals = 1
        WHERE id = NEW.conversation_id AND NOT has_goals;
    END
    """,
    f"""
    CREATE TRIGGER goal_deleted AFTER DELETE ON actions_goal
    FOR EACH ROW BEGIN
        UPDATE conversations_conversation SET has_goals = {_EXISTS}
        WHERE id = OLD.conversation_id;
    END
    """,
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS goal_deleted", "DROP TRIGGER IF EXISTS goal_added"]


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0010_action_carried_from"),
        ("conversations", "0013_started_early_at"),
    ]

    operations = [
        by_vendor(
            {"postgresql": POSTGRESQL, "sqlite": SQLITE},
            {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP},
        ),
    ]
