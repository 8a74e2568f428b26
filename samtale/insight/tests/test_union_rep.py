"""A union representative's answers page (issue 72): the whole organization's published
figures and their units', the very figures HR reads for the same groups, and nothing
below the minimum group for either; a year's download holds that year alone."""

import csv
import io
from datetime import timedelta

from django.urls import reverse

from samtale.conversations.models import Conversation, Feedback
from samtale.guides.models import Guide, GuideVersion
from samtale.insight.publication import publish
from samtale.insight.publication.figures import Figure
from samtale.insight.tests.test_published_groups import YEAR, answered, rated
from samtale.insight.tests.test_views import BESIDE
from samtale.org.models import Person

FEW = "Færre enn 5 svarte, og et tall vises bare der minst 5 har svart"


def _page(client, **params):
    response = client.get(reverse("likert_results"), params)
    assert response.status_code == 200, params
    return response


def _satisfaction(response) -> dict:
    """{unit: (Figure or None, why or None)} of the satisfaction table."""
    return {
        row["unit"]: (row["figure"], row["why"] and str(row["why"]))
        for row in response.context["satisfaction"]
    }


def test_a_union_rep_sees_the_organization_and_their_unit_as_hr_does(client, client_for, org):
    """Team A: six rated, team B: five; all published. The union representative elected
    for team A starts, as HR, at the whole organization: its row and team A's below it, the
    very figures HR reads for them; `?enhet=org` is that page; team B is not theirs."""
    rated(org, org["a"], [5, 4, 4, 3, 5, 4])
    rated(org, org["b"], [2, 3, 4, 5, 5])
    publish.publish_due()
    client.force_login(make_union_rep_for(org["a"]))
    hr = client_for("hr")
    hr_top = _satisfaction(_page(hr))
    hr_a = _satisfaction(_page(hr, enhet=org["top"].pk))[org["a"].pk]
    for params in ({}, {"enhet": "org"}):
        page = _page(client, **params)
        assert page.context["node"] == "organization"
        shown = _satisfaction(page)
        assert list(shown) == ["organization", org["a"].pk]  # their unit alone below it
        assert shown["organization"] == hr_top["organization"]
        assert shown["organization"][0] == Figure(people=11, counts=(0, 1, 2, 4, 4))
        assert shown[org["a"].pk] == hr_a and isinstance(hr_a[0], Figure)
        body = page.content.decode()
        assert "Hele organisasjonen" in body and "Som tillitsvalgt ser du tallene" in body
    assert _page(hr, enhet="org").context["node"] == "organization"  # HR's too
    assert client.get(reverse("likert_results"), {"enhet": org["b"].pk}).status_code == 404
    assert client.get(reverse("likert_results"), {"enhet": org["top"].pk}).status_code == 404
    # Their own unit: the page of it, as HR's.
    own = _page(client, enhet=org["a"].pk)
    assert _satisfaction(own) == {org["a"].pk: hr_a}


def make_union_rep_for(unit):
    """A union representative elected for `unit`, working elsewhere (no answers of theirs)."""
    return Person.objects.create(
        email="tillitsvalgt@x.example",
        first_name="Tora",
        last_name="Tillitsvalgt",
        is_union_rep=True,
        union_unit=unit,
    )


def test_a_group_too_small_or_not_yet_published_shows_no_figure_to_either(client, client_for, org):
    """Team A: four rated (too few), team B: six (enough, but the organization minus B is
    team A's four): neither is shown, to HR or to the union representative of either team,
    each row saying why; this year is not published for anyone."""
    rated(org, org["a"], [5, 4, 4, 3])
    rated(org, org["b"], [2, 3, 4, 5, 5, 5])
    publish.publish_due()
    hr = _satisfaction(_page(client_for("hr"), enhet=org["top"].pk))
    for team, why in ((org["a"], FEW), (org["b"], BESIDE)):
        client.force_login(make_union_rep_for(team))
        shown = _satisfaction(_page(client))
        assert shown[team.pk] == hr[team.pk] == (None, why)
        assert shown["organization"][0] == Figure(people=10, counts=(0, 1, 2, 3, 4))
        body = _page(client, enhet=team.pk).content.decode()
        assert why in body and "Ingen svar" not in body
        client.logout()
        Person.objects.filter(email="tillitsvalgt@x.example").delete()
    client.force_login(make_union_rep_for(org["a"]))
    for who in (client, client_for("hr")):
        page = _page(who, year=YEAR + 1)
        assert "Publiseres når året er omme" in page.content.decode()
        assert not page.context["satisfaction"]  # no figure of this year at all


def test_an_area_whose_statements_are_all_hidden_says_why_not_no_answers(client_for, org):
    """An area sums the statements shown for a unit: where every one is withheld, the row
    says why (it said "No answers", of a team where four had answered)."""
    GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=1,
        name={"nb": "Påstander"},
        themes=[
            {
                "key": "trivsel",
                "title": {"nb": "Trivsel"},
                "statements": [
                    {"key": "trivsel", "text": {"nb": "Jeg trives"}, "group": {"nb": "Miljø"}}
                ],
            }
        ],
    )
    answered(org, org["a"], [5, 4, 4, 3])
    answered(org, org["b"], [2, 3, 4, 5, 5, 5])
    publish.publish_due()
    page = _page(client_for("hr"), enhet=org["top"].pk)
    (area,) = page.context["areas"]
    rows = {row["unit"]: row for row in area["rows"]}
    assert str(rows[org["a"].pk]["why"]) == FEW and rows[org["a"].pk]["figure"] is None
    assert str(rows[org["b"].pk]["why"]) == BESIDE
    assert "Ingen svar" not in page.content.decode()


def _a_year_earlier(conversations):
    """Move these conversations (and their ratings) a year back."""
    for conversation in conversations:
        Conversation.objects.filter(pk=conversation.pk).update(
            held_at=conversation.held_at - timedelta(days=365),
            signed_at=conversation.signed_at - timedelta(days=365),
        )
        for feedback in Feedback.objects.filter(conversation=conversation):
            Feedback.objects.filter(pk=feedback.pk).update(at=feedback.at - timedelta(days=365))


def test_a_years_csv_holds_that_year_alone(client_for, org):
    """Answers published for two years: each year's file holds rows of that year only
    (the page's five years over time stay on the page)."""
    rated(org, org["a"], [5, 4, 4, 3, 5])
    _a_year_earlier(Conversation.objects.all())
    rated(org, org["a"], [2, 3, 4, 5, 5])
    publish.publish_due()
    hr = client_for("hr")
    for year in (YEAR - 1, YEAR):
        response = hr.get(reverse("likert_results"), {"year": year, "format": "csv"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        years = {row[0] for row in rows[1:]}
        assert years == {str(year)}, (year, years)
        assert any(row[4] == "5" for row in rows[1:])  # the year's figure is there
