"""What the unit and people imports share: columns, cell parsing, the problem list."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.utils.translation import gettext as _

from samtale.org.imports.reader import Table


@dataclass(frozen=True)
class Column:
    key: str
    # The header in our template; headers are a file format, so they stay Norwegian.
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def normalize_header(text: str) -> str:
    return re.sub(r"[^a-z0-9æøå]", "", unicodedata.normalize("NFC", str(text).lower()))


@dataclass
class Problems:
    items: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append({"row": row, "column": column, "message": message})

    def by_row(self) -> list[dict]:
        """The problems by row number, so all of a row's come together. The checks find them
        pass by pass (a missing manager only once every row is read); within a row they keep
        the order they were found in."""
        return sorted(self.items, key=lambda problem: problem["row"])

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class BasePlan:
    """What an import would do: the problems found, and what it creates, changes and deactivates."""

    problems: Problems
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    create: dict[str, dict] = field(default_factory=dict)
    update: dict[str, dict] = field(default_factory=dict)
    unchanged: int = 0
    deactivate: list[int] = field(default_factory=list)
    deactivate_names: list[str] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": self.unchanged,
            "deactivate": len(self.deactivate),
        }


@dataclass
class Mapped:
    """The table's rows as dicts keyed by column key, and which header each key came from.

    A row has a key only for the columns the file has: a column left out of the file
    leaves that field alone, where an empty cell in it clears the field.
    """

    rows: list[tuple[int, dict[str, str | date | datetime | int | float]]]
    headers: dict[str, str]
    ignored: list[str]
    present: frozenset[str] = frozenset()


def map_columns(table: Table, columns: tuple[Column, ...], problems: Problems) -> Mapped:
    lookup = {}
    for column in columns:
        for name in (column.key, column.label, *column.aliases):
            lookup[normalize_header(name)] = column
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for position, header in enumerate(table.header):
        found = lookup.get(normalize_header(header))
        if found is None:
            if header:
                ignored.append(header)
            continue
        if found.key in index:
            problems.add(1, header, _("The column appears twice."))
            continue
        index[found.key] = position
        headers[found.key] = header
    for column in columns:
        if column.required and column.key not in index:
            problems.add(1, column.label, _("The column is missing. The first row must name it."))
        headers.setdefault(column.key, column.label)
    rows = []
    for number, cells in table.rows:
        record = {}
        for key, position in index.items():
            value = cells[position] if position < len(cells) else ""
            record[key] = value.strip() if isinstance(value, str) else value
        rows.append((number, record))
    return Mapped(rows=rows, headers=headers, ignored=ignored, present=frozenset(index))


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel gives employee numbers as 1234.0
        return str(int(value))
    # Files made on a Mac may spell å as a + ring; the database and the people searching it use one å.
    return unicodedata.normalize("NFC", str(value).strip())


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y")


def parse_date(value) -> date | None:
    """A date from a cell: Excel's date, 22.11.2026, 2026-11-22, 22.11.26; None when empty.

    Raises ValueError for anything else.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=4096)
def _parse_date_text(raw: str) -> date:
    # Cached: a roster repeats the same few thousand dates, and strptime is slow.
    # Some exports add a time of midnight to dates.
    raw = re.sub(r"[ T]00:00(:00)?$", "", raw)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def date_message() -> str:
    return _("Not a date. Write it as 22.11.2026 or 2026-11-22.")


def find_cycles(parent_of: dict[str, str]) -> set[str]:
    """Keys whose chain of parents comes back to itself."""
    in_cycle: set[str] = set()
    state: dict[str, int] = {}  # 1 = being walked, 2 = done
    for start in parent_of:
        path = []
        node = start
        while node in parent_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if state.get(node) == 1:
            in_cycle.update(path[path.index(node) :])
        for n in path:
            state[n] = 2
    return in_cycle
