"""The rules for one row of a people file, as a form: each cell read and checked by its field.

What the form cannot see from one row, whether an employee number, e-mail address or
national identity number is on an earlier row too, it asks of `Claims`, which the plan
fills row by row. A cell with a problem still gives the plan a value (`PersonRowForm.record`),
so that the preview counts the row new, changed or unchanged as it would be without it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from samtale.org import national_id
from samtale.org.imports.common import date_message, parse_date, text
from samtale.org.models import Person, Unit

EMPLOYMENT_TYPES = {
    "fast": Person.EmploymentType.PERMANENT,
    "fast ansatt": Person.EmploymentType.PERMANENT,
    "fast stilling": Person.EmploymentType.PERMANENT,
    "permanent": Person.EmploymentType.PERMANENT,
    "midlertidig": Person.EmploymentType.TEMPORARY,
    "midlertidig ansatt": Person.EmploymentType.TEMPORARY,
    "midlertidig stilling": Person.EmploymentType.TEMPORARY,
    "vikar": Person.EmploymentType.TEMPORARY,
    "vikariat": Person.EmploymentType.TEMPORARY,
    "tilkallingsvikar": Person.EmploymentType.TEMPORARY,
    "sommervikar": Person.EmploymentType.TEMPORARY,
    "engasjement": Person.EmploymentType.TEMPORARY,
    "temporary": Person.EmploymentType.TEMPORARY,
}
MAX_LENGTHS = {"job_title": 200, "profession_group": 100}


@dataclass
class Claims:
    """Who in the file first gave each value that may belong to one person only."""

    # employee number -> its row
    rows: dict[str, int] = field(default_factory=dict)
    # e-mail address, national identity number -> the employee number that gives it
    emails: dict[str, str] = field(default_factory=dict)
    national_ids: dict[str, str] = field(default_factory=dict)


class RowField(forms.Field):
    """A field of a row form. Never required: the form's own checks say what is missing,
    in the import's words.

    Every row's form shares its class's fields: they hold nothing of a row, and copying
    them for each form, as Django does, took most of the time a file of 10,000 rows takes
    to check (bench/import_people.py). No label either: the form is never rendered, and
    the file's own header names the column in a problem.
    """

    def __init__(self) -> None:
        super().__init__(required=False, label="")

    def __deepcopy__(self, memo):
        return self


class Cell(RowField):
    """A cell as text (common.text): Excel's 1234.0 as 1234, a Mac's å as one character."""

    def __init__(self, *, lower: bool = False) -> None:
        super().__init__()
        self.lower = lower

    def to_python(self, value) -> str:
        value = text(value)
        return value.lower() if self.lower else value


class WordsCell(Cell):
    """Words to look up: lower case, single spaces ("Fast  ansatt" is "fast ansatt")."""

    def to_python(self, value) -> str:
        return " ".join(text(value).lower().split())


class DateCell(RowField):
    """A date as payroll systems write it (common.parse_date); None when empty."""

    def to_python(self, value) -> date | None:
        try:
            return parse_date(value)
        except ValueError:
            raise ValidationError(date_message()) from None


class NationalIdCell(Cell):
    """The number from a cell: a spreadsheet that took it for a number dropped the leading
    zero of anyone born on the 1st to the 9th of a month."""

    def to_python(self, value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(int(value)).zfill(11)
        return national_id.normalize(text(value))


class PersonRowForm(forms.Form):
    """One row's cells, by column key (common.map_columns). The fields are in the order
    their problems are listed for the row; a column the file leaves out is an empty cell
    here, and `record` leaves it out of what the row sets."""

    employee_number = Cell()
    first_name = Cell()
    last_name = Cell()
    email = Cell(lower=True)
    job_title = Cell()
    profession_group = Cell()
    employment_type = WordsCell()
    start_date = DateCell()
    end_date = DateCell()
    unit_code = Cell()
    national_id = NationalIdCell()
    manager_number = Cell()

    def __init__(self, cells: dict, *, units: dict[str, Unit], claims: Claims) -> None:
        # Never rendered: no ids or label suffixes to work out for each of 10,000 rows.
        super().__init__(cells, auto_id=False, label_suffix="")
        self.units = units
        self.claims = claims

    def clean_employee_number(self) -> str:
        number = self.cleaned_data["employee_number"]
        if not number:
            raise ValidationError(_("The employee number is missing."))
        if number in self.claims.rows:
            raise ValidationError(
                _("The employee number is also on row %(row)d.") % {"row": self.claims.rows[number]}
            )
        return number

    def clean_first_name(self) -> str:
        return _name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _name(self.cleaned_data["last_name"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if not _is_email(email):
            raise ValidationError(
                _("“%(value)s” is not an e-mail address.") % {"value": email}
                if email
                else _("The e-mail address is missing.")
            )
        if email in self.claims.emails:
            row = self.claims.rows[self.claims.emails[email]]
            raise ValidationError(_("The e-mail address is also on row %(row)d.") % {"row": row})
        return email

    def clean_employment_type(self) -> str:
        kind = self.cleaned_data["employment_type"]
        if not kind:
            return Person.EmploymentType.PERMANENT
        if kind not in EMPLOYMENT_TYPES:
            raise ValidationError(
                _("“%(value)s” is not an employment type. Write “fast” or “midlertidig”.")
                % {"value": kind}
            )
        return EMPLOYMENT_TYPES[kind]

    def clean_end_date(self) -> date | None:
        start, end = self.cleaned_data.get("start_date"), self.cleaned_data["end_date"]
        if start and end and end < start:
            raise ValidationError(_("The end date is before the start date."))
        return end

    def clean_unit_code(self) -> Unit:
        code = self.cleaned_data["unit_code"]
        unit = self.units.get(code)
        if not code:
            raise ValidationError(_("The unit code is missing."))
        if unit is None:
            raise ValidationError(
                _("No unit has the code “%(code)s”. Import the units first.") % {"code": code}
            )
        if not unit.is_active:
            raise ValidationError(_("The unit “%(code)s” is deactivated.") % {"code": code})
        return unit

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"]
        if value and not national_id.is_valid(value):
            # Never the number itself: the preview is kept and shown again.
            raise ValidationError(
                _("This is not a valid national identity number: check the 11 digits.")
            )
        if value in self.claims.national_ids:
            row = self.claims.rows[self.claims.national_ids[value]]
            raise ValidationError(
                _("The national identity number is also on row %(row)d.") % {"row": row}
            )
        return value

    def clean_manager_number(self) -> str | None:
        manager = self.cleaned_data["manager_number"] or None
        if manager == self.cleaned_data.get("employee_number"):
            raise ValidationError(_("A person cannot be their own line manager."))
        return manager

    def problems(self) -> list[tuple[str, Any]]:
        """(column key, message) of every problem, field by field in the form's order."""
        errors = self.errors
        return [(key, message) for key in self.fields for message in errors.get(key, ())]

    def record(self, present: frozenset[str]) -> dict:
        """What the row sets, by Person field: the four columns every file has, and those of
        the others the file has (`present`). A cell with a problem gives what it was read as:
        a name or address as written, no date for one that is not a date, and no employment
        type; a deactivated unit is still the unit."""
        data = self.cleaned_data
        record = {key: self._as_read(key) for key in ("first_name", "last_name", "email")}
        for key, max_length in MAX_LENGTHS.items():
            if key in present:
                record[key] = data[key][:max_length]
        if "employment_type" in present and "employment_type" in data:
            record["employment_type"] = data["employment_type"]
        for key in ("start_date", "end_date"):
            if key in present:
                record[key] = data[key] if key in data else self._date_as_read(key)
        unit = self.units.get(self._as_read("unit_code"))
        record["unit_id"] = unit.pk if unit else None
        if "national_id" in present:
            record["national_id"] = self._as_read("national_id") or None
        return record

    def manager(self) -> str | None:
        """The line manager's employee number; none for a row that names its own."""
        return self.cleaned_data.get("manager_number")

    def _as_read(self, key: str):
        """The cell as its field reads it, before the checks."""
        return self.fields[key].to_python(self.data.get(key))

    def _date_as_read(self, key: str) -> date | None:
        try:
            return self._as_read(key)
        except ValidationError:
            return None


def _name(value: str) -> str:
    if not value:
        raise ValidationError(_("This field is required."))
    if len(value) > 100:
        raise ValidationError(_("At most 100 characters."))
    return value


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    # The validator allows 320 characters; the column holds 254.
    return len(value) <= (Person._meta.get_field("email").max_length or 254)
