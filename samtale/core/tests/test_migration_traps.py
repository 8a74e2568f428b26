"""A migration as makemigrations writes it passes on every table a trigger stands on or names,
and leaves the triggers as they were (samtale.tenancy.backends, docs/developing/decision-
migration-triggers.md). Each test makes a throwaway migration for each such table, applies it
to the test database with Django's migration executor, and reverses it.

Before the backends kept the triggers, a NOT NULL column on conversations_conversation
stopped on SQLite ("error in trigger person_last_signed: no such table"), a rebuilt
core_auditentry lost its append-only triggers without a word, and a longer status on
PostgreSQL stopped at "cannot alter type of a column used in a trigger definition"."""

import re
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, migrations, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ModelState

from samtale.core.audit import audit_log
from samtale.core.models import AuditEntry

# The schema editor cannot run inside a transaction on SQLite: these tests commit, and the
# test database is flushed after each.
pytestmark = pytest.mark.django_db(transaction=True)


def _triggers() -> set[tuple[str, str, str]]:
    """Every trigger of the database, as the database keeps it: name, table, definition."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) || tgenabled::text"
                " FROM pg_trigger WHERE NOT tgisinternal"
            )
        return set(cursor.fetchall())


def _trigger_texts() -> list[tuple[str, str]]:
    """Each trigger's table and all it says (on PostgreSQL, its function's body too)."""
    if connection.vendor == "sqlite":
        return [(table, sql) for _, table, sql in _triggers()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) || pg_get_functiondef(tgfoid)"
            " FROM pg_trigger WHERE NOT tgisinternal"
        )
        return cursor.fetchall()


def _triggered_models() -> list[type[models.Model]]:
    """The models whose table a trigger stands on or names."""
    texts = _trigger_texts()
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        if any(on == table or re.search(rf"\b{table}\b", text) for on, text in texts):
            found.append(model)
    return found


def _migrated_and_back(model, operations: Callable[[ModelState], list]) -> None:
    """Apply a migration of the model's app with the operations made for the model's state,
    check that every trigger is as before, reverse it, and check again."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state()
    migration = migrations.Migration("9999_migration_trap", model._meta.app_label)
    migration.operations = operations(  # type: ignore[misc]  # a ClassVar in django-stubs; Django's Migration sets it per instance
        state.models[model._meta.app_label, model._meta.model_name]
    )
    before = _triggers()
    executor.apply_migration(state.clone(), migration)
    try:
        assert _triggers() == before, model._meta.db_table
    finally:
        executor.unapply_migration(state.clone(), migration)
    assert _triggers() == before, model._meta.db_table


def test_the_triggered_tables_are_found():
    tables = {model._meta.db_table for model in _triggered_models()}

    assert {"conversations_conversation", "org_person", "core_auditentry"} <= tables


def test_a_not_null_column_is_added_to_each_triggered_table():
    for model in _triggered_models():
        _migrated_and_back(
            model,
            lambda state: [
                migrations.AddField(state.name, "trap_probe", models.IntegerField(default=0))
            ],
        )


def test_an_indexed_column_is_removed_from_each_triggered_table():
    # SQLite drops an indexed column by rebuilding the table, as it adds a NOT NULL one.
    for model in _triggered_models():
        _migrated_and_back(
            model,
            lambda state: [
                migrations.AddField(
                    state.name, "trap_probe", models.IntegerField(default=0, db_index=True)
                ),
                migrations.RemoveField(state.name, "trap_probe"),
            ],
        )


def _longer(field: models.Field) -> models.Field:
    _, path, args, kwargs = field.deconstruct()
    return type(field)(*args, **{**kwargs, "max_length": kwargs["max_length"] + 10})


def test_each_text_column_of_each_triggered_table_is_made_longer():
    # A new type for a column a trigger's WHEN names: PostgreSQL refuses it under the trigger.
    altered = []
    for model in _triggered_models():
        _migrated_and_back(
            model,
            lambda state: [
                migrations.AlterField(state.name, name, _longer(field))
                for name, field in state.fields.items()
                if type(field) is models.CharField and not field.primary_key
            ],
        )
        altered.append(model._meta.db_table)

    assert "conversations_conversation" in altered


def test_the_audit_log_refuses_a_delete_after_its_table_is_rebuilt():
    def longer_action(state):
        return [migrations.AlterField(state.name, "action", _longer(state.fields["action"]))]

    executor = MigrationExecutor(connection)
    state = executor.loader.project_state()
    migration = migrations.Migration("9999_migration_trap", "core")
    migration.operations = longer_action(state.models["core", "auditentry"])
    executor.apply_migration(state.clone(), migration)
    try:
        entry = audit_log(actor=None, action="probe")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()

        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    finally:
        executor.unapply_migration(state.clone(), migration)
