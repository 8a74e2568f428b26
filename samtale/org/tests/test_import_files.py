"""Reading an import file (org.imports.reader, common): CSV in the encodings and delimiters
payroll systems write, Excel workbooks, and the header row matched to the columns by name or
alias."""

import io
import re
from datetime import date, datetime

import pytest
from django.utils.translation import gettext as _

from samtale.core.errors import DomainError
from samtale.org.imports import people as people_import
from samtale.org.imports import units as units_import
from samtale.org.imports.common import Problems, map_columns, normalize_header, parse_date, text
from samtale.org.imports.reader import read_table
from samtale.org.tests.import_rows import (
    PEOPLE_HEADER,
    csv_file,
    plan_people,
    problems_of,
    roster,
    xlsx_file,
)

# Reading files ---------------------------------------------------------------


def test_it_reads_utf8_with_a_byte_order_mark():
    content = csv_file(
        ["Enhetskode", "Enhetsnavn", "Nivå"], ["4200", "Fjordvik skole", "virksomhet"]
    )
    assert content.startswith(b"\xef\xbb\xbf")
    result = read_table(filename="enheter.csv", content=content)
    assert result.header == ["Enhetskode", "Enhetsnavn", "Nivå"]
    assert result.rows == [(2, ["4200", "Fjordvik skole", "virksomhet"])]


def test_it_reads_windows_1252_with_æøå():
    content = csv_file(["Fornavn", "Etternavn"], ["Bjørn", "Sæther Åsheim"], encoding="cp1252")
    result = read_table(filename="ansatte.csv", content=content)
    assert result.rows == [(2, ["Bjørn", "Sæther Åsheim"])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_it_finds_the_delimiter_from_the_first_row(delimiter):
    content = csv_file(["A", "B", "C"], ["1", "2", "3"], delimiter=delimiter)
    result = read_table(filename="fil.txt", content=content)
    assert result.header == ["A", "B", "C"]
    assert result.rows == [(2, ["1", "2", "3"])]


def test_it_skips_blank_lines_and_keeps_the_row_numbers_excel_shows():
    content = b"A;B\r\n1;2\r\n\r\n;\r\n  ; \r\n3;4\r\n"
    assert read_table(filename="fil.csv", content=content).rows == [
        (2, ["1", "2"]),
        (6, ["3", "4"]),
    ]


def test_a_line_break_inside_a_quoted_cell_does_not_shift_the_row_numbers():
    content = b'A;B\r\n1;"two\r\nlines"\r\n3;4\r\n'
    assert read_table(filename="fil.csv", content=content).rows == [
        (2, ["1", "two\r\nlines"]),
        (3, ["3", "4"]),
    ]


def test_it_reads_an_excel_workbook_with_real_dates_and_numbers():
    content = xlsx_file(
        ["Ansattnummer", "Startdato", "Leders ansattnummer"],
        [1234, datetime(2024, 8, 1), 1000.0],
        [None, None, None],
        ["1235", "01.09.2024", None],
    )
    result = read_table(filename="Ansatte.XLSX", content=content)
    assert result.header == ["Ansattnummer", "Startdato", "Leders ansattnummer"]
    assert [number for number, _cells in result.rows] == [2, 4]
    (_, first), (_, second) = result.rows
    assert text(first[0]) == "1234" and text(first[2]) == "1000"
    assert parse_date(first[1]) == date(2024, 8, 1)
    assert parse_date(second[1]) == date(2024, 9, 1)


def test_it_reads_every_row_of_a_workbook_whose_stated_size_is_wrong():
    import zipfile

    original = xlsx_file(["A", "B"], ["1", "2"], ["3", "4"])
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, stated = re.subn(
                    rb'<dimension ref="A1:B3" ?/>', b'<dimension ref="A1"/>', data
                )
                assert stated == 1
            target.writestr(item, data)
    result = read_table(filename="fil.xlsx", content=broken.getvalue())
    assert result.rows == [(2, ["1", "2"]), (3, ["3", "4"])]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        (
            "ansatte.xls",
            b"\xd0\xcf\x11\xe0",
            "Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV.",
        ),
        ("ansatte.pdf", b"%PDF", "Choose a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("ansatte", b"A;B\r\n1;2", "Choose a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("ansatte.csv", b"", "The file is empty."),
        ("ansatte.csv", b"\r\n\r\n", "The file is empty."),
        ("ansatte.csv", b"\xef\xbb\xbfA;B\r\n\r\n", "The file has column names but no rows."),
        (
            "ansatte.xlsx",
            b"not a zip file",
            "The file cannot be read as an Excel workbook (.xlsx).",
        ),
    ],
)
def test_it_refuses_what_it_cannot_read_with_a_clear_message(filename, content, message):
    with pytest.raises(DomainError) as error:
        read_table(filename=filename, content=content)
    assert error.value.message == _(message)


def test_an_empty_workbook_is_refused():
    with pytest.raises(DomainError) as error:
        read_table(filename="tom.xlsx", content=xlsx_file())
    assert error.value.message == _("The file is empty.")


# Column names ----------------------------------------------------------------


def test_headers_match_by_alias_whatever_the_case_and_spacing():
    header = ["ANSATTNR", "first name", "Etter-navn", " E-postadresse ", "Enhet", "LEDER"]
    content = csv_file(header, ["1", "Ada", "Berg", "a@b.example", "T1", ""])
    problems = Problems()
    mapped = map_columns(
        read_table(filename="a.csv", content=content), people_import.COLUMNS, problems
    )
    assert not problems
    assert mapped.headers["employee_number"] == "ANSATTNR"
    assert mapped.headers["email"] == "E-postadresse"
    assert mapped.rows == [
        (2, {"employee_number": "1", "first_name": "Ada", "last_name": "Berg", "email": "a@b.example", "unit_code": "T1", "manager_number": ""})
    ]  # fmt: skip


def test_a_header_written_with_a_decomposed_å_still_matches():
    assert normalize_header("Niva\u030a") == normalize_header("Nivå")


def test_unknown_columns_are_reported_as_ignored(people):
    result = plan_people(roster(), [*PEOPLE_HEADER, "Lønnstrinn", "Kommentar"])
    assert problems_of(result) == []
    assert result.ignored_columns == ["Lønnstrinn", "Kommentar"]


def test_a_missing_required_column_is_reported_on_row_1(people):
    header = [h for h in PEOPLE_HEADER if h != "E-post"]
    result = plan_people([r[:3] + r[4:] for r in roster()], header)
    assert problems_of(result) == [
        (1, "E-post", _("The column is missing. The first row must name it."))
    ]


def test_a_column_named_twice_is_reported_on_row_1(people):
    result = plan_people([r + ["x"] for r in roster()], [*PEOPLE_HEADER, "epost"])
    assert problems_of(result) == [(1, "epost", _("The column appears twice."))]


@pytest.mark.parametrize("module", [people_import, units_import])
def test_no_alias_names_two_columns(module):
    seen = {}
    for column in module.COLUMNS:
        for name in {normalize_header(n) for n in (column.key, column.label, *column.aliases)}:
            assert seen.setdefault(name, column.key) == column.key, name


def _with_doctype(content: bytes, doctype: str, entity: str) -> bytes:
    """The workbook with a DOCTYPE before its sheet and its workbook part, and the first
    name's cell replaced by a reference to `entity`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename in ("xl/workbook.xml", "xl/worksheets/sheet1.xml"):
                text = re.sub(r"^<\?xml[^>]*\?>", "", data.decode())
                data = (
                    '<?xml version="1.0"?>' + doctype + text.replace(">Kari<", f">{entity}<")
                ).encode()
            target.writestr(item, data)
    return out.getvalue()


LAUGHS = (
    "<!DOCTYPE x [<!ENTITY a0 'lol'>"
    + "".join(f"<!ENTITY a{n} '{f'&a{n - 1};' * 10}'>" for n in range(1, 10))
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("doctype", "entity"), [(LAUGHS, "&a9;"), (XXE, "&xxe;")])
def test_a_workbook_with_entities_is_refused_and_nothing_is_expanded(doctype, entity):
    """openpyxl reads through lxml (entities never resolved): a billion laughs or a file of
    the server's in a cell is refused as a broken workbook, at once."""
    content = xlsx_file(["Navn", "E-post"], ["Kari", "kari@x.no"])
    assert read_table(filename="a.xlsx", content=_with_doctype(content, "", "Kari")).rows
    with pytest.raises(DomainError, match="Excel"):
        read_table(filename="a.xlsx", content=_with_doctype(content, doctype, entity))


def test_a_line_break_excel_escaped_in_a_cell_is_read_as_excel_shows_it():
    """Excel writes a control character in a text cell as _xHHHH_ (a line break typed with
    Alt+Enter as _x000D_): read as the character, made a space in the one-line field, and
    not as the escape's letters in someone's name."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Fornavn", "Etternavn"])
    sheet.write_row(1, 0, ["Kari", "Nilsen\rHansen"])
    sheet.write_row(2, 0, ["Ola\x01", "Berg"])
    workbook.close()
    result = read_table(filename="fil.xlsx", content=out.getvalue())
    assert result.rows == [(2, ["Kari", "Nilsen Hansen"]), (3, ["Ola ", "Berg"])]
