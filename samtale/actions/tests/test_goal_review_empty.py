"""Recording a goal's result without choosing one gets a message where the person is
looking, keeps what they wrote, and changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samtale.actions.models import Goal
from samtale.actions.tests.conftest import days
from samtale.conversations.models import Conversation


@pytest.fixture
def goal(people, signed, version):
    previous = signed(people.employee, people.leader, [(days(3), "employee", "in_progress")])
    Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status=Conversation.Status.PLANNED,
        scheduled_at=timezone.now() + timedelta(days=3),
    )
    return previous.goals.get()


def test_the_form_is_checked_by_the_server_not_only_the_browser(client_for, goal):
    upcoming = Conversation.objects.get(status="planned")
    body = client_for("leader").get(reverse("conversation_detail", args=[upcoming.pk]))
    html = body.content.decode()
    form = html[html.index(f'action="{reverse("goal_review", args=[goal.pk])}"') :]
    form = form[: form.index("</form>")]
    assert "novalidate" in form and f'hx-target="#previous-goal-{goal.pk}"' in form


def test_an_empty_result_with_htmx_says_so_beside_the_form_and_keeps_the_text(client_for, goal):
    response = client_for("employee").post(
        reverse("goal_review", args=[goal.pk]),
        {"learned": "Vi lærte mye"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<div class="previous-goal" id="previous-goal-{goal.pk}">')
    assert f'role="alert" id="result-error-{goal.pk}"' in body
    assert f'aria-describedby="result-error-{goal.pk}"' in body
    assert "<details open>" in body and "Vi lærte mye</textarea>" in body
    goal.refresh_from_db()
    assert (goal.result, goal.learned, goal.reviewed_at) == ("", "", None)


def test_a_result_with_htmx_answers_the_goal_with_its_result(client_for, goal):
    response = client_for("employee").post(
        reverse("goal_review", args=[goal.pk]),
        {"result": "partly", "learned": "Mer tid"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'role="status"' in body and 'class="ds-tag" data-color="warning"' in body
    assert "Tiltak 0 for Emma" in body  # the goal's actions are still listed
    assert Goal.objects.get(pk=goal.pk).result == "partly"


def test_an_empty_result_without_javascript_goes_back_to_the_goal_with_its_error(client_for, goal):
    upcoming = Conversation.objects.get(status="planned")
    page = reverse("conversation_detail", args=[upcoming.pk])
    client = client_for("leader")
    response = client.post(
        reverse("goal_review", args=[goal.pk]), {"next": f"{page}#previous-heading"}
    )
    # Back to the goal, its form open with the error beside it.
    anchor = f"previous-goal-{goal.pk}"
    assert response.status_code == 302 and response["Location"] == f"{page}#{anchor}"
    body = client.get(page).content.decode()
    assert f'id="result-error-{goal.pk}"' in body
    assert Goal.objects.get(pk=goal.pk).result == ""
