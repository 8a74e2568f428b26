"""Mine tiltak and a report's action list show the open actions first, and below them, folded
away with their number, the done and dropped ones."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samtale.actions.models import Action
from samtale.actions.tests.conftest import days
from samtale.org.models import Person

OPEN_AND_CLOSED = [
    (days(3), "employee", "in_progress"),
    (days(-30), "employee", "done"),
    (days(-10), "leader", "dropped"),
    (days(5), "both", "done"),
]


def _closed(body: str) -> str:
    found = re.search(r'<details class="closed-actions">.*?</details>', body, re.S)
    assert found is not None
    return found.group(0)


def test_my_actions_show_the_done_and_dropped_folded_away_with_their_number(
    client_for, people, signed
):
    signed(people.employee, people.leader, OPEN_AND_CLOSED)
    Person.objects.filter(pk=people.employee.pk).update(language="en")
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    closed = _closed(body)
    assert "<summary>Done and dropped actions (3)</summary>" in closed
    for n in (1, 2, 3):
        assert f"Tiltak {n} for Emma" in closed
    assert "Tiltak 0 for Emma" not in closed
    assert body.index("Tiltak 0 for Emma") < body.index('<details class="closed-actions">')


def test_the_fold_reads_in_norwegian(client_for, people, signed):
    """Needs the lead's translation of "Done and dropped actions (%(n)s)"."""
    signed(people.employee, people.leader, OPEN_AND_CLOSED)
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    assert "<summary>Fullførte og bortlagte tiltak (3)</summary>" in _closed(body)


def test_a_leaders_closed_promises_are_among_theirs_but_not_the_employees_own(
    client_for, people, signed
):
    signed(people.employee, people.leader, OPEN_AND_CLOSED)
    closed = _closed(client_for("leader").get(reverse("my_actions")).content.decode())
    assert "(2)</summary>" in closed  # what the leader was responsible for, alone or with Emma
    assert "Tiltak 2 for Emma" in closed and "Tiltak 3 for Emma" in closed
    assert "Tiltak 1 for Emma" not in closed


def test_nothing_done_or_dropped_shows_no_fold(client_for, people, signed):
    signed(people.employee, people.leader, [(days(3), "employee", "in_progress")])
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    assert "closed-actions" not in body


def test_a_reports_list_shows_the_done_and_dropped_below_the_open(client_for, people, signed):
    signed(people.employee, people.leader, OPEN_AND_CLOSED)
    signed(people.employee, people.other_leader, [(days(-3), "employee", "done")])
    client = client_for("leader")
    url = reverse("follow_up_person", args=[people.employee.pk])
    for response in (client.get(url), client.get(url, headers={"HX-Request": "true"})):
        body = response.content.decode()
        closed = _closed(body)
        assert "(3)</summary>" in closed and "<details open" not in body
        assert body.index("Tiltak 0 for Emma") < body.index('<details class="closed-actions">')
    # The other filters narrow both; a status filter shows just what it asks for.
    closed = _closed(client.get(url, {"responsible": "leader"}).content.decode())
    assert "(1)</summary>" in closed and "Tiltak 2 for Emma" in closed
    assert "closed-actions" not in client.get(url, {"status": "in_progress"}).content.decode()


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_cost_the_same_queries_for_more_closed_actions(client_for, people, signed):
    signed(people.employee, people.leader, OPEN_AND_CLOSED)
    employee, leader = client_for("employee"), client_for("leader")
    person_url = reverse("follow_up_person", args=[people.employee.pk])
    few = (_queries(employee, reverse("my_actions")), _queries(leader, person_url))
    for _ in range(5):
        signed(people.employee, people.leader, OPEN_AND_CLOSED)
    many = (_queries(employee, reverse("my_actions")), _queries(leader, person_url))
    assert many == few
    assert Action.objects.filter(status__in=["done", "dropped"]).count() == 18


def test_my_actions_list_the_latest_fifty_of_many(client_for, people, signed):
    signed(people.employee, people.leader, [(days(-1), "employee", "done")] * 55)
    Person.objects.filter(pk=people.employee.pk).update(language="en")
    closed = _closed(client_for("employee").get(reverse("my_actions")).content.decode())
    assert "Done and dropped actions (55)" in closed
    assert len(re.findall(r"<tr><td", closed)) == 50 and "Showing the latest 50." in closed


def test_a_leaders_actions_list_the_first_twenty_promises_of_many_in_the_same_queries(
    client_for, people, signed
):
    promise = (days(4), "leader", "not_started")
    signed(people.employee, people.leader, [promise] * 3 + OPEN_AND_CLOSED)
    leader = client_for("leader")
    few = _queries(leader, reverse("my_actions"))
    signed(people.employee, people.leader, [promise] * 25)
    assert _queries(leader, reverse("my_actions")) == few
    body = leader.get(reverse("my_actions")).content.decode()
    given = body[
        body.index('id="given-heading"') : body.index("</section>", body.index("given-heading"))
    ]
    assert '<span class="ds-tag" data-color="neutral">28</span>' in given
    assert len(re.findall(r"<tr><td", given)) == 20 and "?responsible=leader" in given
