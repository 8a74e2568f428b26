"""The unit's competence plan (issue 48): actions and shared needs marked as competence
needs, counted by kind as published, kept by the unit's leader, fed into the budget list."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from samtale.actions import agreement
from samtale.actions.models import Action, Goal
from samtale.competence import selectors, services
from samtale.competence.models import PlanLine
from samtale.conversations.models import Conversation
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.insight.publication import figures, publish
from samtale.insight.publication.measures import COMPETENCE, KINDS, SERVES
from samtale.needs import policy as needs_policy
from samtale.needs.models import Need
from samtale.org.models import Person
from samtale.org.selectors import position_of
from samtale.priorities.models import Priority
from testkit.people import goals_version, held_conversation, signed_conversation

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def signed_last_year(people, unit, *, n: int, version, kind="course", cost=1000, status="done"):
    """`n` new people in the unit under the leader, each with a conversation signed last
    year that agreed one action: a competence need of `kind` with its cost."""
    made = []
    for i in range(n):
        count = Person.objects.count()
        person = Person.objects.create(
            email=f"k{count}@test.example",
            first_name="K",
            last_name=str(count),
            unit=unit,
            manager=people.leader,
        )
        on = timezone.make_aware(datetime(LAST_YEAR, 5, 1, 12)) + timedelta(hours=i)
        conversation = Conversation.objects.create(
            employee=person,
            leader=people.leader,
            guide_version=version,
            status=Conversation.Status.SIGNED,
            held_at=on - timedelta(days=1),
            signed_at=on,
            counted_as=position_of(person_id=person.pk),
        )
        goal = Goal.objects.create(conversation=conversation, text="Faglig påfyll")
        Action.objects.create(
            goal=goal,
            text="Kurs i klasseledelse",
            employee=person,
            leader=people.leader,
            followed=True,
            status=status,
            competence=kind,
            cost=cost,
        )
        made.append(conversation)
    return made


def plan(user, unit, year=LAST_YEAR):
    return selectors.plan_of(unit=unit, year=year, needs=needs_policy.needs_visible_to(user))


# Marking an action or a need ------------------------------------------------------------


def test_an_action_is_marked_as_a_competence_need_in_the_meeting(people):
    conversation = held_conversation(people.employee, people.leader, version=_version())
    goal = agreement.goal_add(
        actor=people.leader,
        conversation=conversation,
        text="Bedre klasseledelse",
        action_text="Kurs i klasseledelse",
        competence="course",
        cost=4500,
    )
    action = goal.actions.get()
    assert (action.competence, action.cost) == ("course", 4500)
    with pytest.raises(DomainError) as refused:
        agreement.action_add(
            actor=people.leader,
            goal=goal,
            text="Noe",
            deadline=None,
            responsible="employee",
            cost=100,
        )
    assert refused.value.field == "competence"  # a cost with no kind says what it is for
    with pytest.raises(DomainError):
        agreement.action_competence_set(
            actor=people.leader, action=action, competence="party", cost=None
        )


def test_after_signing_those_who_follow_it_up_mark_it_and_no_one_else(people, client):
    conversation = signed_conversation(
        people.employee, people.leader, [(None, "employee", "not_started")], version=_version()
    )
    action = Action.objects.get(goal__conversation=conversation)
    client.force_login(people.employee)
    url = reverse("action_competence", args=[action.pk])
    response = client.post(url, {"competence-competence": "guidance", "competence-cost": "0"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.competence, action.cost) == ("guidance", 0)
    assert AuditEntry.objects.filter(action="action.competence").count() == 1
    # A refused one comes back on the action's page with the error at the field.
    response = client.post(url, {"competence-competence": "", "competence-cost": "500"})
    assert response.status_code == 400
    with translation.override("nb"):
        assert gettext("Choose the kind of competence need the cost is for.") in response.text
    client.force_login(people.other_leader)
    assert client.post(url, {"competence-competence": "course"}).status_code == 404
    with pytest.raises(PermissionDenied):
        agreement.action_competence_set(
            actor=people.hr, action=action, competence="course", cost=None
        )


def test_a_shared_need_says_which_kind_of_competence_and_the_register_keeps_it(people):
    from samtale.needs import services as needs_services

    conversation = held_conversation(people.employee, people.leader, version=_version())
    unit = people.employee.unit
    raised = needs_services.need_raise(
        actor=people.employee,
        conversation=conversation,
        category="competence",
        competence="further_education",
        text="Videreutdanning i spesialpedagogikk for flere",
        cost=40000,
        unit=unit,
    )
    assert raised.competence == "further_education"
    with pytest.raises(DomainError) as refused:
        needs_services.need_raise(
            actor=people.employee,
            conversation=conversation,
            category="equipment",
            competence="course",
            text="Nye PC-er",
            cost=None,
            unit=unit,
        )
    assert refused.value.field == "competence"
    raised.share = True
    raised.save()
    (need,) = needs_services.needs_register_from(conversation=conversation)
    assert (need.category, need.competence) == ("competence", "further_education")


def _version():
    return goals_version()


# Published, by kind ---------------------------------------------------------------------


def test_the_plan_counts_the_years_competence_needs_by_kind_as_published(people):
    version = _version()
    team = people.employee.unit
    signed_last_year(people, team, n=4, version=version, kind="course", cost=1000)
    signed_last_year(people, team, n=2, version=version, kind="guidance", cost=0)
    # Dropped, it is not counted; theme 3's answers are never read.
    signed_last_year(people, team, n=1, version=version, kind="training", status="dropped")
    publish.publish_due()
    found = plan(people.leader, team)
    assert found.figure.shown and found.figure.people == 6
    by_kind = {row.kind: (row.count, row.cost) for row in found.rows}
    assert by_kind == {
        "course": (4, 4000),
        "training": (0, 0),
        "further_education": (0, 0),
        "guidance": (2, 0),
    }
    assert (found.total_count, found.total_cost) == (6, 4000)


def test_a_unit_of_fewer_than_k_is_withheld_and_cannot_be_subtracted(people):
    version = _version()
    team, dept = people.employee.unit, people.employee.unit.parent
    signed_last_year(people, team, n=6, version=version)
    signed_last_year(people, dept, n=2, version=version, kind="guidance", cost=9000)
    publish.publish_due()
    small = plan(people.hr, dept)
    # Avdeling 1 holds Team 1's six and its own two: shown, it would give away the two by
    # subtracting Team 1; so Team 1 (the finer group) or the department is held back.
    team_plan, dept_plan = plan(people.hr, team), small
    assert not (team_plan.figure.shown and dept_plan.figure.shown)
    hidden = dept_plan if not dept_plan.figure.shown else team_plan
    assert all(row.count is None and row.cost is None for row in hidden.rows)
    assert hidden.figure.reason.code == "withheld"


def test_the_anonymity_solver_finds_no_one_in_the_competence_figures(people):
    """Every competence figure and served-goal figure published, as the sets of answers
    they sum over: no combination computes fewer than k people (insight's own solver)."""
    from samtale.insight.anonymity import min_group
    from samtale.insight.models import PublishedFigure
    from samtale.insight.publication.cells import ancestors, current_tree
    from samtale.insight.publication.solver import isolations

    version = _version()
    team, dept = people.employee.unit, people.employee.unit.parent
    other = people.other_employee.unit
    made = [
        *signed_last_year(people, team, n=5, version=version),
        *signed_last_year(people, dept, n=2, version=version, kind="training"),
        *signed_last_year(people, other, n=6, version=version, kind="guidance"),
        *signed_last_year(people, dept.parent, n=1, version=version),
    ]
    priority = Priority.objects.create(year=LAST_YEAR, unit=None, title="Et godt læringsmiljø")
    Goal.objects.filter(conversation__in=made).update(serves=priority)
    publish.publish_due()
    tree = current_tree()
    owner = {c.pk: c.employee_id for c in made}
    unit_of = {c.pk: c.counted_as["unit"] for c in made}
    for measure in (COMPETENCE, f"{SERVES}{priority.pk}"):
        sets = []
        for group in PublishedFigure.objects.filter(
            measure=measure, people__isnull=False
        ).values_list("group", flat=True):
            kind, _, rest = group.partition(":")
            if kind != "u":
                continue
            sets.append(
                {c for c, u in unit_of.items() if rest == "org" or int(rest) in ancestors(u, tree)}
            )
        assert sets, measure
        assert isolations(owner, sets, k=min_group()) == [], measure


def test_served_goals_are_published_by_how_far_their_actions_have_come(people):
    version = _version()
    team = people.employee.unit
    done = signed_last_year(people, team, n=3, version=version, status="done")
    begun = signed_last_year(people, team, n=2, version=version, status="in_progress")
    signed_last_year(people, team, n=1, version=version, status="not_started")
    priority = Priority.objects.create(year=LAST_YEAR, unit=team, title="Ro i klasserommet")
    Goal.objects.filter(conversation__employee__unit=team).update(serves=priority)
    publish.publish_due()
    found = figures.figures(
        measures=[f"{SERVES}{priority.pk}"],
        groups=[figures.unit_group(team.pk)],
        years=[LAST_YEAR],
    )
    figure = found[(LAST_YEAR, f"{SERVES}{priority.pk}", figures.unit_group(team.pk))]
    assert (figure.people, figure.counts) == (len(done) + len(begun) + 1, (3, 2, 1))
    # HR reads them in the unit's plan; the leader's leader too, for a unit below them.
    for reader in (people.hr, people.leaders_leader):
        assert plan(reader, team).served == [(priority, figure)]


# Kept by the leader, fed into the budget list --------------------------------------------


def test_the_leader_puts_a_kind_in_the_budget_and_the_register_has_it(people, client):
    version = _version()
    team = people.employee.unit
    signed_last_year(people, team, n=5, version=version, cost=2000)
    publish.publish_due()
    client.force_login(people.leader)
    url = reverse("competence_plan") + f"?year={LAST_YEAR}&enhet={team.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert "10\xa0000 kr" in response.text or "10 000 kr" in response.text
    response = client.post(
        url,
        {
            "action": "line:course",
            "course-priority": "high",
            "course-status": "budget",
            "course-note": "Alle på teamet",
        },
    )
    assert response.status_code == 302
    line = PlanLine.objects.get(unit=team, year=LAST_YEAR, kind="course")
    need = line.need
    assert (need.status, need.cost, need.competence, need.from_plan) == (
        Need.Status.BUDGET,
        10000,
        "course",
        True,
    )
    # The leader finds it in the budget list (their needs register), HR too.
    assert needs_policy.needs_visible_to(people.leader).filter(pk=need.pk).exists()
    assert needs_policy.needs_visible_to(people.other_leader).filter(pk=need.pk).exists() is False
    # The need follows the line's status.
    found = plan(people.leader, team)
    services.plan_line_set(
        actor=people.leader, plan=found, kind="course", priority="high", status="done", note=""
    )
    need.refresh_from_db()
    assert need.status == Need.Status.DONE
    assert Need.objects.filter(from_plan=True).count() == 1


def test_only_the_plans_keepers_keep_it_and_comment(people, client):
    team = people.employee.unit
    found = plan(people.other_leader, team)
    with pytest.raises(PermissionDenied):
        services.plan_line_set(
            actor=people.other_leader,
            plan=found,
            kind="course",
            priority="high",
            status="budget",
            note="",
        )
    with pytest.raises(PermissionDenied):
        services.plan_comment_add(actor=people.employee, plan=found, text="Hei")
    services.plan_comment_add(actor=people.leader, plan=found, text="Vi prioriterer kurs")
    services.plan_comment_add(actor=people.hr, plan=found, text="Sett av midler")
    assert [c.text for c in plan(people.hr, team).comments] == [
        "Vi prioriterer kurs",
        "Sett av midler",
    ]
    with pytest.raises(DomainError):
        services.plan_comment_add(actor=people.hr, plan=found, text="   ")
    client.force_login(people.employee)
    assert client.get(reverse("competence_plan")).status_code == 403
    client.force_login(people.other_leader)
    other = reverse("competence_plan") + f"?year={LAST_YEAR}&enhet={team.pk}"
    assert client.get(other).status_code == 404
    client.force_login(people.admin)
    assert client.get(reverse("competence_plan")).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_the_plan_downloads(people, client, fmt):
    version = _version()
    team = people.employee.unit
    signed_last_year(people, team, n=5, version=version, cost=2000)
    publish.publish_due()
    client.force_login(people.leader)
    response = client.get(
        reverse("competence_plan") + f"?year={LAST_YEAR}&enhet={team.pk}&format={fmt}"
    )
    assert response.status_code == 200
    name = f"kompetanseplan-{slugify(team.name)}-{LAST_YEAR}.{fmt}"
    assert name in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "10000" in text and "Team 1" in text
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="download.competence_plan").count() == 1


def test_the_page_says_why_the_current_year_has_no_figures_yet(people, client):
    client.force_login(people.hr)
    response = client.get(reverse("competence_plan"))
    assert response.status_code == 200
    with translation.override("nb"):
        assert str(figures.withheld("year_open").text) in response.text
    assert response.text.count('class="ds-details"') == len(KINDS)  # HR keeps each kind


# Union representatives --------------------------------------------------------------


def test_a_union_representative_reads_and_comments_on_their_units_plans_and_keeps_none(
    people, client
):
    from testkit.people import make_union_rep

    version = _version()
    team = people.employee.unit
    signed_last_year(people, team, n=5, version=version, cost=2000)
    publish.publish_due()
    union_rep = make_union_rep(people)  # for the school, over Team 1
    client.force_login(union_rep)
    url = reverse("competence_plan") + f"?year={LAST_YEAR}&enhet={team.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert "10\xa0000 kr" in response.text or "10 000 kr" in response.text
    assert 'name="action" value="line:course"' not in response.text  # no keeping
    response = client.post(url, {"action": "comment", "comment-text": "Kurs for alle"})
    assert response.status_code == 302
    assert [c.author for c in plan(people.hr, team).comments] == [union_rep]
    response = client.post(
        url,
        {"action": "line:course", "course-priority": "high", "course-status": "budget"},
    )
    assert response.status_code == 403
    assert not PlanLine.objects.exists()
    # Not elected for the central administration: its plan is not there for them.
    central = people.hr.unit
    elsewhere = reverse("competence_plan") + f"?year={LAST_YEAR}&enhet={central.pk}"
    assert client.get(elsewhere).status_code == 404
    # The organization's plan they read (published figures), but comment on it only when
    # elected for the whole organization.
    org_url = reverse("competence_plan") + f"?year={LAST_YEAR}&enhet=org"
    assert client.get(org_url).status_code == 200
    refused = client.post(org_url, {"action": "comment", "comment-text": "Hei"})
    assert refused.status_code == 403


def test_a_union_representative_reads_the_published_answers_of_their_units_only(people, client):
    from testkit.people import make_union_rep

    union_rep = make_union_rep(people, unit=people.leader.unit)  # Avdeling 1 and Team 1
    client.force_login(union_rep)
    response = client.get(reverse("likert_results"))
    assert response.status_code == 200
    # Starting at the whole organization, as HR (issue 72): their units below it
    # (samtale/insight/tests/test_union_rep.py).
    assert response.context["node"] == "organization"
    assert client.get(reverse("status_analysis")).status_code == 302
    other = people.other_employee.unit
    assert client.get(reverse("likert_results") + f"?enhet={other.pk}").status_code == 404
    team = people.employee.unit
    assert client.get(reverse("likert_results") + f"?enhet={team.pk}").status_code == 200
    # Nothing of a conversation, an action or a need.
    assert client.get(reverse("need_list")).status_code == 403
    assert client.get(reverse("follow_up")).status_code == 403
    assert client.get(reverse("rating_fairness")).status_code == 403


def test_a_union_representative_finds_their_own_units_plan_one_click_from_home(people, client):
    from testkit.people import make_union_rep

    union_rep = make_union_rep(people)  # works in Avdeling 2, elected for the school
    client.force_login(union_rep)
    home = client.get("/")
    own = union_rep.unit
    link = reverse("competence_plan") + f"?enhet={own.pk}"
    assert link in home.text and f"Planen for din enhet, {own.name}" in home.text
    # The link gives the unit alone: the plan opens on it, at the year shown by default.
    opened = client.get(link)
    assert opened.status_code == 200
    assert own.name in opened.text
    # Elected for the unit they work in: "Kompetanseplan" already opens on it.
    type(union_rep).objects.filter(pk=union_rep.pk).update(union_unit=own)
    assert f"?enhet={own.pk}" not in client.get("/").text
