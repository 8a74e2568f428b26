"""The demo as loaded the first time in a test worker, kept and put back before each later
browser test instead of loading it again through the ORM: the browser tests' live server
reads committed rows, so every test starts from an emptied database (TransactionTestCase's
flush).

On SQLite: a copy of the database in memory, put back page by page (SQLite's backup API):
2 s a test through the ORM, 0.02 s so. On PostgreSQL: each table's rows in COPY's binary
format, put back in one transaction (the tables emptied first, their own triggers held off
so that the counts they keep are not counted twice, the sequences set past the rows): about
6 s a test through the ORM, well under one so. Either way the test sees the database exactly
as the demo left it.
"""

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from psycopg import sql


class Snapshot:
    def __init__(self):
        self._sqlite: sqlite3.Connection | None = None
        self._tables: dict[str, bytes] = {}

    def __bool__(self) -> bool:
        return self._sqlite is not None or bool(self._tables)

    def take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
            return
        with connection.connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                name = sql.Identifier(table)
                cursor.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(name))
                if not cursor.fetchone()[0]:
                    continue
                copy_out = sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(name)
                with cursor.copy(copy_out) as copy:
                    self._tables[table] = b"".join(bytes(block) for block in copy)

    def put_back(self) -> None:
        connection.ensure_connection()
        if self._sqlite is not None:
            self._sqlite.backup(connection.connection)
            return
        names = [sql.Identifier(table) for table in self._tables]
        with transaction.atomic(), connection.connection.cursor() as cursor:
            cursor.execute(sql.SQL("TRUNCATE {} CASCADE").format(sql.SQL(", ").join(names)))
            # The counts the triggers keep (rounds' RoundCount, a person's last signed
            # conversation) are in the copy already. (Held off before the first row: a table
            # is not altered while the foreign keys' checks of rows copied wait.)
            for name in names:
                cursor.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(name))
            for name, data in zip(names, self._tables.values(), strict=True):
                with cursor.copy(
                    sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(name)
                ) as copy:
                    copy.write(data)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now
            for name in names:
                cursor.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(name))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            models = [
                model
                for model in apps.get_models(include_auto_created=True)
                if model._meta.db_table in self._tables
            ]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
