"""The workplace's priority goals: written once a year by the unit's leader (and HR), shown
in the theme the leader fills in of every conversation of the year (issue 48)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samtale.actions import agreement
from samtale.conversations.tests import summary_steps as steps
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.priorities import policy, selectors, services
from samtale.priorities.models import Priority
from testkit.people import planned_conversation

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def add(actor, unit, title, **extra):
    return services.priority_add(actor=actor, year=YEAR, unit=unit, title=title, **extra)


def test_a_leader_writes_the_goals_of_their_reports_unit_and_no_other(people):
    team = people.employee.unit
    goal = add(people.leader, team, "Færre avbrudd i undervisningen")
    assert (goal.order, goal.created_by) == (1, people.leader)
    assert add(people.leader, team, "Mer samarbeid").order == 2
    with pytest.raises(PermissionDenied):
        add(people.leader, people.other_employee.unit, "Ikke min enhet")
    with pytest.raises(PermissionDenied):
        add(people.leader, None, "Organisasjonens mål er HRs")
    with pytest.raises(PermissionDenied):
        add(people.employee, team, "En medarbeider skriver ikke enhetens mål")
    assert AuditEntry.objects.filter(action="priority.add").count() == 2


def test_hr_writes_the_organizations_goals_and_a_unit_goal_serves_one(people):
    mine = add(people.hr, None, "Nærvær")
    goal = add(people.leader, people.employee.unit, "Redusere sykefravær", parent=mine)
    assert goal.parent == mine
    with pytest.raises(DomainError) as refused:
        add(people.leader, people.employee.unit, "Tjener et enhetsmål", parent=goal)
    assert refused.value.field == "parent"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Mål", "kind": "wish"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(people, fields, field):
    with pytest.raises(DomainError) as refused:
        services.priority_add(actor=people.leader, year=YEAR, unit=people.employee.unit, **fields)
    assert refused.value.field == field
    assert not Priority.objects.exists()


def test_only_last_this_and_next_year_may_be_written(people):
    with pytest.raises(DomainError):
        services.priority_add(actor=people.hr, year=YEAR - 2, unit=None, title="For lenge siden")
    services.priority_add(actor=people.hr, year=YEAR + 1, unit=None, title="Neste år")


def test_who_reads_which_goals(people):
    team = add(people.leader, people.employee.unit, "Teamets mål")
    other = add(people.other_leader, people.other_employee.unit, "Avdeling 2s mål")
    organization = add(people.hr, None, "Organisasjonens mål")
    seen = {
        role: set(policy.priorities_visible_to(people.by_role(role)))
        for role in ("employee", "other_employee", "leader", "leaders_leader", "hr", "admin")
    }
    assert seen["employee"] == {team, organization}
    assert seen["other_employee"] == {other, organization}
    assert seen["leader"] == {team, organization}
    assert seen["leaders_leader"] == {team, other, organization}
    assert seen["hr"] == {team, other, organization}
    assert seen["admin"] == {organization}
    with pytest.raises(Http404):
        policy.get_priority_for(people.employee, other.pk)
    with pytest.raises(PermissionDenied):
        policy.get_priority_for(people.employee, team.pk, write=True)


def test_a_person_sees_their_units_goals_else_the_nearest_above_else_the_organizations(people):
    unit = people.employee.unit  # Team 1, in Avdeling 1, in Skole

    def for_unit(unit_id, year):
        person = Person(unit_id=unit_id)
        return selectors.for_person(person, year=year)

    assert for_unit(unit.pk, YEAR) is None
    add(people.hr, None, "Organisasjonens")
    assert for_unit(unit.pk, YEAR).unit is None
    add(people.hr, unit.parent.parent, "Skolens")
    assert for_unit(unit.pk, YEAR).unit == unit.parent.parent
    add(people.leaders_leader, unit.parent, "Avdelingens")
    assert for_unit(unit.pk, YEAR).unit == unit.parent
    add(people.leader, unit, "Teamets første")
    add(people.leader, unit, "Teamets andre")
    found = for_unit(unit.pk, YEAR)
    assert (found.unit, [g.title for g in found.goals]) == (
        unit,
        ["Teamets første", "Teamets andre"],
    )
    assert for_unit(unit.pk, YEAR + 1) is None
    assert for_unit(None, YEAR).unit is None


def test_last_years_goals_are_copied_once_serving_this_years_organization_goal(people):
    unit = people.employee.unit
    then = services.priority_add(actor=people.hr, year=YEAR - 1, unit=None, title="Nærvær")
    services.priority_add(
        actor=people.leader, year=YEAR - 1, unit=unit, title="Sykefravær ned", parent=then
    )
    now = add(people.hr, None, "Nærvær")
    [copy] = services.priorities_copy(actor=people.leader, unit=unit, year=YEAR)
    assert (copy.title, copy.year, copy.parent) == ("Sykefravær ned", YEAR, now)
    with pytest.raises(DomainError):
        services.priorities_copy(actor=people.leader, unit=unit, year=YEAR)


# The pages ---------------------------------------------------------------------------


def test_the_page_is_for_leaders_and_hr(client_for):
    url = reverse("priority_list")
    assert client_for("employee").get(url).status_code == 403
    assert client_for("admin").get(url).status_code == 403
    page = client_for("leader").get(url)
    assert page.status_code == 200
    assert "Team 1" in page.content.decode()


def test_a_leader_adds_changes_and_deletes_a_goal_on_the_page(people, client_for):
    client = client_for("leader")
    url = reverse("priority_list") + f"?year={YEAR}&enhet={people.employee.unit_id}"
    empty = client.get(url).content.decode()
    assert "har ingen mål" in empty or "has no goals" in empty
    answer = client.post(url, {"action": "add", "kind": "goal", "title": "Trygt læringsmiljø"})
    assert answer.status_code == 302
    goal = Priority.objects.get()
    assert "Trygt læringsmiljø" in client.get(url).content.decode()
    edit = reverse("priority_edit", args=[goal.pk])
    client.post(edit, {"kind": "focus", "title": "Trygt og godt læringsmiljø"})
    goal.refresh_from_db()
    assert (goal.kind, goal.title) == ("focus", "Trygt og godt læringsmiljø")
    # Without the tick nothing is deleted, and the page says why.
    refused = client.post(edit, {"action": "delete"}, follow=True)
    assert Priority.objects.exists()
    assert "Kryss av" in refused.content.decode() or "Tick the box" in refused.content.decode()
    client.post(edit, {"action": "delete", "confirm": "on"})
    assert not Priority.objects.exists()


def test_an_empty_goal_is_refused_on_the_page_with_its_message(people, client_for):
    url = reverse("priority_list") + f"?year={YEAR}&enhet={people.employee.unit_id}"
    page = client_for("leader").post(url, {"action": "add", "kind": "goal", "title": " "})
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.content.decode()
    assert not Priority.objects.exists()


def test_another_units_goal_is_not_found_and_not_changed(people, client_for):
    goal = add(people.other_leader, people.other_employee.unit, "Avdeling 2s mål")
    edit = reverse("priority_edit", args=[goal.pk])
    assert client_for("leader").get(edit).status_code == 404
    assert client_for("leader").post(edit, {"action": "delete"}).status_code == 404
    assert Priority.objects.filter(pk=goal.pk).exists()


def test_the_conversation_shows_the_units_goals_in_the_leaders_theme(people, client_for):
    conversation = planned_conversation(people)
    # Its year's goals (in the last ten days of a year, next year's).
    services.priority_add(
        actor=people.leader,
        year=timezone.localtime(conversation.scheduled_at).year,
        unit=people.employee.unit,
        title="Trygt læringsmiljø for alle",
    )
    for role in ("employee", "leader"):
        page = client_for(role).get(reverse("preparation", args=[conversation.pk]))
        assert "Trygt læringsmiljø for alle" in page.content.decode()
    meeting = client_for("leader").get(reverse("meeting", args=[conversation.pk]))
    assert "Trygt læringsmiljø for alle" in meeting.content.decode()


# An agreed goal serves one of them -----------------------------------------------------


def _ours_and_theirs(people):
    """A conversation planned with the employee, their unit's goal for its year, and another
    unit's."""
    conversation = planned_conversation(people)
    year = selectors.conversation_year(conversation)
    ours = services.priority_add(
        actor=people.leader, year=year, unit=people.employee.unit, title="Trygt læringsmiljø"
    )
    theirs = services.priority_add(
        actor=people.other_leader, year=year, unit=people.other_employee.unit, title="Ikke vårt"
    )
    return conversation, ours, theirs


def test_at_the_meeting_an_agreed_goal_serves_one_of_the_units_goals(people, client_for):
    conversation, ours, theirs = _ours_and_theirs(people)
    goal = agreement.goal_add(actor=people.leader, conversation=conversation, text="Mindre uro")
    client = client_for("leader")
    meeting = client.get(reverse("meeting", args=[conversation.pk])).content.decode()
    assert f'<option value="{ours.pk}">Trygt' in meeting and "Ikke vårt" not in meeting
    url = reverse("goal_serves", args=[goal.pk])
    answer = client.post(url, {"serves": ours.pk}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    goal.refresh_from_db()
    assert goal.serves == ours
    # Another unit's goal is refused with a message, and nothing changes.
    refused = client.post(url, {"serves": theirs.pk}, headers={"HX-Request": "true"})
    assert "Velg et av arbeidsplassens mål" in refused.content.decode() or "Choose one" in (
        refused.content.decode()
    )
    goal.refresh_from_db()
    assert goal.serves == ours
    client.post(url, {"serves": ""}, headers={"HX-Request": "true"})
    goal.refresh_from_db()
    assert goal.serves is None
    # The employee is a party too; someone else's leader is not.
    assert client_for("employee").post(url, {"serves": ours.pk}).status_code == 302
    assert client_for("other_leader").post(url, {"serves": ours.pk}).status_code == 404


def test_the_unit_goal_a_goal_serves_is_chosen_as_the_goal_is_added(people, client_for):
    """The choice is in the form that adds the goal, not only beside a goal once it exists."""
    conversation, ours, theirs = _ours_and_theirs(people)
    client = client_for("leader")
    meeting = client.get(reverse("meeting", args=[conversation.pk])).content.decode()
    form = meeting[meeting.index('class="card add-goal"') :]
    form = form[: form.index("</form>")]
    assert 'name="serves"' in form and f'<option value="{ours.pk}">Trygt' in form
    add_url = reverse("goal_add", args=[conversation.pk])
    client.post(add_url, {"text": "Mindre uro", "serves": ours.pk, "responsible": "employee"})
    assert conversation.goals.get().serves == ours
    # Another unit's goal: refused, and no goal is added.
    client.post(add_url, {"text": "Annet", "serves": theirs.pk, "responsible": "employee"})
    assert list(conversation.goals.values_list("text", flat=True)) == ["Mindre uro"]


def test_the_follow_up_counts_the_agreed_goals_serving_each_and_their_actions(people, client_for):
    conversation = steps.held(planned_conversation(people), people)
    year = selectors.conversation_year(conversation)
    ours = services.priority_add(
        actor=people.leader, year=year, unit=people.employee.unit, title="Trygt læringsmiljø"
    )
    idle = services.priority_add(
        actor=people.leader, year=year, unit=people.employee.unit, title="Ingen tjener meg"
    )
    goal = agreement.goal_add(
        actor=people.leader, conversation=conversation, text="Mindre uro", action_text="Kurs"
    )
    agreement.goal_serves_set(actor=people.leader, goal=goal, priority_id=ours.pk)
    steps.approve_and_sign(steps.submitted(conversation, people), people)
    page = client_for("leader").get(reverse("follow_up_goals") + f"?year={year}")
    rows = {goal.pk: count for goal, count in page.context["rows"] if goal.pk in (ours.pk, idle.pk)}
    assert (rows[ours.pk]["n_goals"], rows[ours.pk]["n_actions"], rows[ours.pk]["n_done"]) == (
        1,
        1,
        0,
    )
    assert rows[idle.pk] is None
    assert "0 av 1" in page.content.decode()
    # Another leader holds none of these conversations: nothing is counted for them.
    other = client_for("other_leader").get(reverse("follow_up_goals") + f"?year={year}")
    assert all(count is None for _goal, count in other.context["rows"])
