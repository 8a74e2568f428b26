"""Which encodings an imported CSV file is read in, and what is refused instead of garbled.

UTF-8 (with or without a byte order mark) and UTF-16 with one are read as such;
a file that is not UTF-8 is read as Windows-1252 only when it is that cleanly.
Anything else is refused with the row and column of the first unreadable byte,
so one stray byte cannot turn every æ, ø and å in the roster into "Ã¦Ã¸Ã¥".
"""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from samtale.core.errors import DomainError
from samtale.org.imports import services as import_services
from samtale.org.imports.reader import read_table
from samtale.org.models import ImportBatch, Person, Unit
from samtale.org.tests.import_rows import PEOPLE_HEADER, csv_file, roster, row, snapshot

HEADER = ["Ansattnummer", "Fornavn", "Etternavn", "Enhet"]
NAMES = [
    ["1", "Bjørn", "Sæther", "Økonomi"],
    ["2", "Åse", "Ødegård", "Lønn"],
    ["3", "Kjærstin", "Løvås", "Skole"],
    ["4", "Ærlend", "Bråten", "Nærmiljø"],
]


def unreadable(row_number, column):
    message = _(
        "The file is not saved as UTF-8: row %(row)d, column %(column)s has characters that "
        "cannot be read. Save the file as UTF-8 (in Excel: “CSV UTF-8”) and upload it again."
    )
    return message % {"row": row_number, "column": column}


def refusal(content, filename="ansatte.csv"):
    with pytest.raises(DomainError) as error:
        read_table(filename=filename, content=content)
    return error.value.message


def with_stray_byte(content, byte, where="Bråten"):
    """The file with `byte` written after the first `where`, as one bad export does."""
    assert where.encode("utf-8") in content
    return content.replace(where.encode("utf-8"), where.encode("utf-8") + byte, 1)


# Read ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_it_reads_utf8_with_or_without_a_byte_order_mark(encoding):
    table = read_table(filename="ansatte.csv", content=csv_file(HEADER, *NAMES, encoding=encoding))
    assert table.header == HEADER
    assert table.rows == list(enumerate(NAMES, start=2))


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_it_reads_utf16_with_a_byte_order_mark(bom, encoding):
    content = bom + csv_file(HEADER, *NAMES, encoding=encoding, delimiter="\t")
    table = read_table(filename="ansatte.txt", content=content)
    assert table.header == HEADER
    assert table.rows == list(enumerate(NAMES, start=2))


def test_it_reads_a_windows_1252_export_from_norwegian_excel():
    content = csv_file(HEADER, *NAMES, ["5", "Per–Åge", "O’Hara", "Østfold"], encoding="cp1252")
    assert b"\xe6" in content and b"\xf8" in content and b"\xe5" in content
    table = read_table(filename="ansatte.csv", content=content)
    assert table.rows == list(enumerate([*NAMES, ["5", "Per–Åge", "O’Hara", "Østfold"]], start=2))


# Refused ---------------------------------------------------------------------


@pytest.mark.parametrize("byte", [b"\xe6", b"\xff", b"\xc3", b"\x80"])
def test_a_utf8_file_with_one_stray_byte_is_refused_naming_its_row_and_column(byte):
    content = with_stray_byte(csv_file(HEADER, *NAMES * 10), byte)
    assert refusal(content) == unreadable(5, "Etternavn")


def test_the_row_is_counted_as_excel_shows_it_when_a_cell_holds_a_line_break():
    content = csv_file(HEADER, ["1", "Bjørn", '"Sæther\r\nSandvik"', "Økonomi"], *NAMES[1:])
    # Bråten is on the sixth line of the file but in the fifth row of the sheet.
    assert refusal(with_stray_byte(content, b"\xff")) == unreadable(5, "Etternavn")


def test_a_stray_byte_in_the_column_names_is_named_by_the_column_number():
    content = csv_file(HEADER, *NAMES).replace(b"Etternavn", b"Etternavn\xff")
    assert refusal(content) == unreadable(1, 3)


def test_a_stray_byte_in_a_cell_past_the_named_columns_is_named_by_the_column_number():
    content = csv_file(HEADER, *NAMES[:2], ["3", "Kjærstin", "Løvås", "Skole", "Bråten"])
    assert refusal(with_stray_byte(content, b"\xe5")) == unreadable(4, 5)


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused(byte):
    content = csv_file(HEADER, *NAMES, encoding="cp1252")
    content = content.replace("Lønn".encode("cp1252"), b"L" + byte + b"nn")
    # The names before it are good Windows-1252; the byte Windows-1252 lacks is the one named.
    assert refusal(content) == unreadable(3, "Enhet")


def test_broken_utf16_is_refused_naming_where_it_breaks():
    good = csv_file(HEADER, *NAMES[:2], encoding="utf-16-le", delimiter="\t") + "\r\n".encode(
        "utf-16-le"
    )
    lone_surrogate = b"\x00\xd8"
    content = codecs.BOM_UTF16_LE + good + "3\tKj".encode("utf-16-le") + lone_surrogate
    assert refusal(content, filename="ansatte.txt") == unreadable(4, "Fornavn")


# Through the import ----------------------------------------------------------


def people_file_with_a_stray_byte():
    rows = [
        *roster(),
        row("200", "Bjørn", email="bjorn@test.example"),
        row("201", "Åse", title="Lærer", email="ase@test.example"),
    ]
    content = csv_file(PEOPLE_HEADER, *rows)
    return content.replace("Lærer".encode(), "Lærer".encode() + b"\xf8", 1)


def test_import_preview_refuses_the_file_on_the_file_field_and_changes_nothing(people):
    before = snapshot(), snapshot(Unit)
    with pytest.raises(DomainError) as error:
        import_services.import_preview(
            actor=people.admin,
            kind="people",
            filename="ansatte.csv",
            content=people_file_with_a_stray_byte(),
        )
    # Row 5 is Emma, the first with a title; her title is in the column "Stillingstittel".
    title = PEOPLE_HEADER[4]
    assert error.value.field == "file"
    assert error.value.message == unreadable(5, title)
    assert not ImportBatch.objects.exists()
    assert (snapshot(), snapshot(Unit)) == before


def test_a_batch_whose_file_cannot_be_read_is_not_applied(people):
    # A file previewed before reading was strict is checked again when it is applied.
    batch = ImportBatch.objects.create(
        kind="people",
        filename="ansatte.csv",
        content=people_file_with_a_stray_byte(),
        uploaded_by=people.admin,
        report={},
    )
    before = snapshot(), snapshot(Unit)
    with pytest.raises(DomainError) as error:
        import_services.import_apply(actor=people.admin, batch=batch)
    assert error.value.message == unreadable(5, PEOPLE_HEADER[4])
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (snapshot(), snapshot(Unit)) == before
    assert not Person.objects.filter(employee_number__in=["200", "201"]).exists()


def test_the_upload_page_shows_why_the_file_is_refused_and_imports_nothing(client_for):
    client = client_for("admin")
    before = snapshot()
    response = client.post(
        reverse("import_start"),
        {
            "kind": "people",
            "file": SimpleUploadedFile("ansatte.csv", people_file_with_a_stray_byte()),
        },
    )
    message = unreadable(5, PEOPLE_HEADER[4])
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert escape(message) in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert snapshot() == before
