"""Read an uploaded table (CSV or Excel) into rows of cells, keeping row numbers.

Payroll and HR systems export CSV in UTF-8 or Windows-1252, separated by
semicolons (Norwegian Excel), commas or tabs; or an .xlsx workbook.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from samtale.core.errors import DomainError


@dataclass
class Table:
    header: list[str]
    # (row number as a spreadsheet shows the file, cells); the header is row 1.
    rows: list[tuple[int, list]]


def read_table(*, filename: str, content: bytes) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".xls"):
        raise DomainError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV.")
        )
    if name.endswith((".csv", ".txt")):
        return _read_csv(content)
    raise DomainError(_("Choose a CSV file (.csv) or an Excel workbook (.xlsx)."))


def _table(header: list[str], rows: list[tuple[int, list]]) -> Table:
    if not rows:
        if not any(header):
            raise DomainError(_("The file is empty."))
        # The file is the whole list: an export that lost its rows must not deactivate everyone.
        raise DomainError(_("The file has column names but no rows."))
    return Table(header=header, rows=rows)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Norwegian Windows saves CSV as Windows-1252.
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DomainError(_("The file is empty.")) from None
    except csv.Error as e:
        raise DomainError(_("The file cannot be read as CSV: %(error)s") % {"error": e}) from None
    rows = []
    try:
        # Counted as records, not lines, so a cell with a line break in it does not shift
        # the numbers away from the rows Excel shows; blank lines count, as Excel shows them.
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as e:
        raise DomainError(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": e}
        ) from None
    return _table([h.strip() for h in header], rows)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken or foreign file
        raise DomainError(_("The file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong used range ("A1"), which read-only mode would trust
        # and so silently drop every row after the first.
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None:
            raise DomainError(_("The file is empty."))
        rows = []
        for number, cells in enumerate(values, start=2):
            cells = ["" if c is None else c for c in cells]
            if any(str(c).strip() for c in cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    return _table(["" if h is None else str(h).strip() for h in header], rows)
