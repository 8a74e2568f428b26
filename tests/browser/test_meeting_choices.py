"""A choice on the meeting screen is saved or refused where it can be seen, also when it is
made before the page's script (htmx) is there (issue 61): the first choice in "Tjener",
made right after the page loaded, was silently lost."""

import pytest

from samtale.actions import agreement
from samtale.actions.models import Goal
from samtale.conversations.models import Conversation
from samtale.priorities import selectors, services
from testkit.people import PASSWORD, planned_conversation


@pytest.fixture
def meeting(people):
    conversation = planned_conversation(people)
    year = selectors.conversation_year(conversation)
    unit_goal = services.priority_add(
        actor=people.leader, year=year, unit=people.employee.unit, title="Trygt læringsmiljø"
    )
    goal = agreement.goal_add(actor=people.leader, conversation=conversation, text="Mindre uro")
    return conversation, goal, unit_goal


def test_a_choice_made_before_htmx_has_come_is_sent_as_a_form_and_said_saved(
    visitor_factory, people, meeting
):
    conversation, goal, unit_goal = meeting
    visitor = visitor_factory("meeting-choice-early", width=390, height=844)
    visitor.login(people.leader.email, PASSWORD)
    page = visitor.page
    # htmx never comes: the page is as it is between its first paint and its scripts.
    page.route("**/htmx*.js*", lambda route: route.abort())
    visitor.expect_console_errors("htmx")
    visitor.goto(f"/samtaler/{conversation.pk}/mote/")
    assert page.evaluate("() => window.htmx === undefined")
    with page.expect_navigation():
        page.select_option(f"#serves-{goal.pk}", str(unit_goal.pk))
    page.locator(".messages [role=status]").get_by_text("Lagret").wait_for()
    assert Goal.objects.get(pk=goal.pk).serves_id == unit_goal.pk

    # A theme ticked covered the same way.
    with page.expect_navigation():
        page.check("#cover-motivasjon")
    page.locator(".messages [role=status]").get_by_text("Lagret").wait_for()
    assert "motivasjon" in Conversation.objects.get(pk=conversation.pk).covered_themes


def test_with_htmx_the_choice_is_said_saved_beside_it_and_to_a_screen_reader(
    visitor_factory, people, meeting
):
    conversation, goal, unit_goal = meeting
    visitor = visitor_factory("meeting-choice", width=1280, height=900)
    visitor.login(people.leader.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/mote/")
    page = visitor.page
    page.wait_for_function("() => window.htmx !== undefined")
    page.select_option(f"#serves-{goal.pk}", str(unit_goal.pk))
    page.locator(f"#serves-{goal.pk}-status").get_by_text("Lagret").wait_for()
    page.wait_for_function(
        "() => document.getElementById('announce').textContent.includes('Lagret')"
    )
    assert Goal.objects.get(pk=goal.pk).serves_id == unit_goal.pk
    # The choice keeps the focus through the swap.
    assert page.evaluate("() => document.activeElement.id") == f"serves-{goal.pk}"
    visitor.check("saved")
