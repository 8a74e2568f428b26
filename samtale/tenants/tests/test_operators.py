"""The operators' page: on the operators' host only, for operators only, the register and
the tenants' state, never a tenant's content."""

import pytest
from django.test import Client

from samtale.demo.testing import make_people
from samtale.tenants import operators, services
from samtale.tenants.tests.conftest import HOST

pytestmark = pytest.mark.django_db(databases=["default", "control"])

OPS = "drift.testserver"
PASSWORD = "a-long-operator-password"


@pytest.fixture
def ops(settings, hosts):
    settings.SAMTALE_OPERATOR_HOSTS = [OPS]
    operators.operator_set("kari", PASSWORD)
    return Client(HTTP_HOST=OPS)


def _signed_in(client) -> Client:
    response = client.post("/logg-inn/", {"username": "kari", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


def test_an_operator_sees_the_register_and_no_tenants_content(ops, nordvik, in_nordvik):
    people = make_people()
    people.employee.first_name = "Hjemmehemmelig"
    people.employee.save()
    with in_nordvik():
        theirs = make_people()
        theirs.employee.first_name = "Nordvikhemmelig"
        theirs.employee.save()
    assert ops.get("/").status_code == 302  # to the sign-in
    page = _signed_in(ops).get("/")
    assert page.status_code == 200
    assert "Nordvik kommune" in page.text and HOST in page.text and "nordvik" in page.text
    for secret in ("Hjemmehemmelig", "Nordvikhemmelig", people.employee.email):
        assert secret not in page.text


def test_an_operator_suspends_and_opens_a_tenant_from_the_page(ops, nordvik):
    client = _signed_in(ops)
    response = client.post("/nordvik/tilstand/", {"state": "suspended"}, follow=True)
    assert "Nordvik kommune er stengt" in response.text
    assert Client(HTTP_HOST=HOST).get("/logg-inn/").status_code == 503
    client.post("/nordvik/tilstand/", {"state": "active"})
    assert Client(HTTP_HOST=HOST).get("/logg-inn/").status_code == 200
    assert client.post("/main/tilstand/", {"state": "suspended"}, follow=True).status_code == 200
    assert services.Row.objects.get(slug="nordvik").state == "active"


def test_no_one_else_operates(ops, nordvik):
    assert ops.post("/nordvik/tilstand/", {"state": "suspended"}).status_code == 403
    wrong = ops.post("/logg-inn/", {"username": "kari", "password": "wrong-password-123"})
    assert wrong.status_code == 200 and "operator" not in wrong.cookies
    unknown = ops.post("/logg-inn/", {"username": "ola", "password": PASSWORD})
    assert operators.COOKIE not in unknown.cookies
    forged = Client(HTTP_HOST=OPS)
    forged.cookies[operators.COOKIE] = "1:forged:signature"
    assert forged.get("/").status_code == 302
    assert services.Row.objects.get(slug="nordvik").state == "active"


def test_a_sign_out_ends_every_cookie_made_before(ops):
    client = _signed_in(ops)
    kept = client.cookies[operators.COOKIE].value
    client.post("/logg-ut/")
    again = Client(HTTP_HOST=OPS)
    again.cookies[operators.COOKIE] = kept
    assert again.get("/").status_code == 302


def test_the_operators_host_serves_no_tenants_pages_and_a_tenant_no_operators_page(ops, nordvik):
    _signed_in(ops)
    assert ops.get("/personer/").status_code == 404
    assert ops.get("/api/v1/me").status_code == 404
    assert Client(HTTP_HOST=HOST).get("/nordvik/tilstand/").status_code == 404
    assert Client().get("/logg-inn/").status_code == 200  # the home tenant's own sign-in


def test_too_many_failed_sign_ins_stop_the_page_taking_more(ops):
    for _ in range(operators.THROTTLE_FAILURES):
        assert ops.post("/logg-inn/", {"username": "kari", "password": "x" * 14}).status_code == 200
    refused = ops.post("/logg-inn/", {"username": "kari", "password": PASSWORD})
    assert refused.status_code == 429 and operators.COOKIE not in refused.cookies
    # Another name from the same address is refused too.
    other = ops.post("/logg-inn/", {"username": "ola", "password": "y" * 14})
    assert other.status_code == 429
