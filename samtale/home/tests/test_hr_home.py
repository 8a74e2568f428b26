"""HR's home page: the latest published satisfaction, its year named and the same figure the
status analysis shows, and the shared needs nobody has decided on, each a link (issue 46,
first-time task 10)."""

from typing import Any

from django.test import Client
from django.urls import reverse

from samtale.insight.publication import figures, publish
from samtale.insight.publication.measures import SATISFACTION
from samtale.insight.tests.school import at, last_year, make_school, signed
from samtale.needs.models import Need
from samtale.org import selectors as org_selectors
from samtale.org.models import Person, Unit


def home(person) -> tuple[str, Any]:
    client = Client()
    client.force_login(person)
    response = client.get(reverse("home"))
    return response.content.decode(), response.context


def test_the_latest_published_satisfaction_and_the_new_needs(db):
    s = make_school()
    body, context = home(s.hr)
    assert context.get("satisfaction") is None and 'li class="ds-card satisfaction' not in body

    year = last_year()
    for i, employee in enumerate(s.a[:6]):
        signed(s, employee, on=at(year, 10, 1 + i), rating=4 if i else 5)
    publish.publish_due()
    need = Need.objects.create(
        unit=s.team_a, category="competence", text="Kurs i samtaleteknikk", year=year
    )
    Need.objects.create(
        unit=s.team_a,
        category="competence",
        text="Allerede vurdert",
        year=year,
        status=Need.Status.CONSIDERING,
    )
    body, context = home(s.hr)
    shown_year, figure = context["satisfaction"]
    assert shown_year == year and figure.people == 6
    published = figures.figures(
        measures=[SATISFACTION], groups=[figures.unit_group(None)], years=[year]
    )[(year, SATISFACTION, figures.unit_group(None))]
    assert figure == published and f"{published.mean:.1f}".replace(".", ",") in body
    assert str(year) in body
    assert context["new_needs"] == [need] and context["new_needs_count"] == 1
    assert reverse("need_detail", args=[need.pk]) in body and "Allerede vurdert" not in body

    # An employee sees neither.
    body, context = home(s.a[0])
    assert "satisfaction" not in context and "Kurs i samtaleteknikk" not in body


def test_the_organizations_counts_come_when_their_section_is_scrolled_to(db):
    """HR's home asks for the organization's counts (all of its people) with htmx when their
    section comes into view, or links them as a page of their own; the counts are the
    organization's, and the employee may not ask for them."""
    s = make_school()
    client = Client()
    client.force_login(s.hr)
    url = reverse("home_organization")
    body = client.get(reverse("home")).content.decode()
    assert f'hx-get="{url}" hx-trigger="revealed"' in body and f'href="{url}"' in body
    part = client.get(url, headers={"HX-Request": "true"})
    counted = org_selectors.organization_counts(
        people=Person.objects.all(), units=Unit.objects.all()
    )
    assert part.context["org_counts"] == counted and "<html" not in part.content.decode()
    assert f'<span class="stat">{counted["people"]}</span>' in part.content.decode()
    assert client.get(url).status_code == 200  # a page of its own, without JavaScript
    employee = Client()
    employee.force_login(s.a[0])
    assert employee.get(url).status_code == 403
