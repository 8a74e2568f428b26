"""People from a payroll/HR export: the whole roster, or only people to add and update.

Matched by employee number. New people are created (they choose a password
through the e-mailed link), changed ones updated, people who left (an end
date in the past, or, for a full list, no longer in the file) are deactivated, never
deleted.
People without an employee number (system accounts made in the app) are
left alone. A column left out of the file leaves that field as it is; an
empty cell in a column that is there clears it.

The national identity number (Fødselsnummer) is a column only when the archive classifies
personnel files by it (org.national_id); the preview never repeats one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import CharField, Field, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.org import national_id
from samtale.org.imports.common import BasePlan, Column, Mapped, Problems, find_cycles, map_columns
from samtale.org.imports.forms import Claims, PersonRowForm
from samtale.org.imports.reader import Table
from samtale.org.models import Person, Unit

COLUMNS = (
    Column("employee_number", "Ansattnummer", ("ansattnr", "ansatt nr", "employee number"), True),
    Column("first_name", "Fornavn", ("first name", "given name"), True),
    Column("last_name", "Etternavn", ("last name", "surname", "family name"), True),
    Column("email", "E-post", ("epost", "e-postadresse", "email", "e-mail"), True),
    Column("job_title", "Stilling", ("stillingstittel", "stillingsbetegnelse", "job title")),
    Column("profession_group", "Yrkesgruppe", ("profession group",)),
    Column(
        "employment_type",
        "Ansettelsesform",
        ("ansettelsestype", "ansattforhold", "employment type"),
    ),
    Column("start_date", "Startdato", ("ansatt fra", "tiltredelse", "start date")),
    Column("end_date", "Sluttdato", ("ansatt til", "fratredelse", "end date")),
    Column("unit_code", "Enhetskode", ("enhet", "enhetsnr", "unit", "unit code"), True),
    Column(
        "manager_number",
        "Leders ansattnummer",
        (
            "leder ansattnummer",
            "leder",
            "lederens ansattnummer",
            "manager",
            "manager employee number",
        ),
    ),
)

# Read only when the archive classifies personnel files by it: otherwise the column is
# ignored, like any column Samtale does not know.
NATIONAL_ID = Column(
    "national_id",
    "Fødselsnummer",
    ("fnr", "fødselsnr", "personnummer", "national identity number", "national id"),
)


def columns() -> tuple[Column, ...]:
    """The columns a people file may have here."""
    return (*COLUMNS, NATIONAL_ID) if national_id.wanted() else COLUMNS


# The fields the file sets, compared with the database to tell changed from unchanged.
# is_active follows from the end date; the line manager is matched by employee number.
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
)


@dataclass
class Plan(BasePlan):
    # create: employee number -> field values of a new person (and is_active)
    # update: employee number -> only what changes, with its "pk"; "manager" holds the new
    # manager's employee number when the line manager changes
    # employee number -> employee number of the manager (or None); empty when the
    # file has no manager column, which leaves every line manager as it is
    managers: dict[str, str | None] = field(default_factory=dict)
    # employee number -> pk of the people in the file who are already in Samtale
    pks: dict[str, int] = field(default_factory=dict)
    # employee number -> pk of line managers named by a file of some people, not in it
    outside_managers: dict[str, int] = field(default_factory=dict)
    # people whose e-mail address passes to another person in the file
    release_emails: list[int] = field(default_factory=list)
    # pk -> (old address, new address) of the people whose address the file changes
    email_changes: dict[int, tuple[str, str]] = field(default_factory=dict)
    # people whose national identity number passes to another person in the file
    release_national_ids: list[int] = field(default_factory=list)


def plan(
    table: Table, *, today: date | None = None, importer: str | None = None, full: bool = True
) -> Plan:
    """Check every row and work out what applying the file would change. `full`: the file
    is the whole roster, and the people missing from it are deactivated.

    `importer` is the employee number of the administrator importing: they may not make
    themselves anyone's new line manager (org.services: nobody widens their own access).
    """
    problems = Problems()
    mapped = map_columns(table, columns(), problems)
    result = Plan(problems=problems, ignored_columns=mapped.ignored, rows=len(mapped.rows))
    if problems:
        return result
    rows = _read(mapped, result)
    _check_managers(rows, result, full=full)
    existing = _check_holders(rows, result)
    _compare(rows, existing, result, today=today or timezone.localdate(), importer=importer)
    for number_, current in existing.items():
        if full and number_ not in rows.records and current["is_active"]:
            result.deactivate.append(current["pk"])
            result.deactivate_names.append(
                f"{current['first_name']} {current['last_name']} ({number_})"
            )
    return result


@dataclass
class _Rows:
    """The file's rows as read: what each sets, by employee number, and the claims on
    values that may belong to one person only (forms.Claims)."""

    headers: dict[str, str]
    problems: Problems
    claims: Claims = field(default_factory=Claims)
    records: dict[str, dict] = field(default_factory=dict)

    def add(self, row: int, key: str, message: str) -> None:
        """A problem in the row's cell of that column, named as the file's header names it."""
        self.problems.add(row, self.headers[key], message)


def _read(mapped: Mapped, result: Plan) -> _Rows:
    """Every row through PersonRowForm, its problems in the plan; the line managers the
    file names in `result.managers` when it has that column."""
    units = {u.code: u for u in Unit.objects.all().only("pk", "code", "is_active")}
    rows = _Rows(headers=mapped.headers, problems=result.problems)
    claims = rows.claims
    for number, cells in mapped.rows:
        form = PersonRowForm(cells, units=units, claims=claims)
        problems = form.problems()
        if problems and problems[0][0] == "employee_number":
            # No number, or one already read: the row is not anyone's.
            rows.add(number, *problems[0])
            continue
        for key, message in problems:
            rows.add(number, key, message)
        cleaned = form.cleaned_data
        number_ = cleaned["employee_number"]
        # The values the row may have: later rows that give them again are the problem.
        claims.rows[number_] = number
        if "email" in cleaned:
            claims.emails[cleaned["email"]] = number_
        if cleaned.get("national_id"):
            claims.national_ids[cleaned["national_id"]] = number_
        record = form.record(mapped.present)
        if "manager_number" in mapped.present:
            result.managers[number_] = form.manager()
        rows.records[number_] = record
    return rows


def _check_managers(rows: _Rows, result: Plan, *, full: bool) -> None:
    """Every line manager named is in the file (or, for a file of some people, active in
    Samtale), and nobody ends up reporting to themselves."""
    managers, row_of = result.managers, rows.claims.rows
    # A file of some people only may name line managers already in Samtale; a full list
    # names everyone, so its managers are in it.
    outside = (
        {}
        if full
        else {
            person["employee_number"]: person
            for person in Person.objects.filter(
                employee_number__in={m for m in managers.values() if m and m not in row_of}
            ).values("pk", "employee_number", "is_active", "first_name", "last_name")
        }
    )
    for number_, manager in managers.items():
        if not manager or manager in row_of:
            continue
        if manager not in outside:
            rows.add(
                row_of[number_],
                "manager_number",
                _("No person in the file has the employee number “%(number)s”.")
                % {"number": manager}
                if full
                else _("Nobody in the file or in Samtale has the employee number “%(number)s”.")
                % {"number": manager},
            )
        elif not outside[manager]["is_active"]:
            rows.add(
                row_of[number_],
                "manager_number",
                _("The line manager %(name)s (%(number)s) has left.")
                % {
                    "name": f"{outside[manager]['first_name']} {outside[manager]['last_name']}",
                    "number": manager,
                },
            )
        else:
            result.outside_managers[manager] = outside[manager]["pk"]
    _check_circles(rows, result, samtale_chains=bool(outside))


def _check_circles(rows: _Rows, result: Plan, *, samtale_chains: bool) -> None:
    chains = {k: v for k, v in result.managers.items() if v}
    if samtale_chains:
        # The chains above a manager outside the file are Samtale's: the file may close one.
        theirs = (
            Person.objects.exclude(employee_number=None)
            .exclude(manager__employee_number=None)
            .values_list("employee_number", "manager__employee_number")
        )
        chains = {
            number: manager
            for number, manager in theirs
            if number is not None and manager is not None
        } | chains
    row_of = rows.claims.rows
    for number_ in sorted(find_cycles(chains).intersection(row_of), key=lambda n: row_of[n]):
        rows.add(
            row_of[number_],
            "manager_number",
            _("The line managers go in a circle: this person ends up reporting to themselves."),
        )


def _check_holders(rows: _Rows, result: Plan) -> dict[str, dict]:
    """The people in Samtale with an employee number, by it, read in one query with
    everyone else: an address, or a national identity number, may belong to one person
    only. Held by someone outside the file, it is a problem; passing from one person in the
    file to another, its holder lets go of it first (apply)."""
    existing: dict[str, dict] = {}
    holder_of_email: dict[str, dict] = {}
    holder_of_national_id: dict[str, dict] = {}
    for person in Person.objects.values(
        "pk", "employee_number", "manager__employee_number", "is_active", "national_id", *FIELDS
    ):
        holder_of_email[person["email"]] = person
        if person["national_id"] is not None:
            holder_of_national_id[person["national_id"]] = person
        if person["employee_number"] is not None:
            existing[person["employee_number"]] = person
    for name, wanted, holders, released, taken in (
        (
            "email",
            rows.claims.emails,
            holder_of_email,
            result.release_emails,
            _("Another person in Samtale already has this e-mail address."),
        ),
        (
            "national_id",
            rows.claims.national_ids,
            holder_of_national_id,
            result.release_national_ids,
            _("Another person in Samtale already has this national identity number."),
        ),
    ):
        for value, number_ in wanted.items():
            holder = holders.get(value)
            if holder is None or holder["employee_number"] == number_:
                continue
            other = rows.records.get(holder["employee_number"])
            if other is None:
                rows.add(rows.claims.rows[number_], name, taken)
            elif other[name] != value:
                released.append(holder["pk"])
    return existing


def _compare(
    rows: _Rows, existing: dict[str, dict], result: Plan, *, today: date, importer: str | None
) -> None:
    """Each row against the person with its employee number: new, changed or unchanged."""
    managers = result.managers
    for number_, record in rows.records.items():
        current = existing.get(number_)
        end = record["end_date"] if "end_date" in record else (current or {}).get("end_date")
        is_active = not (end and end < today)
        new_manager = number_ in managers and (
            current is None or current["manager__employee_number"] != managers[number_]
        )
        if importer and new_manager and managers[number_] == importer and number_ != importer:
            rows.add(
                rows.claims.rows[number_],
                "manager_number",
                _(
                    "You cannot make yourself someone's line manager. Let another "
                    "administrator import the file."
                ),
            )
        if current is None:
            result.create[number_] = record | {"is_active": is_active}
            continue
        result.pks[number_] = current["pk"]
        changed = {k: v for k, v in record.items() if current[k] != v}
        if current["is_active"] != is_active:
            changed["is_active"] = is_active
        if new_manager:
            changed["manager"] = managers[number_]
        if "email" in changed:
            result.email_changes[current["pk"]] = (current["email"], changed["email"])
        if changed:
            result.update[number_] = changed | {"pk": current["pk"]}
        else:
            result.unchanged += 1


def apply(result: Plan) -> None:
    """Write the plan. The caller holds the transaction: all of it or none of it."""
    now = timezone.now()
    if result.release_emails:
        # Park the addresses that pass to another person on a unique placeholder, so that no
        # insert or update below meets an address still held by its previous owner.
        # Everyone parked here gets their new address from the updates.
        Person.objects.filter(pk__in=result.release_emails).update(
            email=Concat(
                Value("moving-"), Cast("pk", output_field=CharField()), Value("@samtale.invalid")
            )
        )
    if result.release_national_ids:
        # Likewise a national identity number corrected from one person to another.
        Person.objects.filter(pk__in=result.release_national_ids).update(national_id=None)
    ids = dict(result.pks) | result.outside_managers
    _create(result, ids, now)
    _update(result, ids, now)
    if result.deactivate:
        Person.objects.filter(pk__in=result.deactivate).update(
            is_active=False, deactivated_at=now, updated_at=now
        )


def _id_of(ids: dict[str, int], number: str | None) -> int | None:
    return ids.get(number) if number is not None else None


def _create(result: Plan, ids: dict[str, int], now) -> None:
    # Managers are inserted before the people who report to them, level by level, so that
    # every new person gets their manager in the insert: no second pass over everyone.
    unusable = make_password(None)
    for layer in _layers(result.create, result.managers):
        people = [
            Person(
                employee_number=number_,
                password=unusable,
                manager_id=_id_of(ids, result.managers.get(number_)),
                deactivated_at=None if result.create[number_]["is_active"] else now,
                **result.create[number_],
            )
            for number_ in layer
        ]
        Person.objects.bulk_create(people, batch_size=1000)
        if all(p.pk for p in people):
            ids.update((p.employee_number, p.pk) for p in people if p.employee_number is not None)
        else:  # a database that does not return the new ids
            saved = Person.objects.filter(employee_number__in=layer).values_list(
                "employee_number", "pk"
            )
            ids.update((number_, pk) for number_, pk in saved if number_ is not None)


def _layers(numbers: dict[str, dict], managers: dict[str, str | None]) -> list[list[str]]:
    """The new people grouped by how many new managers are above them."""
    depth: dict[str, int] = {}
    for start in numbers:
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node in numbers and node not in depth:
            if node in seen:
                raise ValueError("the line managers go in a circle; plan() refuses such a file")
            path.append(node)
            seen.add(node)
            node = managers.get(node)
        # Above the first new person in the chain: a manager already saved, or none (-1).
        level = depth.get(node, -1) if node is not None else -1
        for number_ in reversed(path):
            level += 1
            depth[number_] = level
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for number_, level in depth.items():
        layers[level].append(number_)
    return layers


def _update(result: Plan, ids: dict[str, int], now) -> None:
    # Only the fields that change are written, so people are grouped by which ones do.
    groups: dict[tuple[str, ...], list[tuple[int, list]]] = defaultdict(list)
    for change in result.update.values():
        fields: list[str] = []
        values: list[Any] = []
        for key, value in change.items():
            if key == "manager":
                fields.append("manager")
                values.append(ids.get(value) if value else None)
            elif key != "pk":
                fields.append(key)
                values.append(value)
        if "is_active" in change:
            # deactivated_at says when someone left; it is kept while they stay inactive.
            fields.append("deactivated_at")
            values.append(None if change["is_active"] else now)
        fields.append("updated_at")
        values.append(now)
        groups[tuple(fields)].append((change["pk"], values))
    for changed, rows in groups.items():
        _update_rows(changed, rows)


def _column(name: str) -> Field[Any, Any]:
    column = Person._meta.get_field(name)
    assert isinstance(column, Field)  # a column of the person's own
    return column


def _update_rows(fields: tuple[str, ...], rows: list[tuple[int, list]]) -> None:
    """UPDATE the given fields of each person (pk, values) in one executemany.

    Django's bulk_update builds a CASE expression per person and field in Python, which
    takes seconds when a whole roster changes (a new e-mail domain, say); the database
    driver sends the same rows in a fraction of that.
    """
    quote = connection.ops.quote_name
    columns = [_column(name) for name in fields]
    assignments = ", ".join(f"{quote(str(column.column))} = %s" for column in columns)
    # Names come from the model, never from the file; every value is a parameter.
    table, pk = quote(Person._meta.db_table), quote(str(Person._meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [
        [
            column.get_db_prep_save(value, connection)
            for column, value in zip(columns, values, strict=True)
        ]
        + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
