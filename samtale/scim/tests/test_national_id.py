"""The national identity number over SCIM: Samtale's own extension, written by the identity
provider and never answered (org.national_id), kept only where the archive classifies
personnel files by it."""

import json

import pytest

from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.org.tests.test_national_id import NUMBER, OTHER
from samtale.scim.tests.conftest import ENTERPRISE, USER, user_payload

SAMTALE = "urn:ietf:params:scim:schemas:extension:samtale:2.0:User"
ATTRIBUTE = f"{SAMTALE}:nationalIdentityNumber"


def with_number(number, **extra):
    payload = user_payload(**extra)
    payload["schemas"].append(SAMTALE)
    payload[SAMTALE] = {"nationalIdentityNumber": number}
    return payload


@pytest.fixture
def archive_by_national_id(settings):
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"


def test_the_identity_provider_writes_it_and_never_reads_it_back(
    scim, people, archive_by_national_id
):
    created = scim.post("Users", with_number("150585 43206"))
    assert created.status_code == 201, created.body
    pk = created.body["id"]
    assert Person.objects.get(pk=pk).national_id == NUMBER
    answers = [
        created,
        scim.get(f"Users/{pk}"),
        scim.get("Users", filter='userName eq "nora.nilsen@test.example"'),
        scim.get(f"Users/{pk}", attributes=ATTRIBUTE),
    ]
    for answer in answers:
        assert answer.status_code == 200 or answer is created
        assert NUMBER not in json.dumps(answer.body)
        assert SAMTALE not in json.dumps(answer.body), "not even the extension's name"

    # A PATCH of something else leaves it; a PATCH of it changes it; a remove clears it.
    scim.patch(f"Users/{pk}", [{"op": "replace", "path": "title", "value": "Leder"}])
    assert Person.objects.get(pk=pk).national_id == NUMBER
    changed = scim.patch(f"Users/{pk}", [{"op": "replace", "path": ATTRIBUTE, "value": OTHER}])
    assert changed.status_code == 200, changed.body
    assert NUMBER not in json.dumps(changed.body) and OTHER not in json.dumps(changed.body)
    assert Person.objects.get(pk=pk).national_id == OTHER
    scim.patch(f"Users/{pk}", [{"op": "remove", "path": ATTRIBUTE}])
    assert Person.objects.get(pk=pk).national_id is None
    # A PUT without it leaves it as it is: nobody can read it to send it again.
    scim.patch(f"Users/{pk}", [{"op": "add", "value": {ATTRIBUTE: NUMBER}}])
    assert scim.put(f"Users/{pk}", user_payload()).status_code == 200
    assert Person.objects.get(pk=pk).national_id == NUMBER
    for entry in AuditEntry.objects.all():
        assert NUMBER not in str(entry.data) and OTHER not in str(entry.data)


def test_a_wrong_number_is_refused_without_repeating_it(scim, people, archive_by_national_id):
    refused = scim.post("Users", with_number("15058543207"))
    assert refused.status_code == 400
    assert refused.body["scimType"] == "invalidValue"
    assert "15058543207" not in json.dumps(refused.body)
    assert not Person.objects.filter(email="nora.nilsen@test.example").exists()


def test_without_the_setting_it_is_ignored(scim, people):
    created = scim.post("Users", with_number(NUMBER))
    assert created.status_code == 201, created.body
    assert Person.objects.get(pk=created.body["id"]).national_id is None


def test_the_schema_says_it_is_written_and_never_returned(scim, people, archive_by_national_id):
    schema = scim.get(f"Schemas/{SAMTALE}").body
    [attribute] = schema["attributes"]
    assert (attribute["name"], attribute["mutability"], attribute["returned"]) == (
        "nationalIdentityNumber",
        "writeOnly",
        "never",
    )
    [user] = scim.get("ResourceTypes").body["Resources"]
    assert {e["schema"] for e in user["schemaExtensions"]} >= {SAMTALE}
    assert user["schema"] == USER


def test_without_the_setting_discovery_does_not_offer_it(scim, people):
    # Nothing says an identity provider should send what Samtale would ignore.
    assert scim.get(f"Schemas/{SAMTALE}").status_code == 404
    assert SAMTALE not in {s["id"] for s in scim.get("Schemas").body["Resources"]}
    [user] = scim.get("ResourceTypes").body["Resources"]
    assert [e["schema"] for e in user["schemaExtensions"]] == [ENTERPRISE]
