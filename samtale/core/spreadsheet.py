"""The one writer of the CSV and Excel files Samtale hands out, so none of them carries a formula.

Excel and LibreOffice treat a cell that begins with =, +, -, @, a tab or a
carriage return as a formula, and a formula can fetch URLs or run programs
(OWASP: CSV injection). Names, titles and notes come from imported files and
forms exactly as typed, which is right for storing them; a file we write is where
they must be made harmless. A test fails when any other module writes CSV or
builds a workbook itself.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.http import content_disposition_header
from django.utils.text import slugify

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # The other files Samtale hands out: the signed form, an archive package, a person's copy.
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}

# Characters Excel does not allow in a sheet's name, which is at most 31 long.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def neutralise(value: Any) -> Any:
    """The value as a cell that no spreadsheet runs: formula-like text gets a leading apostrophe.

    Only text changes; numbers, dates and None are returned as they are, so an
    amount that may be negative should be passed as a number, not as text.
    Leading whitespace does not make " =1+1" safe (LibreOffice can trim it on
    opening the file), so it is looked past.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS)
    ):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Spreadsheets have no time zones: show the time as it was in Norway.
        value = timezone.localtime(value).replace(tzinfo=None)
    return neutralise(value)


def _decimal(value: Any, separator: str) -> Any:
    """A number with a fraction in the language's own way (3,25 in Norwegian): Norwegian
    Excel reads 3.25 as text, and 3.10 as a date. Never in exponent form."""
    if isinstance(value, bool) or not isinstance(value, (float, Decimal)):
        return value
    text = repr(value) if isinstance(value, float) else format(value, "f")
    if "e" in text.lower():
        text = format(Decimal(text), "f")
    return text.replace(".", separator)


def csv_bytes(rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> bytes:
    """Rows as CSV the way Norwegian Excel opens it: semicolons, CRLF, UTF-8 with a BOM, and
    a decimal comma (the active language's separator).

    Without the byte order mark Excel reads UTF-8 as Windows-1252 and garbles æ, ø and å.
    """
    separator = get_format("DECIMAL_SEPARATOR")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([_decimal(_cell(value), separator) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


# Control characters a workbook cannot hold (tab, line feed and carriage return it can).
_NOT_IN_A_WORKBOOK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, sheet_title: str) -> bytes:
    """Rows as an Excel workbook of one sheet; every text cell is stored as text.

    A workbook, unlike CSV, says what a cell is: text stored as text is never run, so it
    shows as written, without the apostrophe CSV needs. Formula-like text also gets Excel's
    own quote prefix, which keeps it text when someone edits the cell.

    XlsxWriter writes it, cell by cell with a call each (3–4× openpyxl's time per cell: the
    needs of 50,000 people are 40,000 cells); openpyxl reads the files people import.
    """
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(_SHEET_TITLE_FORBIDDEN.sub("-", sheet_title)[:31] or None)
    quoted = workbook.add_format({"quote_prefix": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                value = _NOT_IN_A_WORKBOOK.sub("", value)
                if value:
                    # write_string: never a formula, a number or a link, whatever it reads as.
                    sheet.write_string(
                        r, c, value, quoted if neutralise(value) is not value else None
                    )
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(r, c, value)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, _cell(value), moment)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif value is not None:
                sheet.write_string(r, c, str(value))
    workbook.close()
    return out.getvalue()


def download(content: bytes, *, filename: str) -> HttpResponse:
    """A response that saves `content` (from csv_bytes or xlsx_bytes, or a PDF or ZIP) as
    `filename`: every file Samtale hands out."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix.lower()])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Letters NFKD does not take apart (å and é it does): written as Norwegians spell them in ASCII.
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "Æ": "Ae", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D"})


def file_name(*words: Any, day: date | None = None, ext: str = "") -> str:
    """A download's name, as it reads in a folder of downloads: its words (what it is, whose,
    which unit) and its day, ASCII lower case joined by hyphens, safe in every file system
    and header: file_name("samtale", "Kari Nilsen", day=…, ext="pdf") is
    samtale-kari-nilsen-2026-12-14.pdf (without `ext`, the name alone). Names and dates
    only, never anything written."""
    parts = [slugify(str(word).translate(_ASCII)) for word in words if word not in (None, "")]
    if day is not None:
        parts.append(day.isoformat())
    return "-".join(part for part in parts if part) + (f".{ext}" if ext else "")
