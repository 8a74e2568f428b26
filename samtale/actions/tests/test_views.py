from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samtale.actions.models import Action, ActionUpdate
from samtale.actions.tests.conftest import days
from samtale.org.models import Person


def _reports(people, signed, n, start=0, actions=10):
    for i in range(n):
        person = Person.objects.create_user(
            f"r{start + i}@test.example",
            None,
            first_name="Rapport",
            last_name=f"{start + i:03d}",
            manager=people.leader,
        )
        signed(
            person,
            people.leader,
            [(days(i % 7 - 3), "employee", "in_progress") for _ in range(actions)],
        )


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session also refreshes the session row
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_page_costs_the_same_queries_for_more_reports_and_actions(
    client_for, people, signed
):
    client = client_for("leader")
    _reports(people, signed, 2)
    few = _queries(client, reverse("follow_up"))
    _reports(people, signed, 18, start=100, actions=15)
    many = _queries(client, reverse("follow_up"))
    assert many == few, f"{few} queries for 2 reports, {many} for 20"


def test_the_overview_lists_reports_with_attention_first_and_expands_with_htmx(
    client_for, people, signed
):
    signed(people.employee, people.leader, [(days(-2), "employee", "in_progress")])
    client = client_for("leader")
    body = client.get(reverse("follow_up")).content.decode()
    assert "Emma Testesen" in body
    fragment = client.get(
        reverse("follow_up_person", args=[people.employee.pk]), headers={"HX-Request": "true"}
    )
    text = fragment.content.decode()
    assert "<html" not in text and "Tiltak 0 for Emma" in text


def test_the_overview_hides_a_report_of_another_leader(client_for, people, signed):
    signed(people.other_employee, people.other_leader, [(days(3), "employee", "in_progress")])
    body = client_for("leader").get(reverse("follow_up")).content.decode()
    assert "Espen" not in body


def test_my_actions_shows_mine_and_what_my_leader_promised(client_for, people, signed):
    signed(
        people.employee,
        people.leader,
        [(days(3), "employee", "not_started"), (days(9), "leader", "in_progress")],
    )
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    mine, promised = body.index("Tiltak 0 for Emma"), body.index("Tiltak 1 for Emma")
    assert mine < promised
    leader_body = client_for("leader").get(reverse("my_actions")).content.decode()
    assert "Tiltak 1 for Emma" in leader_body and "Tiltak 0 for Emma" not in leader_body


def test_an_update_with_htmx_answers_the_card_and_both_see_it(client_for, people, signed):
    conversation = signed(people.employee, people.leader, [(days(3), "employee", "not_started")])
    action = Action.objects.get(goal__conversation=conversation)
    response = client_for("employee").post(
        reverse("action_update", args=[action.pk]),
        {"status": "in_progress", "comment": "I gang"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and f'id="action-{action.pk}"' in response.content.decode()
    detail = client_for("leader").get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "I gang" in detail
    assert ActionUpdate.objects.get().actor == people.employee


def test_a_bad_update_gets_a_message_and_changes_nothing(client_for, people, signed):
    conversation = signed(people.employee, people.leader, [(days(3), "employee", "not_started")])
    action = Action.objects.get(goal__conversation=conversation)
    response = client_for("employee").post(
        reverse("action_update", args=[action.pk]),
        {"status": "not_started", "comment": ""},
        headers={"HX-Request": "true"},
    )
    assert 'role="alert"' in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_the_overview_cards_escape_what_people_type(client_for, people, signed):
    Person.objects.filter(pk=people.employee.pk).update(
        first_name='<script>alert("x")</script>', job_title="R&D"
    )
    signed(
        Person.objects.get(pk=people.employee.pk),
        people.leader,
        [(days(3), "employee", "in_progress")],
    )
    body = client_for("leader").get(reverse("follow_up")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body and "R&amp;D" in body


def test_a_refused_update_keeps_the_typed_comment_with_and_without_javascript(
    client_for, people, signed
):
    conversation = signed(people.employee, people.leader, [(days(3), "employee", "not_started")])
    action = Action.objects.get(goal__conversation=conversation)
    url = reverse("action_update", args=[action.pk])
    htmx = client_for("employee").post(
        url, {"status": "finished", "comment": "Mitt notat"}, headers={"HX-Request": "true"}
    )
    assert "Mitt notat" in htmx.content.decode()
    assert '<details class="ds-details" open>' in htmx.content.decode()
    plain = client_for("employee").post(url, {"status": "finished", "comment": "Mitt notat"})
    assert plain.status_code == 400 and "Mitt notat" in plain.content.decode()
    assert not ActionUpdate.objects.exists()


def test_a_reports_actions_link_keeps_the_overviews_filters(client_for, people, signed):
    signed(people.employee, people.leader, [(days(3), "leader", "in_progress")])
    body = (
        client_for("leader")
        .get(reverse("follow_up"), {"status": "in_progress", "responsible": "leader"})
        .content.decode()
    )
    link = reverse("follow_up_person", args=[people.employee.pk])
    assert f'href="{link}?status=in_progress&amp;responsible=leader"' in body
    assert f'href="{reverse("person_detail", args=[people.employee.pk])}"' in body
