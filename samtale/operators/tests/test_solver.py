"""The anonymity solver per tenant (insight/tests/test_fetch.py): two tenants, each a school
whose people answered, differently. Every figure a viewer of the second can fetch (the
status analysis through the API for every year and unit, HR's answers as CSV, HR's
competence plans) must sum exactly the second tenant's own answers, from its own ledger:
a figure that took in one answer of the first would not match. And the solver finds no
one of the second isolated."""

import pytest
from django.utils import timezone

from samtale import tenancy
from samtale.core import health
from samtale.insight.models import Publication
from samtale.insight.publication import publish
from samtale.insight.tests.school import at, make_school, signed
from samtale.insight.tests.test_fetch import assert_nothing_isolated
from samtale.tenancy.models import Host, Registration

pytestmark = [
    pytest.mark.django_db(databases=["default", "control"]),
    pytest.mark.usefixtures("keys_for_everyone"),
]


def _school_answered(a: int, b: int, rating) -> object:
    s = make_school(a=a, b=b)
    year = timezone.localdate().year - 1
    for n, person in enumerate(s.a + s.b):
        signed(
            s,
            person,
            on=at(year, 3 + n % 8, 1 + n),
            rating=rating(n),
            statements={"trivsel": rating(n)},
        )
    publish.publish_due()
    return s


def test_a_viewer_of_one_tenant_fetches_its_own_answers_only_and_isolates_no_one(
    nordvik, in_nordvik, settings
):
    _school_answered(8, 6, lambda n: 1)  # the first tenant's: everyone says 1
    with in_nordvik():
        theirs = _school_answered(6, 5, lambda n: 1 + n % 5)
    # The test client's host is the second tenant's for this test.
    settings.SAMTALE_HOSTS = []
    row = Registration.objects.get(slug="nordvik")
    Host.objects.create(tenant=row, name="testserver")
    tenancy.forget()
    try:
        with in_nordvik():
            fetched = assert_nothing_isolated(theirs)
    finally:
        Host.objects.filter(name="testserver").delete()
        tenancy.forget()
    assert fetched > 0
    # Its periods were proved when published, in it, and the operators see the latest proof.
    with in_nordvik():
        proofs = list(Publication.objects.values_list("proof", flat=True))
        record = health.tenant_health_record()
    assert proofs and all(p["found"] == 0 and p["figures"] > 0 for p in proofs)
    assert record.tenant == "nordvik" and record.checks["insight"] == "ok"
    assert record.notes["proof"]["proved"] is True
    print(
        f"solver in the second tenant: {fetched} figures fetched, each its own answers, none isolated"
    )
