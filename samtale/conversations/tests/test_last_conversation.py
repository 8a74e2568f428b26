"""What was agreed last time is on the employee's home page itself, and a signed
conversation's page lists its goals and actions, for its two parties only (issue 46,
item 4)."""

import re

import pytest
from django.urls import reverse

from samtale.actions import agreement
from samtale.conversations.tests import summary_steps as steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(conversation, people):
    """Signed with two goals: one with its action, one without any."""
    c = steps.held(conversation, people)
    steps.with_goal(c, people, goal="Bli trygg i fagsystemet", action="Kurs i januar")
    agreement.goal_add(actor=people.leader, conversation=c, text="Mer tid til faglig påfyll")
    c = steps.submitted(c, people)
    return steps.approve_and_sign(c, people)


def _section(body: str, heading_id: str) -> str:
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', body, re.S)
    assert match, f"no section labelled {heading_id}"
    return match.group(1)


def test_the_employees_home_shows_every_goal_of_the_last_signed_conversation(client_for, signed):
    body = client_for("employee").get(reverse("home")).content.decode()
    last = _section(body, "last-agreed-heading")
    assert "Fra siste samtale" in last
    # Every goal agreed, also the one without an action; the action links to its page.
    assert "Bli trygg i fagsystemet" in last and "Mer tid til faglig påfyll" in last
    assert "Ingen tiltak for dette målet." in last
    action = signed.goals.get(text="Bli trygg i fagsystemet").actions.get()
    assert reverse("action_detail", args=[action.pk]) in last
    assert reverse("conversation_detail", args=[signed.pk]) in body


def test_nobody_else_sees_it_on_their_home(client_for, signed):
    for role in ("leader", "hr", "admin", "other_employee"):
        body = client_for(role).get(reverse("home")).content.decode()
        assert "Bli trygg i fagsystemet" not in body, role
        assert 'id="last-agreed-heading"' not in body, role


def test_a_home_without_a_signed_conversation_has_no_such_card(client_for, conversation):
    body = client_for("employee").get(reverse("home")).content.decode()
    assert "Fra siste samtale" not in body


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_the_signed_conversations_page_lists_its_goals_and_actions(client_for, signed, role):
    body = client_for(role).get(reverse("conversation_detail", args=[signed.pk])).content
    agreed = _section(body.decode(), "agreed-heading")
    assert "Bli trygg i fagsystemet" in agreed and "Kurs i januar" in agreed
    assert "Mer tid til faglig påfyll" in agreed


def test_the_goals_are_not_on_the_page_for_anyone_but_the_parties(client_for, signed):
    for role in ("hr", "leaders_leader", "admin"):
        response = client_for(role).get(reverse("conversation_detail", args=[signed.pk]))
        assert "Bli trygg i fagsystemet" not in response.content.decode(), role


def test_its_open_actions_are_updated_on_the_home_page_itself(client_for, signed):
    action = signed.goals.get(text="Bli trygg i fagsystemet").actions.get()
    client = client_for("employee")
    last = _section(client.get(reverse("home")).content.decode(), "last-agreed-heading")
    assert f'action="{reverse("action_update", args=[action.pk])}"' in last
    # With JavaScript the card comes back in place; without, the page again, at the card.
    card = client.post(
        reverse("action_update", args=[action.pk]),
        {"status": "in_progress", "comment": "Meldt på kurset"},
        headers={"HX-Request": "true"},
    )
    assert card.status_code == 200 and f'id="action-{action.pk}"' in card.content.decode()
    action.refresh_from_db()
    assert action.status == "in_progress"
    back = client.post(
        reverse("action_update", args=[action.pk]),
        {"status": "done", "next": reverse("home") + f"#action-{action.pk}"},
    )
    assert back["Location"] == reverse("home") + f"#action-{action.pk}"
    last = _section(client.get(reverse("home")).content.decode(), "last-agreed-heading")
    # Done, it is a line again: nothing left to update there.
    assert f'action="{reverse("action_update", args=[action.pk])}"' not in last
