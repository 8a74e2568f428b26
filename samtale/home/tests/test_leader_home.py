"""The leader's home names which of their employees is missing a conversation (the coverage
page's rule) with none planned, and plans one from the row (issue 46, first-time task 5)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import Conversation
from testkit.people import goals_version, signed_conversation


def _row(body: str, name: str) -> str:
    row = next((r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if name in r), None)
    assert row, name
    return row


def test_the_row_of_an_employee_without_a_conversation_plans_one(client_for, people):
    employee = people.employee
    plan = f"{reverse('conversation_create')}?medarbeider={employee.pk}"
    body = client_for("leader").get(reverse("home")).content.decode()
    row = _row(body, employee.full_name)
    assert "Mangler samtale" in row and plan in row
    # The link opens the plan page with the employee chosen.
    page = client_for("leader").get(plan)
    assert page.status_code == 200
    assert page.context["form"].initial["employee"] == employee.pk


def test_a_planned_or_recent_conversation_takes_the_name_off(client_for, people):
    employee = people.employee
    conversation = Conversation.objects.create(
        employee=employee,
        leader=people.leader,
        guide_version=goals_version(),
        status=Conversation.Status.PLANNED,
        scheduled_at=timezone.now() + timedelta(days=10),
    )
    row = _row(client_for("leader").get(reverse("home")).content.decode(), employee.full_name)
    assert "Mangler samtale" not in row
    conversation.status = Conversation.Status.CANCELLED
    conversation.save()
    row = _row(client_for("leader").get(reverse("home")).content.decode(), employee.full_name)
    assert "Mangler samtale" in row
    # One signed a month ago (each person keeps when, from their conversations: org
    # migration 0005).
    signed_conversation(employee, people.leader, version=goals_version(), held_days_ago=30)
    row = _row(client_for("leader").get(reverse("home")).content.decode(), employee.full_name)
    assert "Mangler samtale" not in row


def test_someone_without_a_conversation_in_an_open_round_is_named_too(client_for, people):
    """Not missing by the coverage rule (signed a month ago), but a participant of an open
    round the leader holds theirs in, with none there: the round's own word, and the plan
    link; once planned, it counts in the round and the name comes off."""
    from samtale.conversations.services import lifecycle
    from samtale.rounds.models import Participant, Round

    employee = people.employee
    signed_conversation(employee, people.leader, version=goals_version(), held_days_ago=30)
    today = timezone.localdate()
    round_ = Round.objects.create(
        name="Medarbeidersamtaler",
        period_start=today,
        period_end=today + timedelta(days=90),
        guide=goals_version().guide,
    )
    Participant.objects.create(round=round_, person=employee, holder=people.leader)
    row = _row(client_for("leader").get(reverse("home")).content.decode(), employee.full_name)
    assert "Mangler samtale" not in row and "Ingen samtale i runden" in row
    assert f"{reverse('conversation_create')}?medarbeider={employee.pk}" in row
    lifecycle.conversation_plan(
        actor=people.leader,
        employee=employee,
        leader=people.leader,
        guide_version=goals_version(),
        scheduled_at=timezone.now() + timedelta(days=10),
    )
    row = _row(client_for("leader").get(reverse("home")).content.decode(), employee.full_name)
    assert "Ingen samtale i runden" not in row


def test_the_leaders_leader_sees_each_unit_below_with_its_figures(client_for, people):
    """Per unit below: the people, who is missing a conversation (coverage_q) and the
    overdue actions (overdue_q), as numbers."""
    from samtale.actions import selectors as action_selectors
    from samtale.actions.policy import actions_countable_by
    from samtale.org.policy import people_visible_to
    from samtale.rounds import coverage as rounds_coverage

    signed_conversation(
        people.employee,
        people.leader,
        [(timezone.localdate() - timedelta(days=5), "employee", "not_started")],
        version=goals_version(),
        held_days_ago=30,
    )
    page = client_for("leaders_leader").get(reverse("home"))
    rows = {row["unit_id"]: row for row in page.context["units_below"]}
    today = timezone.localdate()
    below = rounds_coverage.coverage_by_unit(
        people=people_visible_to(people.leaders_leader).exclude(pk=people.leaders_leader.pk),
        limits=rounds_coverage.coverage_limits(today=today),
    )
    assert below
    for unit in below:
        assert rows[unit["unit_id"]]["missing"] == unit["overdue"]
    overdue = action_selectors.overdue_by_unit(
        actions=actions_countable_by(people.leaders_leader), on=today
    )
    assert rows[people.employee.unit_id]["overdue"] == overdue[people.employee.unit_id] == 1
    body = page.content.decode()
    assert "Mangler samtale" in body and "Tiltak forfalt" in body


def test_the_units_below_say_what_an_overdue_action_is(client_for, people):
    """Issue 72: the number is defined where it is read, in each language."""
    definitions = {
        "nb": "«Tiltak forfalt»: åpne tiltak som har passert fristen i dag (verken utført "
        "eller lagt bort), avtalt i signerte samtaler fra alle år med dem som jobber i "
        "enheten nå.",
        "nn": "«Tiltak forfalne»: opne tiltak som har passert fristen i dag (verken utførte "
        "eller lagt bort), avtalte i signerte samtalar frå alle år med dei som arbeider i "
        "eininga no.",
        "en": "“Actions overdue”: open actions past their deadline today (neither done nor "
        "dropped), agreed in the signed conversations of any year with the people who work "
        "in the unit now.",
    }
    for language, definition in definitions.items():
        people.leaders_leader.language = language
        people.leaders_leader.save(update_fields=["language"])
        body = client_for("leaders_leader").get(reverse("home")).content.decode()
        assert definition in body, language
    # A leader without leaders below has no units below, and no definition of them.
    assert "Tiltak forfalt»:" not in client_for("leader").get(reverse("home")).content.decode()
