"""The leader's home names which of their employees is missing a conversation (the coverage
page's rule) with none planned, and plans one from the row (issue 46, first-time task 5)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.demo.testing import goals_version, signed_conversation


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
    assert page.context["form"].initial["employee"] == str(employee.pk)


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
