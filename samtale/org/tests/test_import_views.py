"""The import as an administrator meets it: the services the pages call, and the pages.

Preview first (nothing changes), then apply all or nothing, checked again
against the data of the moment. Rows, helpers and the fixed roster come from
import_rows.
"""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.org.imports import people as people_import
from samtale.org.imports import services as import_services
from samtale.org.imports.common import Problems, map_columns
from samtale.org.imports.reader import read_table
from samtale.org.models import ImportBatch, Person, Unit
from samtale.org.tests.import_rows import (
    FIXTURE_UNITS,
    NOW,
    PEOPLE_HEADER,
    UNITS_HEADER,
    csv_file,
    roster,
    row,
    snapshot,
)

# Services: preview, then apply all or nothing --------------------------------


def people_csv(rows):
    return csv_file(PEOPLE_HEADER, *rows)


def preview(people, rows, filename="ansatte.csv", mode="full"):
    """The file as the full list, unless `mode` says add and update only."""
    return import_services.import_preview(
        actor=people.admin, kind="people", filename=filename, content=people_csv(rows), mode=mode
    )


def test_a_preview_stores_the_file_and_the_report_and_changes_nothing(people):
    before = snapshot(), snapshot(Unit)
    without_hr = [r for r in roster() if r[0] != "105"]
    batch = preview(people, [*without_hr, row("200", manager="999")])
    assert (snapshot(), snapshot(Unit)) == before
    assert batch.status == ImportBatch.Status.PREVIEWED and batch.uploaded_by == people.admin
    assert bytes(batch.content) == people_csv([*without_hr, row("200", manager="999")])
    assert batch.report["counts"] == {
        "rows": 7,
        "create": 1,
        "update": 0,
        "unchanged": 6,
        "deactivate": 1,
    }
    assert batch.report["problems"] == [
        {
            "row": 8,
            "column": "Leders ansattnummer",
            "message": _("No person in the file has the employee number “%(number)s”.")
            % {"number": "999"},
        }
    ]
    assert batch.report["deactivate_names"] == ["Hedda Testesen (105)"]
    assert AuditEntry.objects.filter(action="import.preview", object_id=str(batch.pk)).exists()


def test_apply_writes_the_file_once_and_refuses_a_second_time(people):
    batch = preview(people, [*roster(), row("200")])
    with time_machine.travel(NOW, tick=False):
        batch = import_services.import_apply(actor=people.admin, batch=batch)
    assert (batch.status, batch.applied_at) == (ImportBatch.Status.APPLIED, NOW)
    assert Person.objects.filter(employee_number="200").exists()
    assert AuditEntry.objects.get(action="import.apply").data["create"] == 1
    with pytest.raises(DomainError) as error:
        import_services.import_apply(actor=people.admin, batch=batch)
    assert error.value.message == _("This file has already been imported.")


def test_importing_the_same_file_again_through_the_services_changes_nothing(people):
    rows = [*roster(), row("200", "Nina", "D2", "102", kind="vikar", end="31.12.2030")]
    import_services.import_apply(actor=people.admin, batch=preview(people, rows))
    before = snapshot()
    batch = import_services.import_apply(actor=people.admin, batch=preview(people, rows))
    counts = batch.report["counts"]
    assert (counts["create"], counts["update"], counts["deactivate"]) == (0, 0, 0)
    assert snapshot() == before


def test_an_administrator_cannot_import_a_roster_that_would_deactivate_them(people):
    without_me = [r for r in roster() if r[0] != "106"]
    batch = preview(people, without_me)
    assert [p["row"] for p in batch.report["problems"]] == [1]
    assert "deaktivere deg" in batch.report["problems"][0]["message"]
    with pytest.raises(DomainError):
        import_services.import_apply(actor=people.admin, batch=batch)
    assert Person.objects.get(pk=people.admin.pk).is_active


def test_apply_changes_nothing_when_the_data_changed_since_the_preview(people):
    batch = preview(people, [*roster(), row("200", unit="D2")])
    assert batch.report["problems"] == []
    Unit.objects.filter(code="D2").update(is_active=False)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        import_services.import_apply(actor=people.admin, batch=batch)
    assert error.value.message == _(
        "The file has problems with today's data. Nothing was changed; see the list below."
    )
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert [p["column"] for p in batch.report["problems"]] == ["Enhetskode"] * 3


def test_a_failure_in_the_middle_of_apply_leaves_no_partial_rows(people, monkeypatch):
    rows = [*[r for r in roster() if r[0] != "105"], row("200"), row("201", manager="200")]
    rows[0][4] = "Rektor"
    batch = preview(people, rows)
    before = snapshot()

    inserted = []
    create = people_import._create

    def create_then_count(*args):
        create(*args)
        inserted.append(Person.objects.filter(employee_number__in=["200", "201"]).count())

    def fail(*args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(people_import, "_create", create_then_count)
    monkeypatch.setattr(people_import, "_update", fail)
    with pytest.raises(RuntimeError):
        import_services.import_apply(actor=people.admin, batch=batch)
    assert inserted == [2]  # the new people were in before it failed
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert not AuditEntry.objects.filter(action="import.apply").exists()


def test_units_are_previewed_and_applied_through_the_same_services(people):
    content = csv_file(UNITS_HEADER, *FIXTURE_UNITS, ["T2", "Team 2", "team", "D2"])
    batch = import_services.import_preview(
        actor=people.admin, kind="units", filename="enheter.csv", content=content
    )
    assert batch.report["counts"]["create"] == 1 and not Unit.objects.filter(code="T2").exists()
    import_services.import_apply(actor=people.admin, batch=batch)
    assert Unit.objects.get(code="T2").parent.code == "D2"


@pytest.mark.parametrize("role", ["employee", "leader", "leaders_leader", "hr"])
def test_only_an_administrator_may_import(people, role):
    batch = preview(people, roster())
    actor = getattr(people, role)
    with pytest.raises(PermissionDenied):
        import_services.import_preview(
            actor=actor, kind="people", filename="a.csv", content=people_csv(roster())
        )
    with pytest.raises(PermissionDenied):
        import_services.import_apply(actor=actor, batch=batch)


def test_an_unreadable_or_too_large_file_is_refused_on_the_file_field(people, settings):
    with pytest.raises(DomainError) as error:
        import_services.import_preview(
            actor=people.admin, kind="people", filename="a.xls", content=b"x"
        )
    assert error.value.field == "file"
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(DomainError) as error:
        preview(people, roster())
    assert error.value.field == "file"
    assert not ImportBatch.objects.exists()


# Pages -----------------------------------------------------------------------


def upload(client, rows, *, kind="people", filename="ansatte.csv", content=None, mode="full"):
    content = content if content is not None else people_csv(rows)
    return client.post(
        reverse("import_start"),
        {
            "kind": kind,
            "mode": mode,
            "file": SimpleUploadedFile(filename, content, content_type="text/csv"),
        },
    )


def test_an_administrator_uploads_a_file_sees_what_would_change_and_imports_it(client_for):
    client = client_for("admin")
    response = upload(client, [*roster(), row("200", "Nina"), row("201", "Per", manager="200")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_detail", args=[batch.pk])
    page = client.get(response["Location"])
    assert page.context["report"]["counts"] == {
        "rows": 9,
        "create": 2,
        "update": 0,
        "unchanged": 7,
        "deactivate": 0,
    }
    assert reverse("import_apply", args=[batch.pk]) in page.content.decode()
    assert not Person.objects.filter(employee_number="200").exists()

    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert response.redirect_chain == [(reverse("import_detail", args=[batch.pk]), 302)]
    message = _("Imported: %(create)d new, %(update)d changed, %(deactivate)d deactivated.")
    assert (
        escape(message % {"create": 2, "update": 0, "deactivate": 0}) in response.content.decode()
    )
    assert Person.objects.get(employee_number="201").manager.employee_number == "200"
    assert reverse("import_apply", args=[batch.pk]) not in response.content.decode()


def test_the_preview_lists_every_problem_with_its_row_and_column(client_for):
    client = client_for("admin")
    rows = [*roster(), row("200", email="ikke-en-adresse"), row("201", unit="X9")]
    response = upload(client, rows)
    page = client.get(response["Location"]).content.decode()
    messages = [
        (9, "E-post", _("“%(value)s” is not an e-mail address.") % {"value": "ikke-en-adresse"}),
        (10, "Enhetskode", _("No unit has the code “%(code)s”. Import the units first.") % {"code": "X9"}),
    ]  # fmt: skip
    for number, column, message in messages:
        assert (
            f'<td class="num" data-label="{_("Row")}">{number}</td>'
            f'<td data-label="{_("Column")}">{column}</td>'
            f'<td data-label="{_("Problem")}">{escape(message)}</td>'
        ) in page
    batch = ImportBatch.objects.get()
    assert reverse("import_apply", args=[batch.pk]) not in page


def test_a_long_problem_list_comes_in_pages(client_for):
    client = client_for("admin")
    rows = [*roster(), *(row(str(200 + i), unit="X9") for i in range(150))]
    detail = upload(client, rows)["Location"]
    first, second = client.get(detail), client.get(detail, {"side": 2})
    assert len(first.context["problems"].object_list) == 100
    assert [p["row"] for p in second.context["problems"].object_list] == list(range(109, 159))


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("ansatte.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV."),
        ("ansatte.docx", b"PK", "Choose a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("ansatte.csv", b"\r\n\r\n", "The file is empty."),
        ("ansatte.csv", b"Ansattnummer;Fornavn\r\n", "The file has column names but no rows."),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_gets_a_message_and_no_batch(
    client_for, filename, content, message
):
    response = upload(client_for("admin"), [], filename=filename, content=content)
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [_(message)]}
    assert escape(_(message)) in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("data", [{"kind": "people"}, {"kind": "lonn", "file": b"A;B\r\n1;2"}])
def test_an_upload_without_a_file_or_a_kind_gets_a_message_and_no_batch(client_for, data):
    if "file" in data:
        data["file"] = SimpleUploadedFile("a.csv", data["file"])
    response = client_for("admin").post(reverse("import_start"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_applying_a_file_whose_data_changed_shows_why_and_changes_nothing(client_for):
    client = client_for("admin")
    detail = upload(client, [*roster(), row("200", unit="D2")])["Location"]
    Unit.objects.filter(code="D2").update(is_active=False)
    before = snapshot()
    batch = ImportBatch.objects.get()
    response = client.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    page = response.content.decode()
    message = _("The file has problems with today's data. Nothing was changed; see the list below.")
    assert escape(message) in page
    assert escape(_("The unit “%(code)s” is deactivated.") % {"code": "D2"}) in page
    assert snapshot() == before


@pytest.mark.parametrize("role", ["employee", "leader", "hr"])
def test_the_import_pages_are_for_administrators_only(client_for, people, role):
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content=people_csv(roster())
    )
    client = client_for(role)
    assert upload(client, roster()).status_code == 403
    assert client.get(reverse("import_detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import_apply", args=[batch.pk])).status_code == 404
    assert client.get(reverse("import_template", args=["people"])).status_code == 403
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEWED


def test_applying_answers_only_post(client_for, people):
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content=people_csv(roster())
    )
    assert client_for("admin").get(reverse("import_apply", args=[batch.pk])).status_code == 405


@pytest.mark.parametrize("kind", ["units", "people"])
def test_the_sample_file_is_csv_with_a_byte_order_mark_that_reads_back_without_problems(
    client_for, kind
):
    response = client_for("admin").get(reverse("import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="samtale-{kind}.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = read_table(filename=f"samtale-{kind}.csv", content=response.content)
    assert table.header == {"units": UNITS_HEADER, "people": PEOPLE_HEADER}[kind]
    problems = Problems()
    mapped = map_columns(table, import_services.PLANNERS[kind].COLUMNS, problems)
    assert not problems and mapped.ignored == []


def test_an_unknown_sample_file_is_not_found(client_for):
    assert client_for("admin").get(reverse("import_template", args=["lonn"])).status_code == 404


def test_the_sample_files_import_into_an_empty_organization_without_problems(client, db):
    admin = Person.objects.create_user(
        "root@test.example", None, first_name="Root", last_name="Admin", is_org_admin=True
    )
    client.force_login(admin)
    for kind in ("units", "people"):
        sample = client.get(reverse("import_template", args=[kind])).content
        batch = import_services.import_preview(
            actor=admin, kind=kind, filename=f"{kind}.csv", content=sample
        )
        assert batch.report["problems"] == []
        import_services.import_apply(actor=admin, batch=batch)
    kari = Person.objects.get(employee_number="10003")
    assert (kari.unit.code, kari.manager.manager.employee_number) == ("4211", "10001")
