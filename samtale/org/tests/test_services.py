from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.org import services
from samtale.org.models import Person, Unit


def _new(**extra):
    return {"first_name": "Nina", "last_name": "Ny", "email": "Nina.Ny@Test.example", **extra}


def test_an_administrator_adds_a_person_who_signs_in_through_a_reset_link(people):
    person = services.person_create(actor=people.admin, **_new(manager=people.leader))
    assert person.email == "nina.ny@test.example"
    assert not person.has_usable_password()
    assert person.manager == people.leader
    assert AuditEntry.objects.filter(action="person.create", object_id=str(person.pk)).exists()


@pytest.mark.parametrize("role", ["employee", "leader", "leaders_leader", "hr"])
def test_only_an_administrator_may_add_people(people, role):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=getattr(people, role), **_new())


def test_an_email_belongs_to_one_person_whatever_its_case(people):
    with pytest.raises(DomainError) as error:
        services.person_create(actor=people.admin, **_new(email="EMPLOYEE@test.example"))
    assert error.value.field == "email"


def test_an_employee_number_belongs_to_one_person(people):
    with pytest.raises(DomainError) as error:
        services.person_create(actor=people.admin, **_new(employee_number="103"))
    assert error.value.field == "employee_number"


def test_the_end_date_cannot_be_before_the_start_date(people):
    with pytest.raises(DomainError):
        services.person_create(
            actor=people.admin, **_new(start_date=date(2026, 1, 1), end_date=date(2025, 1, 1))
        )


def test_a_person_cannot_report_to_themselves_or_below_themselves(people):
    with pytest.raises(DomainError, match="sin egen nærmeste leder"):
        services.person_update(actor=people.admin, person=people.leader, manager=people.leader)
    with pytest.raises(DomainError, match="rapporterer"):
        services.person_update(actor=people.admin, person=people.leader, manager=people.employee)
    assert Person.objects.get(pk=people.leader.pk).manager == people.leaders_leader


def test_an_administrator_cannot_remove_their_own_role_or_deactivate_themselves(people):
    with pytest.raises(DomainError):
        services.person_update(actor=people.admin, person=people.admin, is_org_admin=False)
    with pytest.raises(DomainError):
        services.person_update(actor=people.admin, person=people.admin, is_active=False)
    assert Person.objects.get(pk=people.admin.pk).is_org_admin


def test_deactivating_stamps_the_time_and_keeps_the_person(people):
    services.person_update(actor=people.admin, person=people.employee, is_active=False)
    person = Person.objects.get(pk=people.employee.pk)
    assert not person.is_active
    assert person.deactivated_at is not None
    services.person_update(actor=people.admin, person=people.employee, is_active=True)
    assert Person.objects.get(pk=people.employee.pk).deactivated_at is None


def test_an_update_audits_which_fields_changed_not_their_values(people):
    services.person_update(
        actor=people.admin, person=people.employee, job_title="Lektor", is_hr=True
    )
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.data == {"fields": ["is_hr", "job_title"]}


def test_an_update_that_changes_nothing_writes_nothing(people):
    services.person_update(actor=people.admin, person=people.employee, job_title="Lærer")
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_a_person_chooses_only_their_own_language(people):
    services.person_language_set(actor=people.employee, person=people.employee, language="nn")
    assert Person.objects.get(pk=people.employee.pk).language == "nn"
    with pytest.raises(PermissionDenied):
        services.person_language_set(actor=people.admin, person=people.employee, language="en")


def test_units_form_a_tree_of_enterprise_department_team(people):
    school = Unit.objects.get(code="E")
    dept = services.unit_create(
        actor=people.admin, code="D3", name="Avdeling 3", kind="department", parent=school
    )
    services.unit_create(actor=people.admin, code="T3", name="Team 3", kind="team", parent=dept)
    with pytest.raises(DomainError, match="kan ikke ligge under"):
        services.unit_create(actor=people.admin, code="X", name="X", kind="enterprise", parent=dept)
    with pytest.raises(DomainError, match="Bare en virksomhet"):
        services.unit_create(actor=people.admin, code="Y", name="Y", kind="team", parent=None)
    with pytest.raises(DomainError, match="koden"):
        services.unit_create(
            actor=people.admin, code="D3", name="Dup", kind="department", parent=school
        )


def test_a_unit_cannot_move_below_itself(people):
    dept = Unit.objects.get(code="D1")
    team = Unit.objects.get(code="T1")
    with pytest.raises(DomainError):
        services.unit_update(actor=people.admin, unit=dept, parent=team, kind="department")


def test_a_unit_with_active_people_cannot_be_deactivated(people):
    with pytest.raises(DomainError, match="aktive personer"):
        services.unit_update(actor=people.admin, unit=Unit.objects.get(code="T1"), is_active=False)
    with pytest.raises(DomainError, match="aktive enheter under"):
        Person.objects.filter(unit__code="D1").update(unit=Unit.objects.get(code="D2"))
        services.unit_update(actor=people.admin, unit=Unit.objects.get(code="D1"), is_active=False)
