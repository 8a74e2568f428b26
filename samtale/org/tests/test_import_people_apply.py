"""Applying a people file (org.imports.people): who is created, changed, deactivated, and
what a file leaves alone."""

from datetime import date, datetime

import time_machine

from samtale.org.imports import people as people_import
from samtale.org.imports.reader import read_table
from samtale.org.models import Person, Unit
from samtale.org.tests.import_rows import (
    NOW,
    PEOPLE_HEADER,
    TODAY,
    import_people,
    problems_of,
    roster,
    row,
    snapshot,
    xlsx_file,
)
from testkit.people import PASSWORD


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
