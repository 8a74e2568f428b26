"""Acting on overdue actions in the pages: the leader's overdue list (an Ansvar column, a
filter for their own promises, and per row Minn på, Ny frist and Legg bort), the action's
page, and the employee's home with the reminded actions first. Plain forms that post and
go back with a message; refused, the action's page with what was typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samtale.actions import services
from samtale.actions.models import Action, ActionUpdate
from samtale.actions.tests.conftest import days
from samtale.org.models import Person

LIST = reverse("follow_up_pitfall", args=["forfalt"])


@pytest.fixture
def overdue(people, signed):
    """Emma's overdue actions with her leader: her own, both's and the leader's promise."""
    conversation = signed(
        people.employee,
        people.leader,
        [
            (days(-9), "employee", "in_progress"),
            (days(-6), "both", "not_started"),
            (days(-3), "leader", "in_progress"),
        ],
    )
    return {a.responsible: a for a in Action.objects.filter(goal__conversation=conversation)}


def _rows(body: str) -> list[str]:
    return re.findall(r"<tr>\s*<td.*?</tr>", body, re.S)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The overdue list --------------------------------------------------------------------------


def test_the_list_has_an_ansvar_column_and_the_three_actions_per_row(client_for, overdue):
    body = client_for("leader").get(LIST).content.decode()
    assert '<th scope="col">Ansvar</th>' in body
    rows = _rows(body)
    assert len(rows) == 3
    by_text = {a.responsible: next(r for r in rows if a.text in r) for a in overdue.values()}
    assert 'data-label="Ansvar">Medarbeideren<' in by_text["employee"]
    assert 'data-label="Ansvar">Begge<' in by_text["both"]
    assert 'data-label="Ansvar">Lederen<' in by_text["leader"]
    for responsible, row in by_text.items():
        action = overdue[responsible]
        # Minn på only where the employee answers for it; the leader's own promise has no one.
        assert (reverse("action_remind", args=[action.pk]) in row) == (responsible != "leader")
        assert reverse("action_deadline", args=[action.pk]) in row
        assert reverse("action_drop", args=[action.pk]) in row


def test_only_my_promises_lists_what_the_leader_answers_for(client_for, overdue):
    client = client_for("leader")
    body = client.get(LIST + "?mine=1").content.decode()
    assert overdue["leader"].text in body and overdue["both"].text in body
    rows = _rows(body)
    assert len(rows) == 2
    assert all(overdue["employee"].text not in row for row in rows)
    assert 'aria-current="page">Bare mine løfter</a>' in body
    assert re.search(r'<h1[^>]*id="pitfall-heading">2 ', body)


def test_the_filter_keeps_to_its_pages(client_for, people, signed):
    signed(people.employee, people.leader, [(days(-2), "leader", "in_progress")] * 26)
    signed(people.employee, people.leader, [(days(-2), "employee", "in_progress")] * 3)
    body = client_for("leader").get(LIST + "?mine=1").content.decode()
    assert "?mine=1&amp;side=2" in body
    second = client_for("leader").get(LIST + "?mine=1&side=2").content.decode()
    assert len(_rows(second)) == 1 and 'aria-current="page">Bare mine løfter' in second


def test_none_of_my_promises_says_so(client_for, people, signed):
    signed(people.employee, people.leader, [(days(-2), "employee", "in_progress")])
    body = client_for("leader").get(LIST + "?mine=1").content.decode()
    assert "Ingen av dine egne løfter er her akkurat nå." in body


def test_the_list_makes_the_same_queries_for_more_rows(client_for, people, signed):
    client = client_for("leader")
    signed(people.employee, people.leader, [(days(-2), "both", "in_progress")] * 2)

    def count():
        client.get(LIST)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        person = Person.objects.create_user(
            f"r{n}@test.example", None, first_name="R", last_name=str(n), manager=people.leader
        )
        signed(person, people.leader, [(days(-2), "both", "in_progress")] * 6)
    Action.objects.filter(leader=people.leader).update(reminded_at=timezone.now())
    assert count() == few


def test_hr_sees_who_answers_but_no_forms(client_for, overdue):
    body = client_for("hr").get(reverse("pitfall_list", args=["forfalt"])).content.decode()
    assert '<th scope="col">Ansvar</th>' in body and "Lederen" in body
    for action in overdue.values():
        assert action.text not in body
        assert f"/tiltak/{action.pk}/" not in body


# Reminding from the list -------------------------------------------------------------------


def test_reminding_from_the_list_goes_back_to_it_with_a_message_and_the_date(
    client_for, overdue, smtp, django_capture_on_commit_callbacks
):
    client = client_for("leader")
    action = overdue["employee"]
    back = LIST + "?mine=1"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("action_remind", args=[action.pk]), {"next": back}, follow=True
        )
    assert response.redirect_chain == [(back, 302)]
    assert _messages(response) == ["Påminnelse sendt til Emma Testesen."]
    body = client.get(LIST).content.decode()
    row = next(r for r in _rows(body) if action.text in r)
    assert f"Påminnet {timezone.localdate():%d.%m.}" in row
    assert reverse("action_remind", args=[action.pk]) not in row
    assert "Neste påminnelse fra" in row
    assert len(smtp.to(Action.objects.get(pk=action.pk).employee.email)) == 1


def test_a_second_reminder_in_the_week_is_refused_with_a_message(client_for, overdue):
    client = client_for("leader")
    url = reverse("action_remind", args=[overdue["both"].pk])
    client.post(url, {"next": LIST}, follow=True)
    response = client.post(url, {"next": LIST}, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    [message] = _messages(response)
    assert message.startswith(f"Påminnet {timezone.localdate():%d.%m.} — neste påminnelse")


@pytest.mark.parametrize(
    ("role", "status"),
    [("employee", 403), ("other_employee", 404), ("other_leader", 404), ("hr", 404)],
)
def test_only_the_leader_reminds_from_the_pages(client_for, overdue, role, status):
    action = overdue["employee"]
    response = client_for(role).post(reverse("action_remind", args=[action.pk]))
    assert response.status_code == status
    assert Action.objects.get(pk=action.pk).reminded_at is None


def test_the_leaders_leader_is_refused_as_any_other(client_for, overdue):
    for name in ("action_remind", "action_deadline", "action_drop"):
        url = reverse(name, args=[overdue["both"].pk])
        response = client_for("leaders_leader").post(
            url, {"deadline-deadline": "01.01.2099", "deadline-reason": "x", "drop-reason": "x"}
        )
        assert response.status_code == 404, name


def test_the_forms_are_only_posted(client_for, overdue):
    for name in ("action_remind", "action_deadline", "action_drop"):
        url = reverse(name, args=[overdue["both"].pk])
        assert client_for("leader").get(url).status_code == 405


# A new deadline and dropping ---------------------------------------------------------------


def test_a_new_deadline_from_the_list_goes_back_with_a_message(client_for, overdue):
    client = client_for("leader")
    action = overdue["leader"]
    new = days(21)
    response = client.post(
        reverse("action_deadline", args=[action.pk]),
        {
            "deadline-deadline": f"{new:%d.%m.%Y}",
            "deadline-reason": "Venter på budsjett",
            "next": LIST,
        },
        follow=True,
    )
    assert response.redirect_chain == [(LIST, 302)]
    assert _messages(response) == [f"Tiltaket har fått ny frist: {new:%d.%m.%Y}."]
    # No longer overdue: off the list.
    assert action.text not in response.content.decode()
    update = ActionUpdate.objects.get(action=action)
    assert (update.deadline_to, update.comment) == (new, "Venter på budsjett")
    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert f"ny frist {new:%d.%m.%Y} (var {days(-3):%d.%m.%Y})" in page
    assert "Venter på budsjett" in page


def test_a_new_deadline_without_a_reason_comes_back_with_what_was_typed(client_for, overdue):
    action = overdue["employee"]
    back = LIST + "?mine=1"
    response = client_for("leader").post(
        reverse("action_deadline", args=[action.pk]),
        {"deadline-deadline": "24.12.2099", "deadline-reason": "", "next": back},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Skriv hvorfor fristen flyttes." in body
    assert 'value="24.12.2099"' in body
    assert re.search(r"<details class=\"ds-details\" open>\s*<summary>Ny frist", body)
    # Put right and sent again, it goes on to the list it came from.
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in body
    assert Action.objects.get(pk=action.pk).deadline == days(-9)
    assert not ActionUpdate.objects.filter(action=action).exists()


def test_a_deadline_in_the_past_is_refused_at_its_field(client_for, overdue):
    action = overdue["employee"]
    response = client_for("leader").post(
        reverse("action_deadline", args=[action.pk]),
        {"deadline-deadline": f"{days(-1):%d.%m.%Y}", "deadline-reason": "Glemte det"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tidsfristen har allerede gått ut." in body and "Glemte det" in body


def test_dropping_from_the_list_takes_a_reason(client_for, overdue):
    client = client_for("leader")
    action = overdue["both"]
    refused = client.post(reverse("action_drop", args=[action.pk]), {"drop-reason": " "})
    assert refused.status_code == 400
    assert "Skriv hvorfor tiltaket legges bort." in refused.content.decode()
    response = client.post(
        reverse("action_drop", args=[action.pk]),
        {"drop-reason": "Ikke lenger aktuelt", "next": LIST},
        follow=True,
    )
    assert _messages(response) == ["Tiltaket er lagt bort."]
    assert Action.objects.get(pk=action.pk).status == "dropped"


# The action's page -------------------------------------------------------------------------


def test_the_actions_page_offers_the_leader_all_three(client_for, overdue):
    action = overdue["employee"]
    body = client_for("leader").get(reverse("action_detail", args=[action.pk])).content.decode()
    for name in ("action_remind", "action_deadline", "action_drop"):
        assert reverse(name, args=[action.pk]) in body
    assert "Emma Testesen får en e-post nå" in body


def test_the_employee_moves_and_drops_their_own_but_does_not_remind(client_for, overdue):
    client = client_for("employee")
    mine = client.get(reverse("action_detail", args=[overdue["employee"].pk])).content.decode()
    assert reverse("action_remind", args=[overdue["employee"].pk]) not in mine
    assert reverse("action_deadline", args=[overdue["employee"].pk]) in mine
    promise = client.get(reverse("action_detail", args=[overdue["leader"].pk])).content.decode()
    assert reverse("action_deadline", args=[overdue["leader"].pk]) not in promise
    refused = client.post(
        reverse("action_deadline", args=[overdue["leader"].pk]),
        {"deadline-deadline": "01.01.2099", "deadline-reason": "x"},
    )
    assert refused.status_code == 403


def test_a_reminded_action_says_when_and_when_the_next_can_go(client_for, people, overdue):
    action = overdue["employee"]
    services.action_remind(actor=people.leader, action=action)
    body = client_for("leader").get(reverse("action_detail", args=[action.pk])).content.decode()
    today = timezone.localdate()
    assert f"Påminnet {today:%d.%m.} av Leif Testesen" in body
    assert f"Påminnet {today:%d.%m.} — neste påminnelse kan sendes" in body
    assert reverse("action_remind", args=[action.pk]) not in body


def test_a_closed_action_offers_none_of_the_three(client_for, overdue):
    action = overdue["employee"]
    Action.objects.filter(pk=action.pk).update(status="done")
    body = client_for("leader").get(reverse("action_detail", args=[action.pk])).content.decode()
    for name in ("action_remind", "action_deadline", "action_drop"):
        assert reverse(name, args=[action.pk]) not in body


# The homes ---------------------------------------------------------------------------------


def test_the_employees_home_shows_the_reminded_action_first(client_for, people, overdue):
    action = overdue["both"]
    services.action_remind(actor=people.leader, action=action)
    body = client_for("employee").get(reverse("home")).content.decode()
    todo = body.split('id="todo-heading"', 1)[1]
    reminded = todo.index(reverse("action_detail", args=[action.pk]))
    assert reminded < todo.index("av tiltakene dine har passert fristen")
    assert f"Påminnet {timezone.localdate():%d.%m.}" in todo[: reminded + 500]
    assert "Leif Testesen minner deg på dette tiltaket." in todo


def test_an_update_since_the_reminder_takes_it_off_the_home(client_for, people, overdue):
    action = overdue["both"]
    services.action_remind(actor=people.leader, action=action)
    services.action_update(actor=people.employee, action=action, status="in_progress")
    body = client_for("employee").get(reverse("home")).content.decode()
    # Off what waits for the employee (it is still listed with last time's goals, below).
    waiting = body.split('id="todo-heading"', 1)[1].split("</section>", 1)[0]
    assert reverse("action_detail", args=[action.pk]) not in waiting
    assert "Påminnet" not in waiting


def test_my_actions_lists_the_reminded_first(client_for, people, overdue):
    services.action_remind(actor=people.leader, action=overdue["both"])
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    assert body.index(overdue["both"].text) < body.index(overdue["employee"].text)


def test_the_leaders_home_leads_to_the_overdue_list(client_for, overdue):
    body = client_for("leader").get(reverse("home")).content.decode()
    assert "3 tiltak i samtalene du holder, har passert fristen." in body
    assert f'href="{LIST}"' in body
    assert LIST not in client_for("other_leader").get(reverse("home")).content.decode()
