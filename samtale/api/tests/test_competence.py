"""The workplace's goals and the competence plans through the API (issue 48): what the web
shows, under the same policy, and the new fields of actions and goals."""

import pytest
from django.utils import timezone

from samtale.api.tests.helpers import api_as, signed_with_action
from samtale.competence import selectors as competence_selectors
from samtale.competence import services as competence_services
from samtale.needs.models import Need
from samtale.priorities.models import Priority
from testkit.people import make_union_rep

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_an_action_and_a_goal_say_what_they_serve_and_what_competence_they_are(people):
    conversation, action = signed_with_action(people)
    goal = Priority.objects.create(year=YEAR, unit=people.employee.unit, title="Ro i timene")
    conversation.goals.update(serves=goal)
    action.competence, action.cost = "course", 3000
    action.save()
    found = api_as(people.employee).get(f"/actions/{action.pk}").json()
    assert (found["competence"], found["cost"]) == ("course", 3000)
    detail = api_as(people.leader).get(f"/conversations/{conversation.pk}").json()
    (agreed,) = detail["goals"]
    assert agreed["serves"] == {"id": goal.pk, "title": "Ro i timene"}
    assert agreed["actions"][0]["competence"] == "course"


def test_the_workplaces_goals_are_read_as_the_web_reads_them(people):
    team = people.employee.unit
    Priority.objects.create(year=YEAR, unit=team, title="Ro i timene")
    Priority.objects.create(year=YEAR, unit=people.other_employee.unit, title="Ikke din")
    found = api_as(people.employee).get("/priorities", unit=team.pk).json()
    assert [g["title"] for g in found] == ["Ro i timene"]
    other = api_as(people.employee).get("/priorities", unit=people.other_employee.unit.pk)
    assert other.json() == []


def test_the_competence_plan_is_read_by_its_readers_and_no_one_else(people):
    team = people.employee.unit
    plan = competence_selectors.plan_of(unit=team, year=YEAR, needs=Need.objects.all())
    competence_services.plan_line_set(
        actor=people.leader, plan=plan, kind="course", priority="high", status="approved", note=""
    )
    competence_services.plan_comment_add(actor=people.leader, plan=plan, text="Kurs først")
    found = api_as(people.leader).get("/competence-plan", unit=team.pk, year=YEAR)
    assert found.status_code == 200
    body = found.json()
    assert body["withheld"]  # this year: published when it has ended
    course = next(row for row in body["rows"] if row["kind"] == "course")
    assert (course["agreed"], course["priority"], course["status"]) == (None, "high", "approved")
    assert [c["text"] for c in body["comments"]] == ["Kurs først"]
    union_rep = make_union_rep(people)
    assert api_as(union_rep).get("/competence-plan", unit=team.pk).status_code == 200
    assert api_as(people.employee).get("/competence-plan", unit=team.pk).status_code == 403
    assert api_as(people.other_leader).get("/competence-plan", unit=team.pk).status_code == 404
    assert api_as(people.admin).get("/competence-plan").status_code == 403
