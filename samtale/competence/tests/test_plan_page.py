"""The competence plan's page (issue 72): its words name the year it shows and why it
opened there, and each column's total is of the same thing as its rows."""

import re

import pytest
from django.urls import reverse

from samtale.competence.tests.test_plan import LAST_YEAR, _version, signed_last_year
from samtale.insight.publication import publish
from samtale.needs.models import Need

pytestmark = pytest.mark.django_db


def _footer(page: str) -> list[str]:
    """The cells of the table's "In all" row, as text."""
    row = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S)
    assert row, "the plan has no total row"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).replace("\xa0", " ").strip() for cell in cells]


def test_the_shared_needs_columns_count_and_cost_apart_and_their_totals_add_up(people, client):
    """Two shared needs, one of a kind (10 000 kr) and one that says no kind (45 000 kr):
    the count column totals 2 (a count, not a cost), the cost column 55 000 kr, and the
    need without a kind has a row of its own, so the rows add up to the totals."""
    team = people.employee.unit
    for kind, cost in (("course", 10000), ("", 45000)):
        Need.objects.create(
            unit=team,
            category="competence",
            competence=kind,
            text=f"Behov {kind or 'uten type'}",
            cost=cost,
            year=LAST_YEAR,
            conversations=1,
        )
    client.force_login(people.hr)
    response = client.get(reverse("competence_plan"), {"year": LAST_YEAR, "enhet": "org"})
    page = response.content.decode()
    assert "Type ikke oppgitt" in page
    # In all · agreed · their cost · shared needs · their cost · (priority)
    total = _footer(page)
    assert total[0] == "I alt" and total[3] == "2" and total[4] == "55 000 kr", total
    text = client.get(
        reverse("competence_plan"), {"year": LAST_YEAR, "enhet": "org", "format": "csv"}
    ).content.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()[1:]]
    assert sum(int(row[5]) for row in rows) == 2
    assert sum(int(row[6]) for row in rows) == 55000


def test_the_plan_names_the_year_it_opens_at_and_why(people, client):
    """Nothing of this year published yet: the plan opens at last year, and says so; its
    words name the year shown, never "this year's conversations"."""
    team = people.employee.unit
    signed_last_year(people, team, n=5, version=_version(), cost=2000)
    publish.publish_due()
    this_year = LAST_YEAR + 1
    client.force_login(people.hr)
    page = client.get(reverse("competence_plan")).content.decode()
    assert f"Viser {LAST_YEAR}, det siste året med publiserte tall." in page
    assert f"Kompetansebehovene samtalene i {LAST_YEAR} avtalte som tiltak" in page
    assert f"Tallene for {this_year} publiseres når en runde i året er avsluttet" in page
    assert "årets" not in page
    # Chosen: no note on why.
    chosen = client.get(reverse("competence_plan"), {"year": LAST_YEAR, "enhet": "org"})
    assert "Viser " not in chosen.content.decode()
    current = client.get(reverse("competence_plan"), {"year": this_year, "enhet": "org"})
    assert f"samtalene i {this_year}" in current.content.decode()
