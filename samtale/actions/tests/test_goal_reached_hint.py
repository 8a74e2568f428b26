"""A goal marked reached while one of its actions is still open (issue 61): the follow-up
says so beside it, as a hint; it never refuses the result."""

import pytest
from django.urls import reverse

from samtale.actions import services
from samtale.actions.models import Action
from samtale.actions.tests.conftest import days

HINT = 'data-hint="reached-open"'


@pytest.fixture
def action(people, signed):
    conversation = signed(people.employee, people.leader, [(days(10), "employee", "not_started")])
    return Action.objects.get(goal__conversation=conversation)


def test_reached_with_an_open_action_is_recorded_and_hinted_at(people, action, client_for):
    goal = services.goal_review(actor=people.employee, goal=action.goal, result="achieved")
    assert goal.result == "achieved" and goal.reached_with_open_actions
    page = client_for("employee").get(reverse("action_detail", args=[action.pk]))
    assert HINT in page.content.decode()


def test_no_hint_once_the_action_is_done_or_the_goal_only_partly_reached(
    people, action, client_for
):
    goal = services.goal_review(actor=people.employee, goal=action.goal, result="partly")
    assert not goal.reached_with_open_actions
    services.action_update(actor=people.leader, action=action, status="done")
    goal = services.goal_review(actor=people.employee, goal=action.goal, result="achieved")
    goal.refresh_from_db()
    assert not goal.reached_with_open_actions
    page = client_for("employee").get(reverse("action_detail", args=[action.pk]))
    assert HINT not in page.content.decode()
