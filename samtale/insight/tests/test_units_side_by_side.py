"""The status analysis's units side by side for a leader's leader (issue 72): every unit her
home page lists, and "not yet published" only where a figure can still come; a unit too small
ever to have one says so. In the home municipality and in a second one, each with its own
minimum group."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.insight import analysis, policy
from samtale.operators.tests.conftest import (  # noqa: F401 (fixtures)
    HOST,
    hosts,
    in_nordvik,
    nordvik,
)
from samtale.org.models import Person
from testkit.people import PASSWORD, make_people

SMALL = (
    "<strong>Skjult:</strong> Færre enn {k} personer telles her nå, og et tall vises bare der "
    "minst {k} har svart"
)
NOT_YET = "<strong>Ikke publisert ennå:</strong> Publiseres når året er omme"


def two_more_in_avdeling_2(people) -> None:
    """Avdeling 2 with four people: the other leader, the other employee and two more."""
    for n in (1, 2):
        Person.objects.create_user(
            f"ekstra{n}@test.example",
            PASSWORD,
            first_name=f"Ekstra{n}",
            last_name="Testesen",
            unit=people.other_employee.unit,
            manager=people.other_leader,
        )


def rows_of(page) -> dict:
    """{unit name: the codes of why each figure is not shown} of the units side by side."""
    return {
        row["name"]: {why.code for _heading, _value, why in row["cells"] if why}
        for row in page.context["compared"]
    }


def home_units(client) -> list[str]:
    return [row["unit__name"] for row in client.get(reverse("home")).context["units_below"]]


def side_by_side(client, people, *, k: int) -> None:
    """What both municipalities must show the leader's leader (Avdeling 1 with two people,
    its Team 1 with one, Avdeling 2 with four; six below her)."""
    page = client.get(reverse("status_analysis"))
    assert page.status_code == 200
    rows = rows_of(page)
    # Every unit her home lists, the team two levels down too, each after the unit it is in.
    assert sorted(rows) == sorted(["Alle under deg", *home_units(client)])
    assert list(rows) == ["Alle under deg", "Avdeling 1", "Team 1", "Avdeling 2"]
    body = page.content.decode()
    assert "Del av Avdeling 1" in body
    assert "Tallene for hver enhet tar med enhetene som ligger under den." in body
    # This year is open: "not yet" where a figure can still come, "hidden" where too few are
    # counted for one ever to be shown.
    assert rows["Alle under deg"] == {"year_open"}
    assert rows["Avdeling 2"] == {"year_open"}
    assert rows["Avdeling 1"] == {"small"} and rows["Team 1"] == {"small"}
    assert SMALL.format(k=k) in body and NOT_YET in body
    # The team's own page says it above its key figures too.
    team = client.get(reverse("status_analysis"), {"enhet": people.employee.unit_id})
    assert f'withheld-why">Skjult: Færre enn {k} personer telles her nå' in (team.content.decode())


@pytest.mark.django_db
def test_a_leaders_leader_sees_every_unit_her_home_lists_and_why_each_is_not_shown(
    people, client_for, settings
):
    settings.SAMTALE_MIN_GROUP = 3
    two_more_in_avdeling_2(people)
    side_by_side(client_for("leaders_leader"), people, k=3)


@pytest.mark.django_db
def test_a_past_year_shows_what_was_published_whatever_the_unit_counts_now(people, settings):
    settings.SAMTALE_MIN_GROUP = 3
    two_more_in_avdeling_2(people)
    scope = policy.status_scope_of(people.leaders_leader)
    this_year = timezone.localdate().year
    now = analysis.status_analysis(scope, year=this_year)
    assert now.headcount is not None
    assert now.headcount[people.leader.unit_id] == 2  # the leader and the team below
    assert now.headcount[analysis.selectors.ORGANIZATION] == 6
    # A closed year is read as it was published (or why not), never by today's headcount.
    before = analysis.status_analysis(scope, year=this_year - 1)
    assert before.headcount is None
    compared = analysis.compare(before, people.leader.unit_id, top="")
    codes = {getattr(s.signatures, "code", None) for _unit, s in compared.compared}
    assert "small" not in codes


@pytest.mark.django_db
def test_hr_still_compares_the_units_right_below(people, client_for, settings):
    settings.SAMTALE_MIN_GROUP = 3
    page = client_for("hr").get(reverse("status_analysis"))
    assert "Team 1" not in rows_of(page)  # two levels down: HR drills down to it


# In a second municipality ----------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "control"])
def test_a_second_municipality_lists_its_own_units_with_its_own_minimum(
    nordvik,  # noqa: F811 (the fixture)
    in_nordvik,  # noqa: F811
    hosts,  # noqa: F811
    settings,
):
    from samtale.operators import services

    settings.SAMTALE_MIN_GROUP = 3
    services.tenant_configure("nordvik", {"SAMTALE_MIN_GROUP": "4"})
    try:
        with in_nordvik():
            theirs = make_people()
            two_more_in_avdeling_2(theirs)
            client = Client(HTTP_HOST=HOST)
            client.force_login(theirs.leaders_leader)
        side_by_side(client, theirs, k=4)
        # Nothing of Nordvik's is in the home municipality's analysis.
        ours = make_people()
        home = Client()
        home.force_login(ours.leaders_leader)
        page = home.get(reverse("status_analysis")).content.decode()
        assert "Ekstra1" not in page and SMALL.format(k=4) not in page
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_MIN_GROUP": ""})
