"""Read an uploaded table (CSV or Excel) into rows of cells, keeping row numbers.

Payroll and HR systems export CSV in UTF-8 (sometimes UTF-16) or Windows-1252,
separated by semicolons (Norwegian Excel), commas or tabs; or an .xlsx workbook.
A CSV file that is none of these cleanly is refused, naming the first cell that
cannot be read, rather than imported with garbled names.
"""

import codecs
import csv
import io
import re
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


# A well-formed UTF-8 sequence of two to four bytes. Windows-1252 text almost never has one
# (it would read as "Ã¸"), so a file with one is UTF-8 with a stray byte, not Windows-1252.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# What errors="surrogateescape" turns a byte it cannot decode into; valid text never has these.
_UNDECODED = re.compile("[\udc80-\udcff]")


def _decode(content: bytes) -> str:
    """The file's text; bytes that cannot be read are kept as U+DC80..U+DCFF to be reported."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as e:
            # Bad UTF-16 cannot be escaped byte by byte: keep the text up to it and mark the spot.
            return content[: e.start].decode("utf-16") + "\udc80"
    text = content.decode("utf-8-sig", errors="surrogateescape")
    if _UNDECODED.search(text) and not _UTF8_MULTIBYTE.search(content):
        # Excel on Norwegian Windows saves CSV as Windows-1252 (æ, ø, å as single bytes);
        # it leaves five bytes undefined, and those are reported as unreadable.
        text = content.decode("cp1252", errors="surrogateescape")
    return text


def _refuse_undecoded(header: list[str], records) -> None:
    """Name the first cell with a byte that could not be decoded; nothing is imported."""
    for number, cells in [(1, header), *records]:
        for index, cell in enumerate(cells):
            if _UNDECODED.search(cell):
                name = header[index].strip() if index < len(header) and number > 1 else ""
                raise DomainError(
                    _(
                        "The file is not saved as UTF-8: row %(row)d, column %(column)s has "
                        "characters that cannot be read. Save the file as UTF-8 (in Excel: "
                        "“CSV UTF-8”) and upload it again."
                    )
                    % {"row": number, "column": name or index + 1}
                )


def _read_csv(content: bytes) -> Table:
    text = _decode(content)
    undecoded = bool(_UNDECODED.search(text))
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
        if undecoded:
            _refuse_undecoded(header, rows)
        raise DomainError(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": reader.line_num, "error": e}
        ) from None
    if undecoded:
        _refuse_undecoded(header, rows)
    return _table([h.strip() for h in header], rows)


# Excel writes a control character in a text cell as _xHHHH_ (a line break typed with
# Alt+Enter is _x000D__x000A_); openpyxl hands the escape over as it is.
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _unescaped(value):
    """A text cell as Excel shows it, a line break or another control character in it made
    one space (an imported field is one line); any other value as it is."""
    if not isinstance(value, str) or "_x" not in value:
        return value
    return _CONTROL.sub(" ", _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value))


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
            cells = ["" if c is None else _unescaped(c) for c in cells]
            if any(str(c).strip() for c in cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    return _table(["" if h is None else str(h).strip() for h in header], rows)
