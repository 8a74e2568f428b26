"""The organization's figures on HR's and the administrator's home page."""

from samtale.org import selectors
from samtale.org.models import Person, Unit


def test_the_organization_counts_people_by_employment_leaders_and_units(
    people, django_assert_num_queries
):
    # A leader whose reports have all left is no longer counted as one.
    Person.objects.filter(manager=people.other_leader).update(is_active=False)
    active = Person.objects.filter(is_active=True)
    with django_assert_num_queries(1):
        counts = selectors.organization_counts(
            people=Person.objects.all(), units=Unit.objects.all()
        )
    assert counts == {
        "people": active.count(),
        "permanent": active.filter(employment_type="permanent").count(),
        "temporary": active.filter(employment_type="temporary").count(),
        "leaders": sum(1 for p in active if p.reports.filter(is_active=True).exists()),
        "units": Unit.objects.filter(is_active=True).count(),
    }
    assert counts["leaders"] >= 2 and people.other_leader.is_active
