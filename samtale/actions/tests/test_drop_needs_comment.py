"""Dropping an action takes a comment saying why: both parties, and the next conversation,
see it. Without one, the form says so and nothing changes."""

import pytest
from django.urls import reverse

from samtale.actions import services
from samtale.actions.models import Action, ActionUpdate
from samtale.actions.tests.conftest import days
from samtale.core.errors import DomainError


@pytest.fixture
def action(people, signed):
    conversation = signed(people.employee, people.leader, [(days(3), "employee", "in_progress")])
    return Action.objects.get(goal__conversation=conversation)


def test_the_service_refuses_to_drop_without_a_comment(people, action):
    for comment in ("", "   "):
        with pytest.raises(DomainError) as error:
            services.action_update(
                actor=people.employee, action=action, status="dropped", comment=comment
            )
        assert error.value.field == "comment"
    action.refresh_from_db()
    assert action.status == "in_progress" and not ActionUpdate.objects.exists()


def test_dropping_with_a_comment_keeps_the_why(people, action):
    services.action_update(
        actor=people.leader, action=action, status="dropped", comment="Kurset ble avlyst"
    )
    action.refresh_from_db()
    assert action.status == "dropped"
    assert ActionUpdate.objects.get().comment == "Kurset ble avlyst"


def test_a_comment_on_an_action_already_dropped_needs_no_new_reason(people, action):
    services.action_update(actor=people.leader, action=action, status="dropped", comment="Avlyst")
    services.action_update(actor=people.employee, action=action, status="dropped", comment="Ok")
    services.action_update(actor=people.employee, action=action, status="in_progress")
    assert ActionUpdate.objects.count() == 3


def test_the_card_says_why_beside_the_comment_and_keeps_the_form_open(client_for, action):
    response = client_for("employee").post(
        reverse("action_update", args=[action.pk]),
        {"status": "dropped", "comment": ""},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert (
        "Skriv hvorfor tiltaket legges bort." in body or "Write why the action is dropped." in body
    )
    assert f'role="alert" id="e-{action.pk}">' in body
    assert f'aria-invalid="true" aria-describedby="e-{action.pk}"' in body
    assert (
        '<details class="ds-details" open>' in body and '<option value="dropped" selected>' in body
    )
    action.refresh_from_db()
    assert action.status == "in_progress" and not ActionUpdate.objects.exists()


def test_the_action_page_shows_the_message_at_the_comment(client_for, action):
    response = client_for("leader").post(
        reverse("action_update", args=[action.pk]), {"status": "dropped", "comment": ""}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["comment"] and not form.non_field_errors()
    assert 'aria-invalid="true"' in response.content.decode()
    action.refresh_from_db()
    assert action.status == "in_progress"
