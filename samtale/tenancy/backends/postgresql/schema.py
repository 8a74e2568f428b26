"""Django's PostgreSQL schema editor, keeping the database's triggers across a column's new
type.

PostgreSQL alters a table in place, so a trigger that names a table (core.triggers.by_vendor
writes them in migrations) stands through any change of it, except one: it refuses a new
type (a longer CharField, say) for a column that a trigger's WHEN or UPDATE OF names,
"cannot alter type of a column used in a trigger definition". So around such a change the
triggers that depend on the column are dropped and created again from their definition as
PostgreSQL gives it (pg_get_triggerdef), enabled or disabled as they were. A trigger
function's body is not a definition PostgreSQL tracks, and needs nothing.
"""

from typing import Any

from django.db import NotSupportedError
from django.db.backends.postgresql import schema

_DEPENDING = """
    SELECT DISTINCT t.oid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
    FROM pg_trigger t
    JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = %s::regclass
        AND a.attname = %s AND NOT t.tgisinternal
    ORDER BY t.oid
"""
# pg_trigger.tgenabled: "O" fires (as created); the others say how it was changed since.
_ENABLED = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _alter_field(
        self,
        model: Any,
        old_field: Any,
        new_field: Any,
        old_type: Any,
        new_type: Any,
        old_db_params: Any,
        new_db_params: Any,
        strict: bool = False,
    ) -> None:
        retyped = old_type != new_type or old_db_params.get("collation") != new_db_params.get(
            "collation"
        )
        table = model._meta.db_table
        triggers = self._triggers_on_column(table, old_field.column) if retyped else []
        if triggers and old_field.column != new_field.column:
            raise NotSupportedError(
                f"{table}.{old_field.column}: renamed and given a new type at once while "
                f"triggers depend on it ({', '.join(name for name, _, _ in triggers)}); "
                "rename it in one operation (RenameField) and alter it in another"
            )
        for name, _, _ in triggers:
            self.execute(f"DROP TRIGGER {self.quote_name(name)} ON {self.quote_name(table)}", None)
        super()._alter_field(  # type: ignore[misc]  # Django's own step, left out of django-stubs
            model,
            old_field,
            new_field,
            old_type,
            new_type,
            old_db_params,
            new_db_params,
            strict,
        )
        for name, definition, enabled in triggers:
            self.execute(definition, None)
            if enabled in _ENABLED:
                self.execute(
                    f"ALTER TABLE {self.quote_name(table)} {_ENABLED[enabled]} TRIGGER "
                    f"{self.quote_name(name)}",
                    None,
                )

    def _triggers_on_column(self, table: str, column: str) -> list[tuple[str, str, str]]:
        """The triggers whose definition names the table's column: (name, definition, the
        state of pg_trigger.tgenabled)."""
        with self.connection.cursor() as cursor:
            cursor.execute(_DEPENDING, [self.quote_name(table), column])
            return [(name, definition, enabled) for _, name, definition, enabled in cursor]
