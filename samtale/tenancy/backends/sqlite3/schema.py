"""Django's SQLite schema editor, keeping the database's triggers across a table's rebuild.

SQLite alters most columns by rebuilding the table: it creates "new__<table>", copies the
rows, drops "<table>" and renames "new__<table>" to "<table>" (Django's `_remake_table`).
Two things go wrong where triggers are (core.triggers.by_vendor writes them in migrations):
- a trigger of another table that names "<table>" stops the rename, as SQLite (with
  legacy_alter_table off, as Django sets it) checks every trigger against the schema in
  between: "error in trigger person_last_signed: no such table";
- a trigger on "<table>" itself goes with the dropped table, silently.
So around each rebuild the triggers that name the table, or stand on it, are dropped and
created again from their own SQL (sqlite_master keeps it as written). A view that names the
table is treated alike, and the triggers on that view with it. Every trigger of a table
touched is taken, so that its triggers keep the order in which they were created.
"""

import re
from typing import Any

from django.db.backends.sqlite3 import schema

_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')"


def _names(sql: str, table: str) -> bool:
    """Whether the statement names the table as an identifier (quoted or not, any case);
    a false match only drops and re-creates a trigger that needed neither."""
    pattern = rf"(?<![\w$])[\"`\[]?{re.escape(table)}[\"`\]]?(?![\w$])"
    return re.search(pattern, sql, re.IGNORECASE) is not None


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _remake_table(
        self,
        model: Any,
        create_field: Any = None,
        delete_field: Any = None,
        alter_fields: Any = None,
    ) -> None:
        triggers, views = self._standing_on(model._meta.db_table)
        for name, _ in triggers:
            self.execute(f"DROP TRIGGER IF EXISTS {self.quote_name(name)}", None)
        for name, _ in reversed(views):
            self.execute(f"DROP VIEW IF EXISTS {self.quote_name(name)}", None)
        super()._remake_table(  # type: ignore[misc]  # Django's own step, left out of django-stubs
            model, create_field=create_field, delete_field=delete_field, alter_fields=alter_fields
        )
        for _, sql in views + triggers:
            self.execute(sql, None)

    def _standing_on(self, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The triggers and views to drop before the table's rebuild and create again after
        it, each as (name, sql) in the order of their creation: the views that name the table
        (or such a view), and every trigger of the tables and views that are or name them."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"{_SCHEMA} AND sql IS NOT NULL ORDER BY rowid")
            rows = cursor.fetchall()
        named = {table.lower()}
        views: list[tuple[str, str]] = []
        for kind, name, _, sql in rows:
            # A view names only what exists before it: one pass in order finds them all.
            if kind == "view" and any(_names(sql, other) for other in named):
                named.add(name.lower())
                views.append((name, sql))
        hosts = named | {
            on.lower()
            for kind, _, on, sql in rows
            if kind == "trigger" and any(_names(sql, other) for other in named)
        }
        triggers = [
            (name, sql) for kind, name, on, sql in rows if kind == "trigger" and on.lower() in hosts
        ]
        return triggers, views
