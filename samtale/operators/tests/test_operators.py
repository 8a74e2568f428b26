"""The operators' page: on the operators' host only, for operators only, the register and
the tenants' state, never a tenant's content."""

import pytest
from django.test import Client

from samtale.operators import operators, services
from samtale.operators.tests.conftest import HOST
from testkit.people import make_people

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
    assert services.Registration.objects.get(slug="nordvik").state == "active"
    # The home tenant as any other.
    client.post("/main/tilstand/", {"state": "suspended"})
    assert Client().get("/logg-inn/").status_code == 503
    client.post("/main/tilstand/", {"state": "active"})
    assert Client().get("/logg-inn/").status_code == 200


def test_no_one_else_operates(ops, nordvik):
    assert ops.post("/nordvik/tilstand/", {"state": "suspended"}).status_code == 403
    wrong = ops.post("/logg-inn/", {"username": "kari", "password": "wrong-password-123"})
    assert wrong.status_code == 200 and "operator" not in wrong.cookies
    unknown = ops.post("/logg-inn/", {"username": "ola", "password": PASSWORD})
    assert operators.COOKIE not in unknown.cookies
    forged = Client(HTTP_HOST=OPS)
    forged.cookies[operators.COOKIE] = "1:forged:signature"
    assert forged.get("/").status_code == 302
    assert services.Registration.objects.get(slug="nordvik").state == "active"


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


def _from(address: str) -> Client:
    return Client(HTTP_HOST=OPS, REMOTE_ADDR=address)


def test_too_many_failed_sign_ins_stop_the_page_taking_more_from_that_address(ops):
    stranger = _from("203.0.113.9")
    for _ in range(operators.THROTTLE_FAILURES):
        wrong = stranger.post("/logg-inn/", {"username": "kari", "password": "x" * 14})
        assert wrong.status_code == 200
    refused = stranger.post("/logg-inn/", {"username": "kari", "password": PASSWORD})
    assert refused.status_code == 429 and operators.COOKIE not in refused.cookies
    # The stranger locks nobody out: Kari, from her own address, signs in.
    kari = _from("198.51.100.4").post("/logg-inn/", {"username": "kari", "password": PASSWORD})
    assert kari.status_code == 302 and operators.COOKIE in kari.cookies
    # Many names from one address: the address's own limit.
    for number in range(operators.THROTTLE_PER_ADDRESS - operators.THROTTLE_FAILURES):
        stranger.post("/logg-inn/", {"username": f"name{number}", "password": "x" * 14})
    assert stranger.post("/logg-inn/", {"username": "ola", "password": "y" * 14}).status_code == 429


def test_an_ipv6_network_counts_as_one_place(ops):
    """A guesser with a /64 of their own does not get five guesses per address in it."""
    for n in range(operators.THROTTLE_FAILURES):
        wrong = _from(f"2001:db8:1:2::{n + 1:x}").post(
            "/logg-inn/", {"username": "kari", "password": "x" * 14}
        )
        assert wrong.status_code == 200
    sixth = _from("2001:db8:1:2:ffff::9").post(
        "/logg-inn/", {"username": "kari", "password": PASSWORD}
    )
    assert sixth.status_code == 429
    elsewhere = _from("2001:db8:1:3::1").post(
        "/logg-inn/", {"username": "kari", "password": PASSWORD}
    )
    assert elsewhere.status_code == 302


def test_a_right_password_gives_the_attempts_back(ops):
    kari = _from("198.51.100.4")
    for _ in range(operators.THROTTLE_FAILURES - 1):
        kari.post("/logg-inn/", {"username": "kari", "password": "x" * 14})
    assert kari.post("/logg-inn/", {"username": "kari", "password": PASSWORD}).status_code == 302
    for _ in range(operators.THROTTLE_FAILURES - 1):
        kari.post("/logg-inn/", {"username": "kari", "password": "x" * 14})
    assert kari.post("/logg-inn/", {"username": "kari", "password": PASSWORD}).status_code == 302


def test_a_form_without_its_token_is_refused_with_403_on_the_operators_host(ops, settings):
    strict = Client(HTTP_HOST=OPS, enforce_csrf_checks=True)
    response = strict.post("/logg-inn/", {"username": "kari", "password": PASSWORD})
    assert response.status_code == 403
    assert "token" in response.text and "Traceback" not in response.text
    home = Client(enforce_csrf_checks=True).post("/logg-inn/", {"username": "x", "password": "y"})
    assert home.status_code == 403


def test_the_operators_host_reaches_no_tenants_database(ops, nordvik, django_assert_num_queries):
    """Whatever comes, a session cookie of the home tenant's included: no query of any
    tenant's database, and a 404 that names nobody."""
    people = make_people()
    home = Client()
    home.force_login(people.hr)
    ops.cookies.load({"samtale_session": home.cookies["samtale_session"].value})
    client = _signed_in(ops)
    with django_assert_num_queries(0):  # "default": the home tenant's database
        for path in ("/", "/finnes-ikke/", "/logg-inn/"):
            response = client.get(path)
            assert people.hr.first_name not in response.text
            assert people.hr.email not in response.text
    assert client.get("/finnes-ikke/").status_code == 404
