import pytest
from django.urls import reverse

from samtale.org.models import Person, Unit


def _person_form(**extra):
    data = {
        "first_name": "Nina",
        "last_name": "Ny",
        "email": "nina.ny@test.example",
        "employee_number": "",
        "job_title": "Lærer",
        "profession_group": "Undervisning",
        "employment_type": "permanent",
        "start_date": "01.08.2026",
        "end_date": "",
        "unit": "",
        "manager_sok": "",
        "language": "nb",
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_a_leader_lists_their_people_and_nobody_else(client_for):
    body = client_for("leader").get(reverse("person_list")).content.decode()
    assert "Emma Testesen" in body
    assert "Espen Testesen" not in body


def test_the_list_searches_by_name_and_answers_htmx_with_the_fragment(client_for):
    client = client_for("admin")
    response = client.get(reverse("person_list"), {"q": "Espen"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Espen Testesen" in body
    assert "Emma Testesen" not in body
    assert "<html" not in body
    assert 'id="results"' in body


def test_the_list_filters_by_unit_including_the_units_below(client_for, people):
    response = client_for("admin").get(reverse("person_list"), {"unit": people.leader.unit_id})
    body = response.content.decode()
    assert "Emma Testesen" in body and "Leif Testesen" in body
    assert "Espen Testesen" not in body


def test_the_list_has_pages_of_25(client_for, people):
    for n in range(60):
        Person.objects.create_user(
            f"p{n}@test.example", None, first_name="Per", last_name=f"Nr{n:02d}"
        )
    client = client_for("admin")
    first = client.get(reverse("person_list")).content.decode()
    assert "Side 1 av 3" in first
    assert first.count('data-label="Navn"') == 25
    third = client.get(reverse("person_list"), {"side": 3}).content.decode()
    assert "Side 3 av 3" in third


@pytest.mark.parametrize("side", ["abc", "-1", "0", "99999", "9" * 40])
def test_a_page_that_is_not_there_gets_the_first_or_the_last(client_for, people, side):
    response = client_for("admin").get(reverse("person_list"), {"side": side, "q": "Testesen"})
    assert response.status_code == 200
    assert response.context["page"].number == 1  # one page of them: first and last


def test_a_pasted_paragraph_searches_by_its_first_six_words(client_for):
    query = "Espen Testesen " + " ".join(f"ord{n}" for n in range(2_000))
    response = client_for("admin").get(reverse("person_list"), {"q": query})
    assert response.status_code == 200
    assert "Ingen passer til søket" in response.content.decode()
    # The words after the sixth are not read.
    only_six = "Espen Testesen Espen Testesen Espen Testesen ingen-slik"
    found = client_for("admin").get(reverse("person_list"), {"q": only_six})
    assert "Espen Testesen" in found.content.decode()


def test_an_empty_search_says_so(client_for):
    body = client_for("admin").get(reverse("person_list"), {"q": "ingen-slik"}).content.decode()
    assert "Ingen passer til søket" in body


def test_an_administrator_adds_a_person_with_a_norwegian_date(client_for, people):
    response = client_for("admin").post(
        reverse("person_create"),
        _person_form(manager_sok=people.leader.email, unit=people.leader.unit_id),
    )
    person = Person.objects.get(email="nina.ny@test.example")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("person_detail", args=[person.pk])
    assert person.start_date.isoformat() == "2026-08-01"
    assert person.manager == people.leader


def test_bad_input_gets_a_message_and_changes_nothing(client_for, people):
    before = Person.objects.count()
    response = client_for("admin").post(
        reverse("person_create"),
        _person_form(email="employee@test.example", start_date="32.13.2026", manager_sok="nobody"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ingenting ble lagret" in body
    assert 'aria-invalid="true"' in body
    assert "Ingen du kan velge, passer med «nobody»." in body
    assert Person.objects.count() == before


def test_a_domain_rule_is_shown_on_its_field(client_for, people):
    response = client_for("admin").post(
        reverse("person_create"), _person_form(email="employee@test.example")
    )
    assert response.status_code == 200
    assert "En annen person har allerede denne e-postadressen." in response.content.decode()


def test_an_administrator_edits_a_person_and_sees_the_current_manager(client_for, people):
    client = client_for("admin")
    url = reverse("person_edit", args=[people.employee.pk])
    page = client.get(url).content.decode()
    # The search field shows the current manager, and the hidden field holds their id.
    assert f'name="manager" value="{people.leader.pk}"' in page
    assert f'name="manager_sok" value="{people.leader.full_name}' in page
    data = _person_form(
        first_name="Emma",
        last_name="Testesen",
        email=people.employee.email,
        employee_number="103",
        manager_sok=people.other_leader.email,
        unit=people.employee.unit_id,
    )
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=people.employee.pk).manager == people.other_leader


def test_the_unit_list_shows_the_tree_with_headcounts(client_for):
    body = client_for("hr").get(reverse("unit_list")).content.decode()
    assert (
        body.index("Skole")
        < body.index("Avdeling 1")
        < body.index("Team 1")
        < body.index("Avdeling 2")
    )
    assert reverse("unit_create") not in body


def test_the_unit_list_is_searched_and_paginated_with_the_headcounts_of_its_page(
    client_for, people, monkeypatch
):
    client = client_for("hr")
    team = people.employee.unit
    active = Person.objects.filter(unit=team, is_active=True).count()
    body = client.get(reverse("unit_list"), {"q": team.name.upper()}).content.decode()
    assert f'?unit={team.pk}">{active}</a>' in body  # tree order kept, its headcount read
    assert "Avdeling 2" not in body
    body = client.get(reverse("unit_list"), {"q": "no such unit"}).content.decode()
    assert '<p class="empty">' in body and "<table" not in body
    monkeypatch.setattr("samtale.org.views.UNIT_PAGE_SIZE", 2)
    first = client.get(reverse("unit_list")).content.decode()
    second = client.get(reverse("unit_list"), {"side": 2}).content.decode()
    assert "Skole" in first and "Skole" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_an_administrator_adds_and_edits_a_unit(client_for):
    client = client_for("admin")
    school = Unit.objects.get(code="E")
    response = client.post(
        reverse("unit_create"),
        {"code": "D9", "name": "Avdeling 9", "kind": "department", "parent": school.pk},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="D9")
    response = client.post(
        reverse("unit_edit", args=[unit.pk]),
        {
            "code": "D9",
            "name": "Avdeling ni",
            "kind": "department",
            "parent": school.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).name == "Avdeling ni"


def test_a_unit_at_the_wrong_level_gets_a_message(client_for):
    response = client_for("admin").post(
        reverse("unit_create"), {"code": "Z", "name": "Z", "kind": "team", "parent": ""}
    )
    assert response.status_code == 200
    assert "Bare en virksomhet kan ligge øverst" in response.content.decode()
    assert not Unit.objects.filter(code="Z").exists()


def test_a_leader_sees_a_report_with_their_own_reports(client_for, people):
    body = (
        client_for("leaders_leader")
        .get(reverse("person_detail", args=[people.leader.pk]))
        .content.decode()
    )
    assert "Emma Testesen" in body
    assert reverse("person_edit", args=[people.leader.pk]) not in body


def test_the_person_form_lists_nobody_however_many_people_there_are(client_for, people):
    """The line manager and the unit are searched for (core.pickers), not listed."""
    client = client_for("admin")
    before = client.get(reverse("person_create")).content.decode()
    Person.objects.bulk_create(
        Person(email=f"extra{n}@test.example", first_name="Ekstra", last_name=f"Nr{n}")
        for n in range(40)
    )
    after = client.get(reverse("person_create")).content.decode()
    assert "Ekstra" not in after
    assert len(after) == len(before)
    found = client.get(reverse("pick", args=["manager"]) + "?q=Ekstra").content.decode()
    assert found.count("Ekstra") == 20  # at most 20 matches, and a note that there are more
