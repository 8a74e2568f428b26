"""A fingerprint of the database: every row of every table, to tell that a request changed
nothing (tests/test_hostile_posts.py)."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


class Fingerprint:
    """Every row of every table outside `skip_tables`, as a multiset of its values: taken
    once at the start (`baseline`), and compared after a request that wrote something
    (`writes`). PostgreSQL hashes each table's rows itself, in one query (a round trip per
    table costs more than the hashing); SQLite's rows are compared in Python.

    `skip_tables`: tables that change on any request, or on a refused one by design;
    `skip_columns`: per table, columns that do (a token's use counters);
    `new_rows_allowed`: per table, (column, values) that a new row may have on an error
    answer (the audit log's entries for refused sign-ins)."""

    def __init__(self, *, skip_tables: set, skip_columns: dict, new_rows_allowed: dict):
        self.skip_tables = skip_tables
        self.skip_columns = skip_columns
        self.new_rows_allowed = new_rows_allowed
        tables = connection.introspection.table_names()
        unknown = set(skip_tables) - set(tables)
        assert not unknown, f"no such tables: {unknown}"
        self.tables = [t for t in tables if t not in skip_tables]
        self.columns: dict[str, list[str]] = {}  # the columns compared, per table
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE 1 = 0")
                skip = skip_columns.get(table, ())
                self.columns[table] = [c[0] for c in cursor.description if c[0] not in skip]
        self.bookkeeping_rows = 0

    def writes(self) -> int:
        """How many rows this connection has written so far, rolled back or not, outside
        the skipped tables and the bookkeeping (bookkeeping_counted): a request that did
        not move it wrote nothing else, and needs no fingerprint."""
        return self._written() - self.bookkeeping_rows

    def _written(self) -> int:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                    "FROM pg_stat_xact_user_tables WHERE NOT relname = ANY(%s)",
                    [sorted(self.skip_tables)],
                )
            else:  # SQLite counts every table
                cursor.execute("SELECT total_changes()")
            return int(cursor.fetchone()[0])

    @contextmanager
    def bookkeeping_counted(self, *functions: tuple[object, str]) -> Iterator[None]:
        """Count the rows written inside each (owner, name) of `functions`, so that writes()
        leaves them out: the session store saving a session on each signed-in request
        (SQLite counts its table), a token's request counter."""
        originals = [(owner, name, getattr(owner, name)) for owner, name in functions]

        def counted(function):
            def call(*args, **kwargs):
                before = self._written()
                try:
                    return function(*args, **kwargs)
                finally:
                    self.bookkeeping_rows += self._written() - before

            return call

        for owner, name, function in originals:
            setattr(owner, name, counted(function))
        try:
            yield
        finally:
            for owner, name, function in originals:
                setattr(owner, name, function)

    def baseline(self) -> tuple[dict, dict]:
        """(rows, digests): what changes() compares with."""
        return self.take(), self.digests()

    def take(self, tables: list[str] | None = None) -> dict[str, Counter]:
        rows = {}
        with connection.cursor() as cursor:
            for table in tables or self.tables:
                columns = ", ".join(map(connection.ops.quote_name, self.columns[table]))
                cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")
                fetched = cursor.fetchall()
                try:
                    rows[table] = Counter(fetched)
                except TypeError:  # PostgreSQL's JSON comes back as lists and dicts
                    rows[table] = Counter(tuple(map(repr, row)) for row in fetched)
        return rows

    def digests(self) -> dict:
        """table -> something equal as long as its rows are: on PostgreSQL the count and
        an MD5 of the rows as text, in order; on SQLite the rows."""
        if connection.vendor != "postgresql":
            return self.take()
        quote = connection.ops.quote_name
        parts = [
            f"SELECT %s, count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) "
            f"FROM (SELECT ROW({', '.join(map(quote, self.columns[t]))})::text AS r "
            f"FROM {quote(t)}) AS rows_of"
            for t in self.tables
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), self.tables)
            return {table: (count, md5) for table, count, md5 in cursor.fetchall()}

    def changes(self, baseline: tuple[dict, dict]) -> dict[str, str]:
        """table -> what changed in it since `baseline` (rows added and removed), for the
        tables that did."""
        before, before_digests = baseline
        digests = self.digests()
        differing = [t for t in self.tables if digests[t] != before_digests[t]]
        after = digests if connection.vendor != "postgresql" else self.take(differing)
        changed = {}
        for table in differing:
            added, removed = after[table] - before[table], before[table] - after[table]
            if table in self.new_rows_allowed and not removed:
                column, allowed = self.new_rows_allowed[table]
                index = self.columns[table].index(column)
                if all(
                    row[index] in allowed or row[index] in {repr(a) for a in allowed}
                    for row in added
                ):
                    continue
            if added or removed:
                changed[table] = f"+{sum(added.values())} -{sum(removed.values())}: " + "; ".join(
                    short(" | ".join(map(str, row))) for row in [*added, *removed][:3]
                )
        return changed


def short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
