"""Nobody widens what they may read themselves; every role given or taken is told and listed."""

import pytest
from django.core import mail
from django.urls import reverse

from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail
from samtale.org import services
from samtale.org.models import Person, RoleChange
from samtale.org.tests.test_views import _person_form


def _own_form(person, **extra):
    """The person page's form as the administrator would post it for `person`."""
    return _person_form(
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        employee_number=person.employee_number or "",
        **extra,
    )


def test_an_administrator_cannot_give_themselves_hr_on_their_own_page(client_for, people):
    client = client_for("admin")
    response = client.post(
        reverse("person_edit", args=[people.admin.pk]),
        _own_form(people.admin, is_hr="on", is_org_admin="on"),
    )
    assert response.status_code == 302
    people.admin.refresh_from_db()
    assert not people.admin.is_hr
    assert not RoleChange.objects.exists()
    assert client.get(reverse("shared_conclusions")).status_code == 403


def test_their_own_page_shows_the_role_boxes_locked(client_for, people):
    body = client_for("admin").get(reverse("person_edit", args=[people.admin.pk])).content.decode()
    assert 'name="is_hr"' in body and "disabled" in body
    assert "En annen administrator endrer dette for deg." in body


@pytest.mark.parametrize(("field", "value"), [("is_hr", True), ("is_org_admin", False)])
def test_nobody_changes_their_own_roles(people, field, value):
    with pytest.raises(DomainError) as error:
        services.person_update(actor=people.admin, person=people.admin, **{field: value})
    assert error.value.field == field
    people.admin.refresh_from_db()
    assert (people.admin.is_hr, people.admin.is_org_admin) == (False, True)


def test_an_administrator_cannot_make_themselves_someones_line_manager(client_for, people):
    response = client_for("admin").post(
        reverse("person_edit", args=[people.employee.pk]),
        _own_form(people.employee, manager_sok=people.admin.email),
    )
    assert response.status_code == 200
    assert "Du kan ikke gjøre deg selv til noens nærmeste leder" in response.content.decode()
    people.employee.refresh_from_db()
    assert people.employee.manager == people.leader


def test_nor_give_a_new_person_themselves_as_line_manager(people):
    with pytest.raises(DomainError):
        services.person_create(
            actor=people.admin,
            first_name="Nina",
            last_name="Ny",
            email="nina@test.example",
            manager=people.admin,
        )


def test_a_role_given_is_told_at_once_to_the_person_every_hr_user_and_administrator(
    client_for, people, django_capture_on_commit_callbacks
):
    other_admin = Person.objects.create_user(
        "admin2@test.example", "x", first_name="Ada", last_name="To", is_org_admin=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(
            reverse("person_edit", args=[people.leader.pk]),
            _own_form(people.leader, is_hr="on", manager_sok="100"),
        )
    assert response.status_code == 302
    change = RoleChange.objects.get()
    assert (change.person, change.role, change.granted, change.changed_by) == (
        people.leader,
        "hr",
        True,
        people.admin,
    )
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted(
        [people.leader.email, people.hr.email, people.admin.email, other_admin.email]
    )
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {"Leif Testesen har fått rollen HR i Samtale"}
    body = next(m.body for m in mail.outbox if m.to == [people.hr.email])
    assert "Leif Testesen fikk rollen HR av Adam Testesen" in body
    assert "/personer/endringer/" in body


def test_a_role_taken_away_is_told_too(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_update(actor=people.admin, person=people.hr, is_hr=False)
    assert RoleChange.objects.get().granted is False
    assert OutboundEmail.objects.filter(kind="role_changed").count() == 2  # the person, admin
    assert "har ikke lenger rollen HR" in mail.outbox[0].subject


def test_a_new_person_with_a_role_is_listed_and_told(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(
            actor=people.admin,
            first_name="Nina",
            last_name="Ny",
            email="nina@test.example",
            is_org_admin=True,
        )
    assert RoleChange.objects.get().person == person
    assert {m.to[0] for m in mail.outbox} == {person.email, people.hr.email, people.admin.email}


def test_hr_reads_the_history_of_roles_and_of_email_changes(client_for, people):
    services.person_update(actor=people.admin, person=people.leader, is_hr=True)
    services.person_update(actor=people.admin, person=people.employee, email="emma@ny.example")
    client = client_for("hr")
    roles = client.get(reverse("role_changes")).content.decode()
    assert "Leif Testesen" in roles and "Gitt: HR" in roles and "Adam Testesen" in roles
    emails = client.get(reverse("role_changes"), {"vis": "epost"}).content.decode()
    assert "employee@test.example" in emails and "emma@ny.example" in emails


def test_the_history_says_so_when_it_is_empty(client_for):
    body = client_for("hr").get(reverse("role_changes")).content.decode()
    assert "Ingen roller er gitt eller fjernet ennå." in body


def test_createsuperuser_is_listed_as_made_on_the_server(db):
    person = Person.objects.create_superuser("root@test.example", "a-long-password-1")
    change = RoleChange.objects.get()
    assert (change.person, change.role, change.changed_by) == (person, "admin", None)


def test_reactivating_a_role_holder_gives_the_role_and_is_told(
    people, django_capture_on_commit_callbacks
):
    services.person_update(actor=people.admin, person=people.hr, is_active=False)
    assert RoleChange.objects.get().granted is False
    with django_capture_on_commit_callbacks(execute=True):
        services.person_update(actor=people.admin, person=people.hr, is_active=True)
    change = RoleChange.objects.filter(granted=True).get()
    assert (change.person, change.role) == (people.hr, "hr")
    assert {m.to[0] for m in mail.outbox} == {people.hr.email, people.admin.email}


def test_an_import_that_brings_back_a_role_holder_is_told(people):
    from samtale.org.imports import services as import_services

    services.person_update(actor=people.admin, person=people.hr, is_active=False)
    rows = [
        "Ansattnummer;Fornavn;Etternavn;E-post;Enhetskode",
        *(
            f"{p.employee_number};{p.first_name};{p.last_name};{p.email};{p.unit.code}"
            for p in Person.objects.select_related("unit").exclude(employee_number=None)
        ),
    ]
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content="\n".join(rows).encode()
    )
    import_services.import_apply(actor=people.admin, batch=batch)
    people.hr.refresh_from_db()
    assert people.hr.is_active
    change = RoleChange.objects.filter(granted=True).get()
    assert (change.person, change.role, change.changed_by) == (people.hr, "hr", people.admin)


def test_an_administrator_elects_a_union_representative_for_a_unit_on_the_person_page(
    client_for, people, django_capture_on_commit_callbacks
):
    school = people.leaders_leader.unit
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(
            reverse("person_edit", args=[people.other_employee.pk]),
            _own_form(people.other_employee, is_union_rep="on", union_unit=school.pk),
        )
    assert response.status_code == 302
    people.other_employee.refresh_from_db()
    assert (people.other_employee.is_union_rep, people.other_employee.union_unit) == (True, school)
    change = RoleChange.objects.get()
    assert (change.person, change.role, change.granted) == (people.other_employee, "union", True)
    page = client_for("admin").get(reverse("person_detail", args=[people.other_employee.pk]))
    assert "tillitsvalgt for Skole" in page.content.decode()
