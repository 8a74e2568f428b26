"""People from a payroll/HR export: the file is the whole roster.

Matched by employee number. New people are created (they choose a password
through the e-mailed link), changed ones updated, people who left (an end
date in the past, or no longer in the file) are deactivated, never deleted.
People without an employee number (system accounts made in the app) are
left alone.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.org.imports.common import (
    Column,
    Problems,
    date_message,
    find_cycles,
    map_columns,
    parse_date,
    text,
)
from samtale.org.imports.reader import Table
from samtale.org.models import Person, Unit

COLUMNS = (
    Column("employee_number", "Ansattnummer", ("ansattnr", "ansatt nr", "employee number"), True),
    Column("first_name", "Fornavn", ("first name", "given name"), True),
    Column("last_name", "Etternavn", ("last name", "surname", "family name"), True),
    Column("email", "E-post", ("epost", "e-postadresse", "email", "e-mail"), True),
    Column("job_title", "Stilling", ("stillingstittel", "stillingsbetegnelse", "job title")),
    Column("profession_group", "Yrkesgruppe", ("profession group",)),
    Column("employment_type", "Ansettelsesform", ("ansettelsestype", "ansattforhold", "employment type")),
    Column("start_date", "Startdato", ("ansatt fra", "tiltredelse", "start date")),
    Column("end_date", "Sluttdato", ("ansatt til", "fratredelse", "end date")),
    Column("unit_code", "Enhetskode", ("enhet", "enhetsnr", "unit", "unit code"), True),
    Column(
        "manager_number",
        "Leders ansattnummer",
        ("leder ansattnummer", "leder", "lederens ansattnummer", "manager", "manager employee number"),
    ),
)

EMPLOYMENT_TYPES = {
    "fast": Person.EmploymentType.PERMANENT,
    "fast ansatt": Person.EmploymentType.PERMANENT,
    "permanent": Person.EmploymentType.PERMANENT,
    "midlertidig": Person.EmploymentType.TEMPORARY,
    "midlertidig ansatt": Person.EmploymentType.TEMPORARY,
    "vikar": Person.EmploymentType.TEMPORARY,
    "engasjement": Person.EmploymentType.TEMPORARY,
    "temporary": Person.EmploymentType.TEMPORARY,
}

# The fields a row sets; compared with the database to tell changed from unchanged.
FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "profession_group",
    "employment_type",
    "start_date",
    "end_date",
    "unit_id",
    "is_active",
)


@dataclass
class Plan:
    problems: Problems
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    # employee number -> field values for the new or changed person
    create: dict[str, dict] = field(default_factory=dict)
    update: dict[str, dict] = field(default_factory=dict)
    unchanged: int = 0
    # employee number -> employee number of the manager (or None)
    managers: dict[str, str | None] = field(default_factory=dict)
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


def plan(table: Table, *, today: date | None = None) -> Plan:
    """Check every row and work out what applying the file would change."""
    today = today or timezone.localdate()
    problems = Problems()
    mapped = map_columns(table, COLUMNS, problems)
    result = Plan(problems=problems, ignored_columns=mapped.ignored, rows=len(mapped.rows))
    if problems:
        return result
    h = mapped.headers
    units = {u.code: u for u in Unit.objects.all().only("pk", "code", "is_active")}
    records: dict[str, dict] = {}
    row_of: dict[str, int] = {}
    email_row: dict[str, int] = {}

    for number, raw in mapped.rows:
        number_ = text(raw.get("employee_number"))
        record: dict = {}
        if not number_:
            problems.add(number, h["employee_number"], _("The employee number is missing."))
            continue
        if number_ in row_of:
            problems.add(
                number,
                h["employee_number"],
                _("The employee number is also on row %(row)d.") % {"row": row_of[number_]},
            )
            continue
        row_of[number_] = number
        for key in ("first_name", "last_name"):
            value = text(raw.get(key))
            if not value:
                problems.add(number, h[key], _("This field is required."))
            elif len(value) > 100:
                problems.add(number, h[key], _("At most 100 characters."))
            record[key] = value
        email = text(raw.get("email")).lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.add(
                number, h["email"], _("“%(value)s” is not an e-mail address.") % {"value": email}
                if email else _("The e-mail address is missing.")
            )
        else:
            if email in email_row:
                problems.add(
                    number,
                    h["email"],
                    _("The e-mail address is also on row %(row)d.") % {"row": email_row[email]},
                )
            email_row[email] = number
        record["email"] = email
        record["job_title"] = text(raw.get("job_title"))[:200]
        record["profession_group"] = text(raw.get("profession_group"))[:100]
        kind = text(raw.get("employment_type")).lower()
        if not kind:
            record["employment_type"] = Person.EmploymentType.PERMANENT
        elif kind in EMPLOYMENT_TYPES:
            record["employment_type"] = EMPLOYMENT_TYPES[kind]
        else:
            problems.add(
                number,
                h["employment_type"],
                _("“%(value)s” is not an employment type. Write “fast” or “midlertidig”.")
                % {"value": kind},
            )
        for key in ("start_date", "end_date"):
            try:
                record[key] = parse_date(raw.get(key))
            except ValueError:
                problems.add(number, h[key], date_message())
                record[key] = None
        if record["start_date"] and record["end_date"] and record["end_date"] < record["start_date"]:
            problems.add(number, h["end_date"], _("The end date is before the start date."))
        unit_code = text(raw.get("unit_code"))
        unit = units.get(unit_code)
        if not unit_code:
            problems.add(number, h["unit_code"], _("The unit code is missing."))
        elif unit is None:
            problems.add(
                number,
                h["unit_code"],
                _("No unit has the code “%(code)s”. Import the units first.") % {"code": unit_code},
            )
        elif not unit.is_active:
            problems.add(
                number, h["unit_code"], _("The unit “%(code)s” is deactivated.") % {"code": unit_code}
            )
        record["unit_id"] = unit.pk if unit else None
        record["is_active"] = not (record["end_date"] and record["end_date"] < today)
        manager = text(raw.get("manager_number")) or None
        if manager == number_:
            problems.add(number, h["manager_number"], _("A person cannot be their own line manager."))
            manager = None
        result.managers[number_] = manager
        records[number_] = record

    for number_, manager in result.managers.items():
        if manager and manager not in row_of:
            problems.add(
                row_of[number_],
                h["manager_number"],
                _("No person in the file has the employee number “%(number)s”.") % {"number": manager},
            )
    for number_ in sorted(find_cycles({k: v for k, v in result.managers.items() if v}), key=row_of.get):
        problems.add(
            row_of[number_],
            h["manager_number"],
            _("The line managers go in a circle: this person ends up reporting to themselves."),
        )

    existing = {
        p["employee_number"]: p
        for p in Person.objects.filter(employee_number__isnull=False).values(
            "pk", "employee_number", "manager__employee_number", *FIELDS
        )
    }
    # An e-mail address may belong to only one person, in the file or outside it.
    others = Person.objects.filter(email__in=list(email_row)).values_list("email", "employee_number")
    for email, owner in others:
        if owner is None or owner not in records:
            number = email_row[email]
            problems.add(
                number,
                h["email"],
                _("Another person in Samtale already has this e-mail address."),
            )

    for number_, record in records.items():
        current = existing.get(number_)
        if current is None:
            result.create[number_] = record
            continue
        changed = {k: v for k, v in record.items() if current[k] != v}
        if current["manager__employee_number"] != result.managers.get(number_):
            changed["manager"] = True
        if changed:
            result.update[number_] = record | {"pk": current["pk"]}
        else:
            result.unchanged += 1
    for number_, current in existing.items():
        if number_ not in records and current["is_active"]:
            result.deactivate.append(current["pk"])
            result.deactivate_names.append(f"{current['first_name']} {current['last_name']} ({number_})")
    return result


def apply(result: Plan) -> None:
    """Write the plan. The caller holds the transaction: all of it or none of it."""
    now = timezone.now()
    unusable = make_password(None)
    Person.objects.bulk_create(
        [
            Person(
                employee_number=number_,
                password=unusable,
                deactivated_at=None if record["is_active"] else now,
                **record,
            )
            for number_, record in result.create.items()
        ],
        batch_size=1000,
    )
    if result.update:
        people = []
        for number_, record in result.update.items():
            person = Person(pk=record["pk"], employee_number=number_)
            for key in FIELDS:
                setattr(person, key, record[key])
            person.deactivated_at = None if record["is_active"] else now
            person.updated_at = now  # bulk_update skips auto_now
            people.append(person)
        Person.objects.bulk_update(people, [*FIELDS, "deactivated_at", "updated_at"], batch_size=1000)
    ids = dict(
        Person.objects.filter(employee_number__in=list(result.managers)).values_list(
            "employee_number", "pk"
        )
    )
    touched = set(result.create) | set(result.update)
    Person.objects.bulk_update(
        [
            Person(pk=ids[number_], manager_id=ids.get(manager) if manager else None)
            for number_, manager in result.managers.items()
            if number_ in touched
        ],
        ["manager_id"],
        batch_size=1000,
    )
    if result.deactivate:
        Person.objects.filter(pk__in=result.deactivate).update(
            is_active=False, deactivated_at=now, updated_at=now
        )
