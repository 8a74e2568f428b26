"""Every refusal is a SCIM Error with a status, a scimType where one fits and a detail,
and changes nothing: no person, no audit entry."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from samtale.api import tokens
from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.scim.tests.conftest import ENTERPRISE, PATCH, Scim, assert_error, user_payload


@pytest.fixture
def unchanged(people):
    """Asserts, after the test, that no person and no audit entry changed."""
    before = (list(Person.objects.order_by("pk").values()), AuditEntry.objects.count())
    yield
    after = (list(Person.objects.order_by("pk").values()), AuditEntry.objects.count())
    assert after == before


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        (b"{not json", "invalidSyntax"),
        (b"\xff\xfe", "invalidSyntax"),
        (b"[1, 2]", "invalidSyntax"),
        (b'{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": 5}', None),
    ],
)
def test_a_body_that_is_not_a_user_is_refused(scim, unchanged, body, scim_type):
    assert_error(scim.post("Users", raw_body=body), 400, scim_type)


@pytest.mark.parametrize(
    ("change", "scim_type"),
    [
        ({"active": "sometimes"}, "invalidValue"),
        ({"name": "Nora Nilsen"}, None),
        ({"favouriteColour": "blue"}, "invalidSyntax"),
        ({ENTERPRISE: {"employeeNumber": "200", "shoeSize": 42}}, "invalidSyntax"),
        ({"userName": "not an address", "emails": []}, "invalidValue"),
        ({"emails": [{"value": "other@test.example", "type": "work"}]}, "invalidValue"),
        ({"name": {"givenName": " ", "familyName": "Nilsen"}}, "invalidValue"),
        # One word cannot be both a given and a family name.
        ({"name": None, "displayName": "Nora"}, "invalidValue"),
        ({"title": "x" * 201}, "invalidValue"),
        ({ENTERPRISE: {"manager": {"value": "999999"}}}, "invalidValue"),
        # Digits to str.isdigit() that int() refuses, and an id past a bigint.
        ({ENTERPRISE: {"manager": {"value": "²"}}}, "invalidValue"),
        ({ENTERPRISE: {"manager": {"value": "9" * 30}}}, "invalidValue"),
        # Not text any database keeps: NUL, and half of a surrogate pair.
        ({"name": {"givenName": "No\x00ra", "familyName": "Nilsen"}}, "invalidValue"),
        ({"externalId": "\ud800"}, "invalidValue"),
        ({ENTERPRISE: {"employeeNumber": "\udfff"}}, "invalidValue"),
        ({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "\ud800"]}, "invalidValue"),
    ],
)
def test_wrong_types_unknown_attributes_and_bad_values_are_refused(
    scim, unchanged, change, scim_type
):
    assert_error(scim.post("Users", user_payload(**change)), 400, scim_type)


def test_a_user_name_that_is_no_address_is_refused_in_a_patch_too(scim, people, unchanged):
    # scim2-tester's run sends its UUIDs as addresses (test_scim2_tester); Samtale does not.
    for operation in (
        {"op": "replace", "path": "userName", "value": "92133bd3-b213-4c02-ac3f-d1864973c96c"},
        {"op": "replace", "value": {"userName": "employee"}},
    ):
        response = scim.patch(f"Users/{people.employee.pk}", [operation])
        assert_error(response, 400, "invalidValue")
        assert response.body["detail"] == "userName must be an e-mail address."


def test_an_oversized_body_is_refused(scim, unchanged, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = user_payload(title="x" * 2000)
    assert_error(scim.post("Users", payload), 413)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"userName": "Employee@test.example", "emails": []}, "e-mail"),
        ({ENTERPRISE: {"employeeNumber": "103"}}, "employee number"),
    ],
)
def test_someone_elses_address_or_number_is_a_uniqueness_conflict(scim, unchanged, change, field):
    response = scim.post("Users", user_payload(**change))
    assert_error(response, 409, "uniqueness")
    assert field in response.body["detail"]


def test_what_the_services_refuse_is_refused_with_their_message(scim, people, unchanged):
    own = scim.delete(f"Users/{people.admin.pk}")
    assert_error(own, 400, "invalidValue")
    assert "deactivate yourself" in own.body["detail"]
    circle = scim.patch(
        f"Users/{people.leaders_leader.pk}",
        [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": str(people.employee.pk)}],
    )
    assert_error(circle, 400, "invalidValue")
    mine = scim.patch(
        f"Users/{people.employee.pk}",
        [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": str(people.admin.pk)}],
    )
    assert "yourself someone's line manager" in mine.body["detail"]
    required = scim.patch(f"Users/{people.employee.pk}", [{"op": "remove", "path": "active"}])
    assert_error(required, 400, "mutability")
    no_ops = scim.request("PATCH", f"Users/{people.employee.pk}", {"Operations": []})
    assert_error(no_ops, 400)
    for not_a_list in (True, 5, "replace", {"op": "add"}):
        patch = {"schemas": [PATCH], "Operations": not_a_list}
        assert_error(scim.request("PATCH", f"Users/{people.employee.pk}", patch), 400)


@pytest.mark.parametrize("pk", ["999999", "abc", "1.5", "-1"])
def test_unknown_ids_are_not_found(scim, unchanged, pk):
    assert_error(scim.get(f"Users/{pk}"), 404)
    for method in ("PUT", "PATCH", "DELETE"):
        assert_error(scim.request(method, f"Users/{pk}", user_payload()), 404)


def test_no_usable_token_is_401(token, people):
    for raw in (None, "smt_unknown_token", f"{token.raw}x"):
        response = Scim(raw).get("Users")
        assert_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert_error(Scim(token.raw).get("Users"), 401)
    browser = Client()
    browser.force_login(people.admin)
    assert browser.get("/scim/v2/Users").status_code == 401
    tokens.revoke(token.token, by=people.admin)
    assert_error(Scim(token.raw).get("Users"), 401)


def test_a_token_without_the_scope_or_an_administrator_is_403(people):
    personal = tokens.issue(person=people.admin, name="Mitt skript", scopes=["read"], days=1)
    assert_error(Scim(personal.raw).get("Users"), 403)
    service = tokens.issue(
        person=people.admin, name="Entra ID", scopes=["scim"], days=1, kind="service"
    )
    Person.objects.filter(pk=people.admin.pk).update(is_org_admin=False)
    assert_error(Scim(service.raw).post("Users", user_payload()), 403)
    assert not Person.objects.filter(email="nora.nilsen@test.example").exists()


def test_a_token_over_its_rate_waits(scim, people, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        assert scim.get("Users").status_code == 200
        assert scim.get("Users").status_code == 200
        refused = scim.post("Users", user_payload())
        assert_error(refused, 429, "tooMany")
        assert refused["Retry-After"] == "50"
    assert not Person.objects.filter(email="nora.nilsen@test.example").exists()


def test_a_method_an_endpoint_does_not_take_is_405(scim, unchanged):
    assert_error(scim.delete("Users"), 405)
    assert_error(scim.post("ServiceProviderConfig", {}), 405)
