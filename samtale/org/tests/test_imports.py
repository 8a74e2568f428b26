"""The import of units and people from payroll/HR files: reading, checking, applying.

The fixed people (samtale/demo/testing.py) are the roster already in Samtale:
employee numbers 100–106 in the units S, E, D1, D2 and T1. Messages are compared
with what gettext gives for the English msgid, so the tests hold whether or not
the bokmål catalogue is filled in.
"""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.translation import gettext as _
from openpyxl import Workbook

from samtale.core.errors import DomainError
from samtale.demo.testing import PASSWORD
from samtale.org.imports import people as people_import
from samtale.org.imports import units as units_import
from samtale.org.imports.common import Problems, map_columns, normalize_header, parse_date, text
from samtale.org.imports.reader import Table, read_table
from samtale.org.models import Person, Unit

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
                assert b'<dimension ref="A1:B3" />' in data
                data = data.replace(b'<dimension ref="A1:B3" />', b'<dimension ref="A1" />')
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


# People: problems ------------------------------------------------------------


def test_every_problem_names_the_row_and_the_column_as_written_in_the_file(people):
    header = [h.upper() for h in PEOPLE_HEADER]
    result = plan_people([*roster(), row("200", email="not-an-address")], header)
    assert problems_of(result) == [
        (9, "E-POST", _("“%(value)s” is not an e-mail address.") % {"value": "not-an-address"})
    ]


def test_a_missing_email_is_a_problem(people):
    result = plan_people([*roster(), row("200", email="")])
    assert problems_of(result) == [(9, "E-post", _("The e-mail address is missing."))]


def test_an_email_longer_than_the_database_holds_is_a_problem(people):
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".no"
    result = plan_people([*roster(), row("200", email=email)])
    assert [(r, c) for r, c, _m in problems_of(result)] == [(9, "E-post")]


def test_missing_values_in_required_columns_are_problems(people):
    result = plan_people(
        [
            *roster(),
            ["", "Ola", "Berg", "ola@test.example", "", "", "", "", "", "T1", ""],
            row("201", first="", unit="", email="per@test.example"),
        ]
    )
    assert problems_of(result) == [
        (9, "Ansattnummer", _("The employee number is missing.")),
        (10, "Fornavn", _("This field is required.")),
        (10, "Enhetskode", _("The unit code is missing.")),
    ]


def test_a_duplicate_employee_number_names_the_other_row(people):
    result = plan_people([*roster(), row("200"), row("200", first="Per")])
    assert problems_of(result) == [
        (10, "Ansattnummer", _("The employee number is also on row %(row)d.") % {"row": 9})
    ]


def test_a_duplicate_email_names_the_other_row_whatever_its_case(people):
    result = plan_people(
        [*roster(), row("200", email="Nina@Test.example"), row("201", email="nina@test.EXAMPLE")]
    )
    assert problems_of(result) == [
        (10, "E-post", _("The e-mail address is also on row %(row)d.") % {"row": 9})
    ]


def test_an_unknown_or_deactivated_unit_is_a_problem(people):
    Unit.objects.create(code="OLD", name="Nedlagt", kind=Unit.Kind.TEAM, is_active=False)
    result = plan_people([*roster(), row("200", unit="NOPE"), row("201", unit="OLD")])
    assert problems_of(result) == [
        (
            9,
            "Enhetskode",
            _("No unit has the code “%(code)s”. Import the units first.") % {"code": "NOPE"},
        ),
        (10, "Enhetskode", _("The unit “%(code)s” is deactivated.") % {"code": "OLD"}),
    ]


def test_bad_dates_and_an_end_before_the_start_are_problems(people):
    result = plan_people(
        [
            *roster(),
            row("200", start="31.02.2024"),
            row("201", start="01.08.2024", end="2024-07-31"),
        ]
    )
    assert problems_of(result) == [
        (9, "Startdato", _("Not a date. Write it as 22.11.2026 or 2026-11-22.")),
        (10, "Sluttdato", _("The end date is before the start date.")),
    ]


@pytest.mark.parametrize(
    "value", ["22.11.2026", "2026-11-22", "22.11.26", "22/11/2026", "2026-11-22 00:00:00"]
)
def test_dates_are_read_as_payroll_systems_write_them(value):
    assert parse_date(value) == date(2026, 11, 22)


def test_an_unknown_manager_and_a_self_manager_are_problems(people):
    result = plan_people([*roster(), row("200", manager="999"), row("201", manager="201")])
    assert problems_of(result) == [
        (10, "Leders ansattnummer", _("A person cannot be their own line manager.")),
        (
            9,
            "Leders ansattnummer",
            _("No person in the file has the employee number “%(number)s”.") % {"number": "999"},
        ),
    ]


def test_managers_in_a_circle_are_problems_on_every_row_of_the_circle(people):
    result = plan_people(
        [*roster(), row("200", manager="201"), row("201", manager="200"), row("202", manager="200")]
    )
    message = _("The line managers go in a circle: this person ends up reporting to themselves.")
    assert problems_of(result) == [
        (9, "Leders ansattnummer", message),
        (10, "Leders ansattnummer", message),
    ]


def test_an_email_of_a_person_outside_the_file_is_a_problem(people):
    Person.objects.create_user("system@test.example", None, first_name="System", last_name="Konto")
    rows = [r for r in roster() if r[0] != "104"]
    result = plan_people(
        [
            *rows,
            row("200", email="other_employee@test.example"),
            row("201", email="system@test.example"),
        ]
    )
    message = _("Another person in Samtale already has this e-mail address.")
    assert problems_of(result) == [(8, "E-post", message), (9, "E-post", message)]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("fast", "permanent"),
        ("Fast ansatt", "permanent"),
        ("FAST  STILLING", "permanent"),
        ("", "permanent"),
        ("midlertidig", "temporary"),
        ("Midlertidig ansatt", "temporary"),
        ("vikar", "temporary"),
        ("Vikariat", "temporary"),
        ("engasjement", "temporary"),
    ],
)
def test_employment_types_are_read_from_the_words_payroll_uses(people, word, kind):
    result = plan_people([*roster(), row("200", kind=word)])
    assert problems_of(result) == []
    assert result.create["200"]["employment_type"] == kind


def test_an_unknown_employment_type_is_a_problem(people):
    result = plan_people([*roster(), row("200", kind="Deltid")])
    message = _("“%(value)s” is not an employment type. Write “fast” or “midlertidig”.")
    assert problems_of(result) == [(9, "Ansettelsesform", message % {"value": "deltid"})]


# People: applying ------------------------------------------------------------


def test_it_creates_new_people_who_have_no_password_yet(people):
    result = import_people(
        [
            *roster(),
            row(
                "200",
                "Nina",
                "D2",
                "102",
                title="Lektor",
                kind="vikar",
                start="01.08.2025",
                end="31.07.2026",
            ),
        ]
    )
    assert result.counts() == {"rows": 8, "create": 1, "update": 0, "unchanged": 7, "deactivate": 0}
    nina = Person.objects.get(employee_number="200")
    assert not nina.has_usable_password()
    assert (nina.email, nina.job_title, nina.employment_type) == (
        "nina.200@test.example",
        "Lektor",
        "temporary",
    )
    assert (nina.start_date, nina.end_date) == (date(2025, 8, 1), date(2026, 7, 31))
    assert (nina.unit, nina.manager, nina.is_active) == (
        people.other_leader.unit,
        people.other_leader,
        True,
    )


def test_it_sets_managers_who_come_later_in_the_file(db):
    Unit.objects.create(code="T1", name="Team 1", kind=Unit.Kind.ENTERPRISE)
    import_people([row("1", manager="2"), row("2", manager="3"), row("3"), row("4", manager="1")])
    managers = dict(Person.objects.values_list("employee_number", "manager__employee_number"))
    assert managers == {"1": "2", "2": "3", "3": None, "4": "1"}


def test_it_updates_only_the_people_who_changed(people):
    rows = roster()
    rows[3][4] = "Lektor"  # the employee's job title
    rows[4][10] = "101"  # the other employee moves to the leader
    before = {p.pk: p.updated_at for p in Person.objects.all()}
    result = import_people(rows)
    assert result.counts() == {"rows": 7, "create": 0, "update": 2, "unchanged": 5, "deactivate": 0}
    assert result.update["103"] == {"job_title": "Lektor", "pk": people.employee.pk}
    people.employee.refresh_from_db()
    people.other_employee.refresh_from_db()
    assert people.employee.job_title == "Lektor"
    assert people.other_employee.manager == people.leader
    changed = {p.pk for p in Person.objects.all() if p.updated_at != before[p.pk]}
    assert changed == {people.employee.pk, people.other_employee.pk}


def test_importing_the_same_file_again_changes_nothing(people):
    rows = [
        *roster(),
        row("200", "Nina", "D2", "102", kind="vikar", end="31.12.2026"),
        row("201", "Per", end="01.01.2026"),
    ]
    import_people(rows)
    before = snapshot()
    result = import_people(rows)
    assert result.counts() == {"rows": 9, "create": 0, "update": 0, "unchanged": 9, "deactivate": 0}
    assert snapshot() == before


def test_it_deactivates_people_missing_from_the_file_and_never_deletes_them(people):
    with time_machine.travel(NOW, tick=False):
        result = import_people([r for r in roster() if r[0] != "104"])
    assert result.counts()["deactivate"] == 1
    assert result.deactivate_names == ["Espen Testesen (104)"]
    gone = Person.objects.get(pk=people.other_employee.pk)
    assert not gone.is_active
    assert gone.deactivated_at == NOW
    assert Person.objects.count() == 7
    assert Person.objects.filter(is_active=True).count() == 6


def test_people_whose_end_date_has_passed_are_imported_inactive(people):
    with time_machine.travel(NOW, tick=False):
        import_people([*roster(), row("200", end="01.03.2026"), row("201", end="02.03.2026")])
    gone, staying = (
        Person.objects.get(employee_number="200"),
        Person.objects.get(employee_number="201"),
    )
    assert (gone.is_active, gone.deactivated_at) == (False, NOW)
    assert (staying.is_active, staying.deactivated_at) == (True, None)


def test_people_who_come_back_are_reactivated(people):
    import_people([r for r in roster() if r[0] != "104"])
    result = import_people(roster())
    assert result.update["104"] == {"is_active": True, "pk": people.other_employee.pk}
    back = Person.objects.get(pk=people.other_employee.pk)
    assert (back.is_active, back.deactivated_at) == (True, None)


def test_the_deactivation_time_is_kept_while_someone_stays_inactive(people):
    with time_machine.travel(NOW, tick=False):
        import_people([r for r in roster() if r[0] != "104"])
    rows = roster()
    rows[4][8] = "31.12.2025"  # comes back in the file with the end date of the past
    import_people(rows)
    gone = Person.objects.get(pk=people.other_employee.pk)
    assert (gone.is_active, gone.end_date, gone.deactivated_at) == (False, date(2025, 12, 31), NOW)


def test_people_without_an_employee_number_are_left_alone(people):
    system = Person.objects.create_user(
        "robot@test.example", None, first_name="Robot", last_name="Konto"
    )
    before = Person.objects.filter(pk=system.pk).values_list().get()
    result = import_people(roster()[:2])
    assert system.pk not in result.deactivate
    assert Person.objects.filter(pk=system.pk).values_list().get() == before


def test_roles_and_passwords_of_people_already_there_are_kept(people):
    rows = roster()
    for cells in rows:
        cells[4] = "Ny tittel"
    import_people(rows)
    admin, hr = Person.objects.get(pk=people.admin.pk), Person.objects.get(pk=people.hr.pk)
    assert admin.is_org_admin and hr.is_hr
    assert admin.check_password(PASSWORD) and hr.job_title == "Ny tittel"


def test_a_column_left_out_of_the_file_leaves_that_field_alone(people):
    people.employee.start_date = date(2020, 8, 1)
    people.employee.employment_type = Person.EmploymentType.TEMPORARY
    people.employee.save()
    keep = {"Ansattnummer", "Fornavn", "Etternavn", "E-post", "Enhetskode"}
    columns = [i for i, h in enumerate(PEOPLE_HEADER) if h in keep]
    before = snapshot()
    result = import_people(
        [[r[i] for i in columns] for r in roster()], [PEOPLE_HEADER[i] for i in columns]
    )
    assert result.counts()["update"] == 0
    assert snapshot() == before
    employee = Person.objects.get(pk=people.employee.pk)
    assert (employee.job_title, employee.manager, employee.employment_type) == (
        "Lærer",
        people.leader,
        "temporary",
    )


def test_an_empty_cell_clears_the_field(people):
    rows = roster()
    rows[3][4] = ""
    rows[3][10] = ""
    import_people(rows)
    employee = Person.objects.get(pk=people.employee.pk)
    assert (employee.job_title, employee.manager) == ("", None)


def test_an_email_address_may_pass_from_one_person_to_another_in_the_file(people):
    rows = roster()
    rows[3][3], rows[4][3] = "other_employee@test.example", "employee@test.example"  # swapped
    rows.append(row("200", email="hr@test.example"))
    rows[5][3] = "hedda.ny@test.example"
    import_people(rows)
    emails = dict(Person.objects.values_list("employee_number", "email"))
    assert (emails["103"], emails["104"]) == (
        "other_employee@test.example",
        "employee@test.example",
    )
    assert (emails["105"], emails["200"]) == ("hedda.ny@test.example", "hr@test.example")


def test_people_are_imported_from_an_excel_workbook_with_numbers_for_employee_numbers(db):
    Unit.objects.create(code="4200", name="Skole", kind=Unit.Kind.ENTERPRISE)
    content = xlsx_file(
        PEOPLE_HEADER,
        [1000, "Ingrid", "Haugen", "ingrid@test.example", "Rektor", "", "fast", datetime(2015, 8, 1), None, 4200, None],
        [1001.0, "Ola", "Berg", "ola@test.example", "Lærer", "", "Midlertidig", datetime(2024, 8, 1), datetime(2027, 6, 30), 4200.0, 1000],
    )  # fmt: skip
    result = people_import.plan(read_table(filename="ansatte.xlsx", content=content), today=TODAY)
    assert problems_of(result) == []
    people_import.apply(result)
    ola = Person.objects.get(employee_number="1001")
    assert (ola.manager.employee_number, ola.unit.code, ola.end_date) == (
        "1000",
        "4200",
        date(2027, 6, 30),
    )
    assert ola.employment_type == Person.EmploymentType.TEMPORARY
    again = people_import.plan(read_table(filename="ansatte.xlsx", content=content), today=TODAY)
    assert again.counts()["unchanged"] == 2


# Units -----------------------------------------------------------------------


def test_units_are_created_as_a_tree_of_levels(db):
    result = plan_units(
        [
            ["4211", "Team 1", "Team", "4210"],
            ["4210", "Barnetrinnet", "Avdeling", "4200"],
            ["4200", "Fjordvik skole", "Virksomhet", ""],
            ["4212", "Team 2", "gruppe", "4200"],
        ]
    )
    assert problems_of(result) == []
    units_import.apply(result)
    tree = {u.code: (u.kind, u.parent and u.parent.code) for u in Unit.objects.all()}
    assert tree == {
        "4200": ("enterprise", None),
        "4210": ("department", "4200"),
        "4211": ("team", "4210"),
        "4212": ("team", "4200"),
    }


def test_a_unit_level_must_be_one_of_the_known_words(db):
    result = plan_units([["1", "A", "seksjon", ""], ["2", "B", "", ""]])
    assert problems_of(result) == [
        (
            2,
            "Nivå",
            _("“%(value)s” is not a level. Write “virksomhet”, “avdeling” or “team”.")
            % {"value": "seksjon"},
        ),
        (3, "Nivå", _("The level is missing. Write “virksomhet”, “avdeling” or “team”.")),
    ]


def test_a_parent_unit_must_be_in_the_file(people):
    result = plan_units([*FIXTURE_UNITS, ["T2", "Team 2", "team", "D9"]])
    assert problems_of(result) == [
        (
            7,
            "Overordnet enhetskode",
            _("No unit in the file has the code “%(code)s”.") % {"code": "D9"},
        )
    ]


def test_a_unit_must_lie_deeper_than_its_parent_and_only_an_enterprise_at_the_top(db):
    result = plan_units(
        [
            ["E", "Skole", "virksomhet", ""],
            ["D", "Avd", "avdeling", "E"],
            ["T", "Team", "team", "D"],
            ["D2", "Avd 2", "avdeling", "T"],
            ["E2", "Skole 2", "virksomhet", "E"],
            ["D3", "Avd 3", "avdeling", ""],
        ]
    )
    top = _("Only an enterprise can be at the top; name the parent unit.")
    assert [(r, c) for r, c, _m in problems_of(result)] == [
        (5, "Nivå"),
        (6, "Nivå"),
        (7, "Overordnet enhetskode"),
    ]
    assert problems_of(result)[2][2] == top


def test_units_in_a_circle_and_duplicate_codes_are_problems(db):
    result = plan_units(
        [
            ["E", "Skole", "virksomhet", ""],
            ["A", "A", "team", "B"],
            ["B", "B", "team", "A"],
            ["E", "Skole igjen", "virksomhet", ""],
            ["C", "C", "team", "C"],
        ]
    )
    circle = _("The parent units go in a circle.")
    assert (
        5,
        "Enhetskode",
        _("The unit code is also on row %(row)d.") % {"row": 2},
    ) in problems_of(result)
    assert (6, "Overordnet enhetskode", _("A unit cannot be its own parent.")) in problems_of(
        result
    )
    assert (3, "Overordnet enhetskode", circle) in problems_of(result)
    assert (4, "Overordnet enhetskode", circle) in problems_of(result)


def test_units_missing_from_the_file_are_deactivated_once_they_have_no_active_people(people):
    Unit.objects.create(
        code="T9", name="Tomt team", kind=Unit.Kind.TEAM, parent=Unit.objects.get(code="D2")
    )
    result = plan_units(FIXTURE_UNITS)
    assert problems_of(result) == [] and result.deactivate_names == ["Tomt team (T9)"]
    units_import.apply(result)
    assert Unit.objects.filter(code="T9", is_active=False).exists()


def test_a_unit_with_active_people_cannot_leave_the_file(people):
    result = plan_units([u for u in FIXTURE_UNITS if u[0] != "D2"])
    message = _(
        "The unit “%(name)s” (%(code)s) is not in the file but still has %(count)d active people. Keep it in the file, or move the people first."
    )
    assert problems_of(result) == [
        (1, "Enhetskode", message % {"name": "Avdeling 2", "code": "D2", "count": 2})
    ]


def test_importing_the_same_units_again_changes_nothing(people):
    before = snapshot(Unit)
    result = plan_units(FIXTURE_UNITS)
    assert result.counts() == {"rows": 5, "create": 0, "update": 0, "unchanged": 5, "deactivate": 0}
    units_import.apply(result)
    assert snapshot(Unit) == before


def test_a_unit_that_moves_or_is_renamed_is_updated(people):
    rows = [list(u) for u in FIXTURE_UNITS]
    rows[4] = ["T1", "Team én", "team", "D2"]
    result = plan_units(rows)
    assert result.counts()["update"] == 1
    units_import.apply(result)
    team = Unit.objects.get(code="T1")
    assert (team.name, team.parent.code) == ("Team én", "D2")
