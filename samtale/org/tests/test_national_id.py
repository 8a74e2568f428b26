"""The national identity number as the key the archive classifies personnel files by
(SAMTALE_ARCHIVE_PERSON_KEY=national_id, org.national_id): stored only when the setting asks
for it, entered only on the administrator's person form, which shows it masked and never
sends it back, and kept out of every other page, the audit log, the person's copy of their
data and the API."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.org import national_id, services
from samtale.org.imports import services as import_services
from samtale.org.models import ImportBatch, Person

from .import_rows import PEOPLE_HEADER, csv_file, import_people, plan_people, problems_of, roster
from .test_views import _person_form

# Valid by the two check digits (made for the tests; not a real person's).
NUMBER = "15058543206"
OTHER = "01017012343"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (NUMBER, True),
        (OTHER, True),
        ("41017012337", True),  # a D-number: 4 added to the day's first digit
        ("15058543207", False),  # a wrong check digit
        ("1505854320", False),  # ten digits
        ("15058543a06", False),
        ("", False),
    ],
)
def test_a_number_is_valid_only_with_its_check_digits(value, valid):
    assert national_id.is_valid(value) is valid


@pytest.fixture
def archive_by_national_id(settings):
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"


def test_the_person_form_asks_for_it_only_when_the_archive_uses_it(client_for, people, settings):
    url = reverse("person_edit", args=[people.employee.pk])
    assert 'name="national_id"' not in client_for("admin").get(url).content.decode()
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"
    assert 'name="national_id"' in client_for("admin").get(url).content.decode()


def test_the_administrator_stores_a_valid_number_and_is_told_of_a_wrong_one(
    client_for, people, archive_by_national_id
):
    client = client_for("admin")
    url = reverse("person_edit", args=[people.employee.pk])
    fields = {
        "first_name": people.employee.first_name,
        "last_name": people.employee.last_name,
        "email": people.employee.email,
        "unit": people.employee.unit_id,
        "manager_sok": people.leader.email,
    }
    wrong = client.post(url, _person_form(**fields, national_id="15058543207"))
    assert wrong.status_code == 200
    assert "Dette er ikke et gyldig fødselsnummer" in wrong.content.decode()
    assert Person.objects.get(pk=people.employee.pk).national_id is None
    right = client.post(url, _person_form(**fields, national_id="150585 43206"))
    assert right.status_code == 302
    assert Person.objects.get(pk=people.employee.pk).national_id == NUMBER


# The person form shows it masked and never sends it back --------------------------------

MASKED = "••••••• 43206"  # NUMBER's last five digits
MASKED_OTHER = "••••••• 12343"


def test_a_number_is_masked_to_its_last_five_digits():
    assert national_id.masked(NUMBER) == MASKED
    assert national_id.masked("") == ""


def _edit(people, **extra):
    """The employee's form as the administrator posts it, with the number field left empty."""
    employee = people.employee
    fields = {
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "employee_number": employee.employee_number,
        "job_title": employee.job_title,
        "unit": employee.unit_id,
        "manager_sok": people.leader.email,
        "national_id": "",
    }
    return _person_form(**fields | extra)


def _number_input(page: str) -> str:
    (tag,) = re.findall(r'<input[^>]*name="national_id"[^>]*>', page)
    return tag


def _shows_no_number(page: str, *numbers: str) -> bool:
    return not any(n in page or n[:6] in page for n in numbers)


def _stored() -> str | None:
    return Person.objects.get(email="employee@test.example").national_id


def _updates() -> list[list[str]]:
    """The fields of each person.update in the audit log, oldest first."""
    entries = AuditEntry.objects.filter(action="person.update").order_by("id")
    return [entry.data["fields"] for entry in entries]


@pytest.fixture
def with_number(people, archive_by_national_id):
    services.person_update(actor=people.admin, person=people.employee, national_id=NUMBER)
    return reverse("person_edit", args=[people.employee.pk])


def test_the_edit_page_shows_the_number_masked_and_never_in_full(client_for, with_number):
    page = client_for("admin").get(with_number).content.decode()
    assert _shows_no_number(page, NUMBER)
    assert MASKED in page
    assert "value=" not in _number_input(page)
    assert "La feltet stå tomt for å beholde nummeret" in page
    assert "Fjern fødselsnummeret" in page


def test_a_form_for_someone_without_a_number_has_no_remove_box(client_for, people, settings):
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"
    for url in (reverse("person_create"), reverse("person_edit", args=[people.employee.pk])):
        page = client_for("admin").get(url).content.decode()
        assert 'name="national_id"' in page
        assert 'name="national_id_remove"' not in page


def test_leaving_it_empty_keeps_the_number(client_for, people, with_number):
    response = client_for("admin").post(with_number, _edit(people, job_title="Lektor"))
    assert response.status_code == 302
    assert _stored() == NUMBER
    assert _updates() == [["national_id"], ["job_title", "profession_group", "start_date"]]


def test_a_new_number_replaces_it_and_the_log_names_the_field_only(client_for, people, with_number):
    response = client_for("admin").post(with_number, _edit(people, national_id="010170 12343"))
    assert response.status_code == 302
    assert _stored() == OTHER
    assert _updates()[-1] == ["national_id", "profession_group", "start_date"]
    for entry in AuditEntry.objects.all():
        assert _shows_no_number(str(entry.data), NUMBER, OTHER), entry.action
    page = client_for("admin").get(with_number).content.decode()
    assert MASKED_OTHER in page and _shows_no_number(page, NUMBER, OTHER)


def test_a_wrong_number_is_refused_without_being_shown_back(client_for, people, with_number):
    wrong = "15058543207"
    response = client_for("admin").post(with_number, _edit(people, national_id=wrong))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dette er ikke et gyldig fødselsnummer: sjekk de 11 sifrene." in page
    assert _shows_no_number(page, wrong, NUMBER)
    assert "value=" not in _number_input(page)
    assert "Nummeret du skrev inn, vises ikke igjen: skriv det inn på nytt." in page
    assert MASKED in page
    assert _stored() == NUMBER


def test_a_number_typed_into_a_form_with_another_error_is_not_shown_back(
    client_for, people, archive_by_national_id
):
    client = client_for("admin")
    new = client.post(reverse("person_create"), _person_form(email="", national_id=OTHER))
    page = new.content.decode()
    assert new.status_code == 200 and "Ingenting ble lagret" in page
    assert _shows_no_number(page, OTHER)
    assert "skriv det inn på nytt" in page
    assert not Person.objects.filter(national_id=OTHER).exists()

    # An error from the service (org.services), after the form's own checks passed.
    url = reverse("person_edit", args=[people.employee.pk])
    late = client.post(url, _edit(people, national_id=OTHER, end_date="01.01.2020"))
    page = late.content.decode()
    assert late.status_code == 200 and "Sluttdatoen er før startdatoen." in page
    assert _shows_no_number(page, OTHER)
    assert "skriv det inn på nytt" in page
    assert _stored() is None


def test_the_remove_box_clears_it(client_for, people, with_number):
    response = client_for("admin").post(with_number, _edit(people, national_id_remove="on"))
    assert response.status_code == 302
    assert _stored() is None
    assert "national_id" in _updates()[-1]
    page = client_for("admin").get(with_number).content.decode()
    assert MASKED not in page and 'name="national_id_remove"' not in page


def test_a_new_number_and_the_remove_box_together_are_refused(client_for, people, with_number):
    response = client_for("admin").post(
        with_number, _edit(people, national_id=OTHER, national_id_remove="on")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skriv inn et nytt fødselsnummer eller fjern det, ikke begge deler." in page
    assert _shows_no_number(page, NUMBER, OTHER)
    assert _stored() == NUMBER


def test_it_is_not_stored_when_the_archive_does_not_use_it(people):
    with pytest.raises(DomainError) as refused:
        services.person_update(actor=people.admin, person=people.employee, national_id=NUMBER)
    assert refused.value.field == "national_id"
    assert Person.objects.get(pk=people.employee.pk).national_id is None


def test_two_people_cannot_have_the_same_number(people, archive_by_national_id):
    services.person_update(actor=people.admin, person=people.employee, national_id=NUMBER)
    with pytest.raises(DomainError, match="fødselsnummer"):
        services.person_update(actor=people.admin, person=people.leader, national_id=NUMBER)


def test_it_is_kept_out_of_every_other_page_the_log_and_the_api(
    client_for, people, archive_by_national_id
):
    services.person_update(actor=people.admin, person=people.employee, national_id=NUMBER)
    employee = people.employee
    detail = reverse("person_detail", args=[employee.pk])
    search = reverse("person_list") + f"?q={employee.last_name}"
    pages = {
        "hr person page": client_for("hr").get(detail),
        "admin person page": client_for("admin").get(detail),
        "leader person page": client_for("leader").get(detail),
        "person list": client_for("admin").get(search),
        "person list, htmx": client_for("admin").get(search, headers={"HX-Request": "true"}),
        "changes of roles and addresses": client_for("hr").get(reverse("role_changes")),
        "held deactivations": client_for("admin").get(reverse("held_deactivations")),
        "own profile": client_for("employee").get(reverse("profile")),
        "audit log": client_for("hr").get(reverse("audit_search")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = response.content.decode()
        # Not in full, not its birth date, and not even masked: that is the form's alone.
        assert _shows_no_number(page, NUMBER) and MASKED not in page, name
    for entry in AuditEntry.objects.all():
        assert _shows_no_number(str(entry.data), NUMBER), entry.action
    api = client_for("admin").get(f"/api/v1/people/{employee.pk}")
    assert api.status_code == 200
    assert NUMBER not in api.content.decode()


def test_the_persons_copy_of_their_data_leaves_it_out(people, archive_by_national_id):
    import io
    import zipfile

    from samtale.privacy.export import person_export

    services.person_update(actor=people.admin, person=people.employee, national_id=NUMBER)
    with zipfile.ZipFile(io.BytesIO(person_export(people.employee))) as copy:
        for name in copy.namelist():
            assert NUMBER.encode() not in copy.read(name), name


# The people import carries it ------------------------------------------------------------

HEADER_WITH_NUMBER = [*PEOPLE_HEADER, "Fødselsnummer"]


def _with_numbers(numbers: dict[str, str]):
    """The roster as it is, with a national identity number for the given employee numbers."""
    return [[*cells, numbers.get(cells[0], "")] for cells in roster()]


def test_the_import_sets_the_number_and_the_preview_never_repeats_it(
    client_for, people, archive_by_national_id
):
    content = csv_file(
        HEADER_WITH_NUMBER, *_with_numbers({"103": "150585 43206", "104": "15058543207"})
    )
    client = client_for("admin")
    response = client.post(
        reverse("import_start"),
        {"kind": "people", "file": SimpleUploadedFile("lonn.csv", content)},
    )
    batch = ImportBatch.objects.get()
    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert response.status_code == 302
    assert [(p["row"], p["column"]) for p in batch.report["problems"]] == [(6, "Fødselsnummer")]
    assert "Dette er ikke et gyldig fødselsnummer" in page
    for shown in (page, str(batch.report), str(AuditEntry.objects.values_list("data"))):
        assert "15058543207" not in shown and NUMBER not in shown

    right = csv_file(HEADER_WITH_NUMBER, *_with_numbers({"103": NUMBER, "104": OTHER}))
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="lonn.csv", content=right
    )
    assert batch.report["counts"]["update"] == 2
    import_services.import_apply(actor=people.admin, batch=batch)
    assert Person.objects.get(pk=people.employee.pk).national_id == NUMBER
    assert Person.objects.get(pk=people.other_employee.pk).national_id == OTHER
    batch.refresh_from_db()
    assert bytes(batch.content) == b"", "the file is not kept once imported"

    # The same file again changes nothing; an empty cell clears the number.
    assert (
        plan_people(_with_numbers({"103": NUMBER, "104": OTHER}), HEADER_WITH_NUMBER).update == {}
    )
    import_people(_with_numbers({"103": NUMBER}), HEADER_WITH_NUMBER)
    assert Person.objects.get(pk=people.other_employee.pk).national_id is None


def test_a_number_in_the_file_twice_or_held_by_someone_else_is_a_problem(
    people, archive_by_national_id
):
    twice = plan_people(_with_numbers({"103": NUMBER, "104": NUMBER}), HEADER_WITH_NUMBER)
    assert problems_of(twice) == [(6, "Fødselsnummer", "Fødselsnummeret står også på rad 5.")]
    services.person_update(actor=people.admin, person=people.hr, national_id=NUMBER)
    held = plan_people(_with_numbers({"103": NUMBER, "105": NUMBER}), HEADER_WITH_NUMBER)
    assert len(problems_of(held)) == 1
    # Corrected from one person in the file to another: it moves.
    import_people(_with_numbers({"103": NUMBER, "105": OTHER}), HEADER_WITH_NUMBER)
    assert Person.objects.get(pk=people.employee.pk).national_id == NUMBER
    assert Person.objects.get(pk=people.hr.pk).national_id == OTHER


def test_a_spreadsheet_that_dropped_the_leading_zero_is_read_right(people, archive_by_national_id):
    rows = _with_numbers({})
    rows[3][-1] = int(OTHER)  # Excel's number: 1017012343
    import_people(rows, HEADER_WITH_NUMBER)
    assert Person.objects.get(pk=people.employee.pk).national_id == OTHER


def test_without_the_setting_the_column_is_ignored_and_nothing_is_stored(people):
    result = import_people(_with_numbers({"103": NUMBER}), HEADER_WITH_NUMBER)
    assert result.ignored_columns == ["Fødselsnummer"]
    assert not Person.objects.filter(national_id__isnull=False).exists()


def test_the_sample_file_has_the_column_only_with_the_setting(settings):
    from samtale.org.imports.templates import template_csv

    assert "Fødselsnummer" not in template_csv("people").decode("utf-8-sig")
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"
    header, *examples = template_csv("people").decode("utf-8-sig").splitlines()
    assert header.endswith("Fødselsnummer")
    assert all(line.count(";") == header.count(";") for line in examples)


def test_a_file_checked_but_not_imported_is_forgotten_after_a_day(people):
    batch = import_services.import_preview(
        actor=people.admin,
        kind="people",
        filename="lonn.csv",
        content=csv_file(PEOPLE_HEADER, *roster()),
    )
    assert import_services.import_files_forget() == 0
    later = timezone.now() + import_services.FILE_KEPT + timedelta(minutes=1)
    assert import_services.import_files_forget(now=later) == 1
    with pytest.raises(DomainError, match="Last den opp igjen|Upload it again"):
        import_services.import_apply(actor=people.admin, batch=batch)
