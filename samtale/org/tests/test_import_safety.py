"""Imports that cannot wipe an organization: add and update by default, a full list that
would deactivate many stops until the number is typed, and every import undone for 30 days
(org.imports.services, org.imports.undo)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail
from samtale.org import services as org_services
from samtale.org.imports import services as import_services
from samtale.org.imports.undo import UNDO_DAYS
from samtale.org.models import ImportBatch, Person
from samtale.org.tests.import_rows import roster, row, snapshot
from samtale.org.tests.test_import_views import people_csv

# The administrator's own row and the sample's two: the file that once deactivated 61 of 64.
SMALL = [row("106", "Adam", "S", email="admin@test.example"), row("900", "Ny"), row("901", "Nyere")]


@pytest.fixture
def low_limit(settings):
    """Seven people: a limit of two makes four deactivations too many."""
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 2
    settings.SAMTALE_DEACTIVATION_LIMIT_PERCENT = 5


def preview(people, rows, mode=ImportBatch.Mode.UPDATE):
    return import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content=people_csv(rows), mode=mode
    )


def active_numbers():
    return set(Person.objects.filter(is_active=True).values_list("employee_number", flat=True))


def test_by_default_a_file_of_some_people_adds_and_updates_and_deactivates_nobody(people):
    before = active_numbers()
    batch = preview(people, SMALL)
    assert batch.mode == ImportBatch.Mode.UPDATE
    assert batch.report["counts"]["deactivate"] == 0 and not batch.report["confirm"]
    import_services.import_apply(actor=people.admin, batch=batch)
    assert active_numbers() == before | {"900", "901"}


def test_an_end_date_passed_still_deactivates_in_add_and_update(people):
    ended = row("104", "Espen", "D2", "102", email="other_employee@test.example", end="2020-01-01")
    batch = preview(people, [ended])
    import_services.import_apply(actor=people.admin, batch=batch)
    assert not Person.objects.get(employee_number="104").is_active


def test_the_limit_is_the_larger_of_the_share_and_the_number(settings):
    settings.SAMTALE_DEACTIVATION_LIMIT_PERCENT = 5
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 10
    assert org_services.deactivation_limit(64) == 10
    assert org_services.deactivation_limit(50_000) == 2_500


def test_a_full_list_that_deactivates_too_many_stops_until_the_number_is_typed(people, low_limit):
    before = snapshot()
    batch = preview(people, SMALL, mode=ImportBatch.Mode.FULL)
    assert batch.report["deactivations"] == 6  # the seven but the administrator
    assert batch.report["confirm"] and batch.report["limit"] == 2
    assert len(batch.report["deactivate_names"]) == 6
    for typed in ("", "5", "seks"):
        with pytest.raises(DomainError) as refused:
            import_services.import_apply(actor=people.admin, batch=batch, confirm=typed)
        assert refused.value.field == "confirm"
        assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    import_services.import_apply(actor=people.admin, batch=batch, confirm=" 6 ")
    assert active_numbers() == {"106", "900", "901"}


def test_a_full_list_within_the_limit_goes_without_the_number(people, low_limit):
    without_two = [r for r in roster() if r[0] not in ("104", "105")]
    batch = preview(people, without_two, mode=ImportBatch.Mode.FULL)
    assert batch.report["deactivations"] == 2 and not batch.report["confirm"]
    import_services.import_apply(actor=people.admin, batch=batch)
    assert "104" not in active_numbers() and "105" not in active_numbers()


def test_undo_puts_back_what_the_import_changed_and_is_told_as_the_import_was(people):
    changed = [
        row("100", "Lea", "E", email="leaders_leader@test.example", kind=""),
        row("101", "Leif", "D1", "100", email="leader@test.example", title="Rektor"),
        row("102", "Olga", "D2", "100", email="other_leader@test.example"),
        row("103", "Emma", "T1", "102", email="emma.ny@test.example", title="Lærer"),
        row("106", "Adam", "S", email="admin@test.example"),
        row("900", "Ny"),
    ]
    before = snapshot()
    batch = preview(people, changed, mode=ImportBatch.Mode.FULL)
    import_services.import_apply(actor=people.admin, batch=batch)
    emma = Person.objects.get(employee_number="103")
    assert (emma.email, emma.manager_id) == ("emma.ny@test.example", people.other_leader.pk)
    assert not Person.objects.get(employee_number="105").is_active  # HR, not in the file
    assert not Person.objects.get(employee_number="104").is_active
    told = OutboundEmail.objects.count()

    batch.refresh_from_db()
    assert import_services.may_undo(batch)
    import_services.import_undo(actor=people.admin, batch=batch)

    after = {p[0]: p for p in snapshot()}
    for person in before:
        kept = after[person[0]]
        # Everything as it was but the stamps an e-mail change raises and the update times.
        assert _comparable(kept) == _comparable(person)
    new = Person.objects.get(employee_number="900")
    assert not new.is_active and new.deactivated_at is not None
    batch.refresh_from_db()
    assert batch.undone_by == people.admin and batch.report["undo"]["deactivated"] == 1
    entry = AuditEntry.objects.get(action="import.undo")
    assert entry.data["restored"] == batch.report["undo"]["restored"]
    # As the import was: both addresses of the address changed back, and the role holder
    # (HR) active again told to the role holders.
    new_mail = OutboundEmail.objects.order_by("pk")[told:]
    kinds = {(m.kind, m.to_email) for m in new_mail}
    assert ("email_changed", "employee@test.example") in kinds
    assert ("email_changed", "emma.ny@test.example") in kinds
    assert any(kind != "email_changed" for kind, _ in kinds)

    with pytest.raises(DomainError):
        import_services.import_undo(actor=people.admin, batch=batch)


def _comparable(person_row):
    names = [f.attname for f in Person._meta.concrete_fields]
    values = dict(zip(names, person_row, strict=True))
    for name in ("updated_at", "auth_stamp", "last_login"):
        values.pop(name, None)
    return values


def test_undo_keeps_what_was_changed_by_hand_since(people):
    changed = [*roster()]
    changed[3] = row("103", "Emma", "T1", "101", email="employee@test.example", title="Rektor")
    batch = preview(people, changed)
    import_services.import_apply(actor=people.admin, batch=batch)
    Person.objects.filter(employee_number="103").update(job_title="Inspektør")
    import_services.import_undo(actor=people.admin, batch=batch)
    assert Person.objects.get(employee_number="103").job_title == "Inspektør"
    batch.refresh_from_db()
    assert batch.report["undo"] == {"restored": 0, "kept": 1, "deactivated": 0}


def test_an_import_can_be_undone_for_thirty_days_and_not_after(people):
    batch = preview(people, [row("900", "Ny")])
    import_services.import_apply(actor=people.admin, batch=batch)
    batch.refresh_from_db()
    later = batch.applied_at + timedelta(days=UNDO_DAYS, seconds=1)
    assert import_services.may_undo(batch, now=later - timedelta(seconds=2))
    with time_machine.travel(later, tick=False):
        assert not import_services.may_undo(batch)
        with pytest.raises(DomainError):
            import_services.import_undo(actor=people.admin, batch=batch)
    assert Person.objects.get(employee_number="900").is_active


def test_a_preview_or_an_import_with_problems_cannot_be_undone(people):
    batch = preview(people, [row("900", "Ny", manager="999")])
    assert not import_services.may_undo(batch)
    with pytest.raises(DomainError):
        import_services.import_undo(actor=people.admin, batch=batch)


# Pages -----------------------------------------------------------------------


def test_the_page_asks_for_the_number_names_them_and_offers_the_undo(client_for, people, low_limit):
    client = client_for("admin")
    upload = SimpleUploadedFile("a.csv", people_csv(SMALL), content_type="text/csv")
    response = client.post(
        reverse("import_start"), {"kind": "people", "mode": "full", "file": upload}
    )
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'data-color="danger"' in page and 'name="confirm"' in page
    assert "Hedda Testesen (105)" in page
    refused = client.post(reverse("import_apply", args=[batch.pk]), {"confirm": "2"}, follow=True)
    assert "Hedda" in refused.content.decode()
    assert Person.objects.get(employee_number="105").is_active
    client.post(reverse("import_apply", args=[batch.pk]), {"confirm": "6"})
    assert not Person.objects.get(employee_number="105").is_active
    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert reverse("import_undo", args=[batch.pk]) in page
    client.post(reverse("import_undo", args=[batch.pk]))
    assert Person.objects.get(employee_number="105").is_active
    page = client.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert reverse("import_undo", args=[batch.pk]) not in page


def test_an_upload_without_a_mode_adds_and_updates(client_for, people):
    upload = SimpleUploadedFile("a.csv", people_csv(SMALL), content_type="text/csv")
    client_for("admin").post(reverse("import_start"), {"kind": "people", "file": upload})
    assert ImportBatch.objects.get().mode == ImportBatch.Mode.UPDATE


def test_only_an_administrator_undoes(client_for, people):
    batch = preview(people, [row("900", "Ny")])
    import_services.import_apply(actor=people.admin, batch=batch)
    for role in ("hr", "leader", "employee"):
        assert client_for(role).post(reverse("import_undo", args=[batch.pk])).status_code == 404
    assert Person.objects.get(employee_number="900").is_active
    batch.refresh_from_db()
    assert batch.undone_at is None


def test_a_file_of_some_people_may_name_line_managers_already_in_samtale(people):
    batch = preview(people, [row("900", "Ny", manager="101")])
    assert batch.report["problems"] == []
    import_services.import_apply(actor=people.admin, batch=batch)
    assert Person.objects.get(employee_number="900").manager == people.leader


def test_a_file_of_some_people_cannot_close_a_circle_through_samtale_or_name_a_leaver(people):
    # Emma (103) reports to Leif (101), who reports to Lea (100).
    circle = preview(people, [row("100", "Lea", "E", "103", email="leaders_leader@test.example")])
    assert [p["row"] for p in circle.report["problems"]] == [2]
    Person.objects.filter(employee_number="104").update(is_active=False)
    leaver = preview(people, [row("900", "Ny", manager="104")])
    assert "104" in leaver.report["problems"][0]["message"]
    unknown = preview(people, [row("900", "Ny", manager="999")])
    assert "999" in unknown.report["problems"][0]["message"]


def test_undo_of_a_deactivation_counts_nothing_as_kept(people):
    """The time a person was deactivated comes back from JSON in milliseconds: still the
    import's, not a change made by hand since."""
    without = [r for r in roster() if r[0] != "104"]
    batch = preview(people, without, mode=ImportBatch.Mode.FULL)
    import_services.import_apply(actor=people.admin, batch=batch)
    import_services.import_undo(actor=people.admin, batch=batch)
    batch.refresh_from_db()
    assert batch.report["undo"] == {"restored": 1, "kept": 0, "deactivated": 0}
    person = Person.objects.get(employee_number="104")
    assert person.is_active and person.deactivated_at is None
