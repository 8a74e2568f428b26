"""Choosing a person or a unit by searching on the server (core.pickers): the search goes
through the access policy, shows at most 20 matches, and works without JavaScript as a
search field whose form comes back with the matches to choose from."""

import re

import pytest
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.core import pickers
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Person, Unit


@pytest.fixture
def guide(db):
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return Guide.objects.get(key="skjema-8-tema")


def _options(response) -> list[tuple[str, str]]:
    return re.findall(r'<u-option value="(\d+)">([^<]*)</u-option>', response.content.decode())


def _search(client, source, q, **params):
    return client.get(reverse("pick", args=[source]), {"q": q, **params})


def test_a_leader_finds_only_the_people_below_them(client_for, people):
    found = _options(_search(client_for("leader"), "plan-employee", "Testesen"))
    assert {int(pk) for pk, _label in found} == {people.employee.pk}
    assert found[0][1] == "Emma Testesen – Lærer, Team 1"


def test_hr_finds_anyone_by_name_email_employee_number_or_unit(client_for, people):
    client = client_for("hr")
    for query in ("espen", "other_employee@test", "104", "Avdeling 2 Espen"):
        found = {int(pk) for pk, _ in _options(_search(client, "plan-employee", query))}
        assert people.other_employee.pk in found, query


def test_at_most_twenty_matches_and_a_hint_that_there_are_more(client_for, people):
    Person.objects.bulk_create(
        Person(email=f"p{n}@test.example", first_name="Mange", last_name=f"Navn{n:02}")
        for n in range(30)
    )
    response = _search(client_for("hr"), "plan-employee", "Mange")
    assert len(_options(response)) == pickers.MAX_MATCHES
    assert "data-empty" in response.content.decode()  # "More match: write more of the name."


@pytest.mark.parametrize(
    ("role", "source", "status"),
    [
        ("anonymous", "plan-employee", 302),
        ("employee", "plan-employee", 403),
        ("employee", "plan-leader", 403),
        ("leader", "manager", 403),
        ("admin", "manager", 200),
        ("employee", "units", 200),
        ("hr", "no-such-source", 404),
    ],
)
def test_each_source_asks_the_policy(client_for, people, role, source, status):
    assert _search(client_for(role), source, "a").status_code == status


def test_adding_to_a_round_searches_only_a_round_the_user_manages(client_for, people, guide):
    from datetime import date

    from samtale.rounds.services import round_create

    round = round_create(
        actor=people.hr,
        name="Runde",
        guide=guide,
        kind="annual",
        units=[Unit.objects.get(code="E")],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert _search(client_for("hr"), "round-person", "a", runde=round.pk).status_code == 200
    # Olga holds conversations in it, so she sees the round, but may not add people to it.
    assert (
        _search(client_for("other_leader"), "round-person", "a", runde=round.pk).status_code == 403
    )
    assert _search(client_for("hr"), "round-person", "a").status_code == 404


# The plan form without JavaScript: the search field's text comes back as matches.


def _plan(client, guide, **data):
    return client.post(
        reverse("conversation_create"),
        {"guide": guide.pk, "duration_minutes": "", "place": "", "date": "", "time": "", **data},
    )


def test_a_typed_name_comes_back_as_matches_to_choose_from_and_nothing_is_saved(
    client_for, people, guide
):
    client = client_for("hr")
    response = _plan(client, guide, employee_sok="Testesen", leader=people.leader.pk, leader_sok="")
    body = response.content.decode()
    assert response.status_code == 200 and not Conversation.objects.exists()
    assert 'name="employee_valg"' in body and "ds-error-summary" in body
    assert f'value="{people.other_employee.pk}"' in body
    # Choosing one of them plans the conversation.
    response = _plan(
        client,
        guide,
        employee_sok="Testesen",
        employee_valg=people.employee.pk,
        leader=people.leader.pk,
    )
    assert response.status_code == 302
    assert Conversation.objects.get().employee == people.employee


def test_an_exact_email_or_employee_number_is_taken_at_once(client_for, people, guide):
    response = _plan(client_for("hr"), guide, employee_sok="103", leader_sok="leader@test.example")
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert (conversation.employee, conversation.leader) == (people.employee, people.leader)


def test_nobody_outside_the_policy_can_be_chosen_by_id_or_by_text(client_for, people, guide):
    client = client_for("leader")
    by_id = _plan(
        client, guide, employee=people.other_employee.pk, employee_sok="x", leader=people.leader.pk
    )
    by_pick = _plan(client, guide, employee_valg=people.other_employee.pk, leader=people.leader.pk)
    by_text = _plan(client, guide, employee_sok="104", leader=people.leader.pk)
    for response in (by_id, by_pick, by_text):
        assert response.status_code == 200
        assert 'name="employee_valg"' not in response.content.decode() or str(
            people.other_employee.pk
        ) not in re.findall(r'name="employee_valg" value="(\d+)"', response.content.decode())
    assert not Conversation.objects.exists()


def test_a_choice_whose_text_was_changed_afterwards_is_searched_again(client_for, people, guide):
    response = _plan(
        client_for("hr"),
        guide,
        employee=people.employee.pk,
        employee_sok="Espen",
        leader=people.leader.pk,
    )
    assert not Conversation.objects.exists()
    assert re.findall(r'name="employee_valg" value="(\d+)"', response.content.decode()) == [
        str(people.other_employee.pk)
    ]


def test_a_search_text_longer_than_any_name_gets_a_message_not_an_error(client_for, people, guide):
    # SQLite refuses a LIKE pattern this long: the field refuses it first.
    response = _plan(client_for("hr"), guide, employee_sok="Å" * 60_000, leader=people.leader.pk)
    assert response.status_code == 200 and not Conversation.objects.exists()
    assert "ds-error-summary" in response.content.decode()
    assert "100" in response.context["form"].errors["employee"][0]  # at most 100 characters


def test_the_plan_page_does_not_list_the_organization(client_for, people):
    Person.objects.bulk_create(
        Person(email=f"p{n}@test.example", first_name="Mange", last_name=f"Etternavn{n:03}")
        for n in range(300)
    )
    body = client_for("hr").get(reverse("conversation_create")).content.decode()
    assert "Etternavn" not in body and body.count("<option") < 20


def test_an_id_from_a_thousand_up_is_written_as_digits(client_for, people):
    """Ids are numbers, not amounts: 1212, never «1 212» (Norwegian thousands)."""
    Person.objects.create(
        id=123456,
        email="tusen@test.example",
        first_name="Tusen",
        last_name="Testesen",
        unit=people.employee.unit,
        manager=people.leader,
    )
    found = _options(_search(client_for("hr"), "plan-employee", "Tusen"))
    assert [pk for pk, _label in found] == ["123456"]


@pytest.mark.django_db
def test_a_chosen_id_is_sent_back_as_digits_however_large():
    """An id of 1,000 or more came back as "1 292" (localized) in the form shown again (the
    two-step save of a new line manager), and the save then refused it."""
    widget = pickers.PickerWidget("manager")
    widget.chosen_label = "Olga Testesen"
    html = widget.render("manager", (1292, None, ""))
    assert 'value="1292"' in html and "1\xa0292" not in html and "1 292" not in html
