"""The rows and files the import tests build, and the fixed roster as a people file.

The fixed people (testkit/people.py) are the roster already in Samtale:
employee numbers 100–106 in the units S, E, D1, D2 and T1.
"""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from samtale.org.imports import people as people_import
from samtale.org.imports import units as units_import
from samtale.org.imports.reader import Table
from samtale.org.models import Person

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))

PEOPLE_HEADER = [c.label for c in people_import.COLUMNS]
UNITS_HEADER = [c.label for c in units_import.COLUMNS]
# The fixture's own units, as a units file says them.
FIXTURE_UNITS = [
    ["S", "Sentral", "virksomhet", ""],
    ["E", "Skole", "virksomhet", ""],
    ["D1", "Avdeling 1", "avdeling", "E"],
    ["D2", "Avdeling 2", "avdeling", "E"],
    ["T1", "Team 1", "team", "D1"],
]


def row(
    number,
    first="Nina",
    unit="T1",
    manager="",
    *,
    email=None,
    title="",
    kind="fast",
    start="",
    end="",
):
    """A people row in the template's column order."""
    email = email if email is not None else f"{first.lower()}.{number}@test.example"
    return [number, first, "Testesen", email, title, "", kind, start, end, unit, manager]


def roster():
    """The fixed people exactly as they are in the database: importing it changes nothing."""
    return [
        row("100", "Lea", "E", email="leaders_leader@test.example", kind=""),
        row("101", "Leif", "D1", "100", email="leader@test.example"),
        row("102", "Olga", "D2", "100", email="other_leader@test.example"),
        row("103", "Emma", "T1", "101", email="employee@test.example", title="Lærer"),
        row("104", "Espen", "D2", "102", email="other_employee@test.example"),
        row("105", "Hedda", "S", email="hr@test.example"),
        row("106", "Adam", "S", email="admin@test.example"),
    ]


def table(rows, header=PEOPLE_HEADER):
    return Table(header=list(header), rows=list(enumerate(rows, start=2)))


def plan_people(rows, header=PEOPLE_HEADER):
    return people_import.plan(table(rows, header), today=TODAY)


def plan_units(rows, header=UNITS_HEADER):
    return units_import.plan(table(rows, header))


def problems_of(result):
    return [(p["row"], p["column"], p["message"]) for p in result.problems.items]


def import_people(rows, header=PEOPLE_HEADER):
    result = plan_people(rows, header)
    assert problems_of(result) == []
    people_import.apply(result)
    return result


def snapshot(model=Person):
    return list(model.objects.order_by("pk").values_list())


def csv_file(*lines, encoding="utf-8-sig", delimiter=";"):
    return "\r\n".join(delimiter.join(cells) for cells in lines).encode(encoding)


def xlsx_file(*rows):
    workbook = Workbook()
    for cells in rows:
        workbook.active.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
