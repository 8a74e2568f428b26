"""Deactivations from the identity provider beyond the limit within an hour are held for an
administrator (org.services.provider_person_update): a provider that loses a group, or a
sync scoped wrong, must not empty the organization in one run."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail
from samtale.org import services
from samtale.org.models import Person, ProviderDeactivation
from samtale.scim.tests.conftest import ENTERPRISE, user_payload

OFF = [{"op": "replace", "path": "active", "value": False}]


@pytest.fixture
def provisioned(scim, people, settings):
    """Four people from the identity provider; a limit of two deactivations an hour."""
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 2
    settings.SAMTALE_DEACTIVATION_LIMIT_PERCENT = 0
    pks = []
    for n in range(4):
        payload = user_payload(f"p{n}@test.example", externalId=f"x{n}")
        payload[ENTERPRISE] = {"employeeNumber": f"30{n}"}
        created = scim.post("Users", payload)
        assert created.status_code == 201, created.body
        pks.append(int(created.body["id"]))
    return pks


def active(pk) -> bool:
    return Person.objects.get(pk=pk).is_active


def test_beyond_the_limit_the_deactivations_wait_and_the_administrators_are_told_once(
    scim, people, provisioned
):
    first, second, third, fourth = provisioned
    for pk in (first, second):
        assert scim.patch(f"Users/{pk}", OFF).body["active"] is False
    # The third and fourth: answered as they are, still active, held.
    held = scim.patch(f"Users/{third}", OFF)
    assert held.status_code == 200 and held.body["active"] is True
    assert scim.delete(f"Users/{fourth}").status_code == 204
    assert active(third) and active(fourth)
    assert scim.patch(f"Users/{third}", OFF).body["active"] is True  # asked again: one hold
    holds = services.held_deactivations()
    assert [(h.person_id, h.deleted) for h in holds] == [(third, False), (fourth, True)]
    told = OutboundEmail.objects.filter(kind="deactivations_held")
    assert {m.to_id for m in told} == {people.admin.pk} and told.count() == 1
    assert AuditEntry.objects.filter(action="person.deactivation_held").count() == 2


def test_the_rest_of_a_change_goes_through_while_the_deactivation_waits(scim, provisioned):
    for pk in provisioned[:2]:
        scim.patch(f"Users/{pk}", OFF)
    third = provisioned[2]
    scim.patch(
        f"Users/{third}",
        [*OFF, {"op": "replace", "path": "title", "value": "Rektor"}],
    )
    person = Person.objects.get(pk=third)
    assert person.is_active and person.job_title == "Rektor"


def test_an_administrator_deactivates_them_or_keeps_them(scim, people, provisioned, client_for):
    for pk in provisioned[:2]:
        scim.patch(f"Users/{pk}", OFF)
    third, fourth = provisioned[2:]
    scim.patch(f"Users/{third}", OFF)
    scim.delete(f"Users/{fourth}")
    admin = client_for("admin")
    page = admin.get(reverse("held_deactivations")).content.decode()
    assert "(302)" in page and "(303)" in page
    assert reverse("held_deactivations") in admin.get(reverse("person_list")).content.decode()
    admin.post(reverse("held_deactivations"), {"decision": "deactivate"})
    assert not active(third) and not active(fourth)
    assert Person.objects.get(pk=fourth).scim_deleted_at is not None
    assert Person.objects.get(pk=third).scim_deleted_at is None
    assert set(ProviderDeactivation.objects.values_list("outcome", flat=True)) == {
        "applied",
        "confirmed",
    }
    assert AuditEntry.objects.filter(action="person.deactivations_confirmed").exists()


def test_kept_active_they_stay_active(scim, people, provisioned):
    for pk in provisioned[:3]:
        scim.patch(f"Users/{pk}", OFF)
    assert services.held_deactivations_decide(actor=people.admin, deactivate=False) == 1
    assert active(provisioned[2])
    assert not services.held_deactivations().exists()


def test_after_the_hour_deactivations_go_at_once_again(scim, provisioned):
    for pk in provisioned[:2]:
        scim.patch(f"Users/{pk}", OFF)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert scim.patch(f"Users/{provisioned[2]}", OFF).body["active"] is False


def test_the_person_form_is_not_held(people, settings, provisioned):
    """An administrator's own change by hand is theirs to make: no limit."""
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 0
    person = Person.objects.get(pk=provisioned[0])
    services.person_update(actor=people.admin, person=person, is_active=False)
    assert not active(person.pk)
