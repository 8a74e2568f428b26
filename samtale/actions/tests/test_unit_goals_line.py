"""The follow-up of the unit's goals for a leader's leader (issue 72): every unit in her line,
counted over the signed conversations of everyone below her, whoever holds them; a plain
leader still counts the conversations they hold; nobody counts a unit outside their line."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from samtale.actions import agreement
from samtale.conversations.services.lifecycle import conversation_plan
from samtale.conversations.tests import summary_steps as steps
from samtale.priorities import selectors as priority_selectors
from samtale.priorities import services as priorities
from testkit.people import planned_conversation

pytestmark = pytest.mark.django_db

URL = reverse("follow_up_goals")


def signed_serving(pair, conversation, priority, *, text: str):
    """`conversation` held, with one agreed goal (and its action) serving `priority`,
    summarized, approved and signed by the pair (.leader, .employee)."""
    conversation = steps.held(conversation, pair)
    goal = agreement.goal_add(
        actor=pair.leader, conversation=conversation, text=text, action_text="Kurs"
    )
    agreement.goal_serves_set(actor=pair.leader, goal=goal, priority_id=priority.pk)
    return steps.approve_and_sign(steps.submitted(conversation, pair), pair)


@pytest.fixture
def served(people):
    """A goal of Team 1 (two levels below the leader's leader), served by the leader's
    conversation with the employee; a goal of the school, served by the other leader's
    conversation with the other employee (Avdeling 2 has none of its own); a goal of
    Avdeling 1 that nothing serves."""
    mine = planned_conversation(people)
    year = priority_selectors.conversation_year(mine)
    team = priorities.priority_add(
        actor=people.leader, year=year, unit=people.employee.unit, title="Ro i timene"
    )
    school = priorities.priority_add(
        actor=people.leaders_leader, year=year, unit=people.leaders_leader.unit, title="Lesing"
    )
    idle = priorities.priority_add(
        actor=people.leader, year=year, unit=people.leader.unit, title="Ingen ennå"
    )
    signed_serving(people, mine, team, text="Mindre uro")
    other = SimpleNamespace(leader=people.other_leader, employee=people.other_employee)
    theirs = conversation_plan(
        actor=people.other_leader,
        employee=people.other_employee,
        leader=people.other_leader,
        guide_version=mine.guide_version,
        scheduled_at=timezone.now() + timedelta(days=10),
    )
    signed_serving(other, theirs, school, text="Lese mer")
    return SimpleNamespace(year=year, team=team, school=school, idle=idle)


def rows_for(client, year) -> tuple[dict, str]:
    page = client.get(URL, {"year": year})
    assert page.status_code == 200
    rows = {goal.pk: counts for goal, counts in page.context["rows"]}
    return rows, page.content.decode()


def counted(counts) -> tuple:
    return (
        (0, 0, 0) if counts is None else (counts["n_goals"], counts["n_actions"], counts["n_done"])
    )


def test_a_leaders_leader_counts_the_goals_agreed_anywhere_in_her_line(served, client_for):
    rows, page = rows_for(client_for("leaders_leader"), served.year)
    # Team 1 is two levels below her, and she holds neither conversation: counted all the same.
    assert counted(rows[served.team.pk]) == (1, 1, 0)
    assert counted(rows[served.school.pk]) == (1, 1, 0)
    assert served.idle.pk in rows and rows[served.idle.pk] is None
    # The page says what it counts: the conversations in her units, not those she holds.
    assert "Enhetenes mål i oppfølgingen" in page
    assert "avtalt i signerte samtaler i enhetene dine" in page
    assert "alle under deg i linjen, uansett hvem som holder dem" in page
    assert "samtaler du holder" not in page
    assert "0 av 1 tiltak" in page


def test_a_plain_leader_counts_only_the_conversations_they_hold(served, client_for):
    rows, page = rows_for(client_for("leader"), served.year)
    assert counted(rows[served.team.pk]) == (1, 1, 0)
    # The school's goal is theirs to read (a unit above), but the conversation serving it is
    # the other leader's: nothing of it is counted here.
    assert rows[served.school.pk] is None
    assert served.idle.pk in rows and rows[served.idle.pk] is None
    assert "Enhetens mål i oppfølgingen" in page
    assert "målene som er avtalt i signerte samtaler du holder" in page
    assert "enhetene dine" not in page


def test_nobody_outside_the_line_reads_or_counts_its_units(served, client_for):
    rows, page = rows_for(client_for("other_leader"), served.year)
    # Another department and its team: neither listed nor counted.
    assert served.team.pk not in rows and served.idle.pk not in rows
    assert "Ro i timene" not in page and "Avdeling 1" not in page
    assert counted(rows[served.school.pk]) == (1, 1, 0)  # the conversation they hold
    # HR and the employees follow nobody up: the page is not theirs.
    for role in ("hr", "employee", "other_employee"):
        response = client_for(role).get(URL, {"year": served.year})
        assert response.status_code in (302, 403), role
