"""SCIM Users against the endpoint, with a real service token: the round trip Entra ID
makes, filters and pages, and every refusal (a SCIM error, and nothing changed)."""

import pytest

from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.scim.tests.conftest import ENTERPRISE, SEARCH, assert_error, user_payload

MANAGER = f"{ENTERPRISE}:manager"


def audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_entra_creates_gives_a_manager_deactivates_and_deletes_a_person(scim, people):
    created = scim.post("Users", user_payload("Nora.Nilsen@Test.Example"))
    assert created.status_code == 201, created.body
    pk = created.body["id"]
    assert created["Location"] == f"http://testserver/scim/v2/Users/{pk}"
    nora = Person.objects.get(pk=pk)
    assert (nora.email, nora.first_name, nora.last_name, nora.job_title) == (
        "nora.nilsen@test.example",
        "Nora",
        "Nilsen",
        "Rådgiver",
    )
    assert (nora.employee_number, nora.scim_external_id, nora.is_active) == (
        "200",
        "entra-nora",
        True,
    )
    assert not nora.has_usable_password()
    [entry] = audit("person.create")
    assert (entry.actor_id, entry.object_id) == (people.admin.pk, pk)

    # Entra ID sends the manager's id as the value itself.
    patched = scim.patch(
        f"Users/{pk}", [{"op": "Add", "path": MANAGER, "value": str(people.leader.pk)}]
    )
    assert patched.status_code == 200, patched.body
    assert patched.body[ENTERPRISE]["manager"] == {
        "value": str(people.leader.pk),
        "$ref": f"http://testserver/scim/v2/Users/{people.leader.pk}",
    }
    nora.refresh_from_db()
    assert nora.manager == people.leader
    assert [e.data["fields"] for e in audit("person.update")] == [["manager"]]

    off = scim.patch(f"Users/{pk}", [{"op": "Replace", "path": "active", "value": "False"}])
    assert off.status_code == 200 and off.body["active"] is False
    nora.refresh_from_db()
    assert not nora.is_active and nora.deactivated_at is not None
    assert scim.get(f"Users/{pk}").body["active"] is False

    gone = scim.delete(f"Users/{pk}")
    assert gone.status_code == 204 and gone.content == b""
    nora.refresh_from_db()
    assert not nora.is_active and nora.scim_deleted_at is not None  # kept, never deleted
    assert_error(scim.get(f"Users/{pk}"), 404)
    assert (
        scim.get("Users", filter='userName eq "nora.nilsen@test.example"').body["totalResults"] == 0
    )
    assert [e.data["fields"] for e in audit("person.update")] == [
        ["manager"],
        ["is_active"],
        ["scim_deleted_at"],
    ]
    assert {e.actor_id for e in AuditEntry.objects.filter(object_id=pk)} == {people.admin.pk}


def test_a_person_reactivated_in_the_web_is_the_identity_providers_again(scim, people):
    from samtale.org.services import person_update

    assert scim.delete(f"Users/{people.employee.pk}").status_code == 204
    assert_error(scim.get(f"Users/{people.employee.pk}"), 404)
    person_update(actor=people.admin, person=people.employee, is_active=True)
    assert scim.get(f"Users/{people.employee.pk}").body["active"] is True


def test_patch_takes_entras_paths_and_value_dicts(scim, people):
    pk = people.employee.pk
    response = scim.patch(
        f"Users/{pk}",
        [
            {"op": "Replace", "path": "name.givenName", "value": "Emmy"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "emmy@test.example"},
            {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "903"},
            {"op": "Replace", "value": {"title": "Lektor", "externalId": "entra-emmy"}},
            {"op": "Replace", "value": {"displayName": "Emmy T", "nickName": "Em"}},
        ],
    )
    assert response.status_code == 200, response.body
    person = Person.objects.get(pk=pk)
    assert (person.first_name, person.email, person.employee_number) == (
        "Emmy",
        "emmy@test.example",
        "903",
    )
    assert (person.job_title, person.scim_external_id) == ("Lektor", "entra-emmy")
    assert response.body["userName"] == "emmy@test.example"
    # An e-mail change by someone else is recorded and told, as in the web.
    assert audit("person.email")
    # Entra ID takes a manager away with an empty value, or with remove.
    scim.patch(f"Users/{pk}", [{"op": "Replace", "path": MANAGER, "value": ""}])
    assert Person.objects.get(pk=pk).manager is None


def test_put_replaces_what_samtale_keeps(scim, people):
    pk = people.employee.pk
    payload = user_payload("employee@test.example", externalId="e-1", title=None)
    payload[ENTERPRISE] = {"employeeNumber": "103", "manager": {"value": str(people.leader.pk)}}
    response = scim.put(f"Users/{pk}", payload)
    assert response.status_code == 200, response.body
    person = Person.objects.get(pk=pk)
    assert (person.first_name, person.last_name, person.job_title) == ("Nora", "Nilsen", "")
    assert person.scim_external_id == "e-1" and person.manager == people.leader
    assert "title" not in response.body


def test_put_takes_a_changed_display_name_as_the_persons_name(scim, people):
    """Entra ID sends displayName beside name.givenName and familyName; a new one is the
    name Samtale shows from now on, as from POST and PATCH."""
    pk = people.employee.pk
    payload = user_payload(
        "employee@test.example",
        name={"givenName": "Emma", "familyName": "Testesen"},
        displayName="Emma Testesen Berg",
        title="Lærer",
        externalId=None,
    )
    payload[ENTERPRISE] = {"employeeNumber": "103", "manager": {"value": str(people.leader.pk)}}
    response = scim.put(f"Users/{pk}", payload)
    assert response.status_code == 200, response.body
    person = Person.objects.get(pk=pk)
    assert (person.first_name, person.last_name) == ("Emma", "Testesen Berg")
    answer = scim.get(f"Users/{pk}").body
    assert answer["name"] == {"givenName": "Emma", "familyName": "Testesen Berg"}
    assert [e.data["fields"] for e in audit("person.update")][-1] == ["last_name"]


@pytest.mark.parametrize(
    ("operations", "name"),
    [
        ([("displayName", "Emmy Testesen")], ("Emmy", "Testesen")),
        ([("displayName", "Emma Nordmann Berg")], ("Emma", "Nordmann Berg")),
        ([("displayName", " Kari  Anne Nordmann ")], ("Kari Anne", "Nordmann")),
        ([("displayName", "Nordmann, Kari")], ("Kari", "Nordmann")),
        # The same name in another order, and a word that cannot be two names.
        ([("displayName", "Testesen, Emma")], ("Emma", "Testesen")),
        ([("displayName", "Emmy")], ("Emma", "Testesen")),
        # The name the person has now, sent again beside a part that changed.
        ([("name.givenName", "Emmy"), ("displayName", "Emma Testesen")], ("Emmy", "Testesen")),
    ],
)
def test_a_new_display_name_is_the_name_samtale_shows(scim, people, operations, name):
    pk = people.employee.pk
    response = scim.patch(
        f"Users/{pk}", [{"op": "replace", "path": p, "value": v} for p, v in operations]
    )
    assert response.status_code == 200, response.body
    person = Person.objects.get(pk=pk)
    assert (person.first_name, person.last_name) == name
    assert response.body["name"] == {"givenName": name[0], "familyName": name[1]}


def test_post_takes_the_name_from_display_name_alone(scim, people):
    created = scim.post("Users", user_payload(name=None, displayName="Nora Nilsen"))
    assert created.status_code == 201, created.body
    assert created.body["name"] == {"givenName": "Nora", "familyName": "Nilsen"}


# Filters and pages -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        'userName eq "EMPLOYEE@test.example"',
        'emails.value eq "employee@test.example"',
        'emails[type eq "work" and value eq "employee@test.example"]',
        f'{ENTERPRISE}:employeeNumber eq "103"',
        'externalId eq "entra-emma"',
        'name.familyName eq "testesen" and name.givenName sw "Em"',
        'userName sw "employee" and active eq true',
    ],
)
def test_filters_find_the_person(scim, people, query):
    Person.objects.filter(pk=people.employee.pk).update(scim_external_id="entra-emma")
    response = scim.get("Users", filter=query)
    assert response.status_code == 200, response.body
    assert [r["id"] for r in response.body["Resources"]] == [str(people.employee.pk)]
    assert response.body["totalResults"] == 1


def test_a_filter_samtale_cannot_answer_is_refused(scim, people):
    assert_error(scim.get("Users", filter='nickName eq "x"'), 400, "invalidFilter")
    assert_error(scim.get("Users", filter="userName eq"), 400, "invalidFilter")
    assert_error(scim.get("Users", filter="active eq 3"), 400, "invalidFilter")


def test_pages_count_from_one_in_id_order(scim, people):
    everyone = sorted(str(p.pk) for p in Person.objects.all())
    ids = sorted(everyone, key=int)
    page = scim.get("Users", startIndex=3, count=2).body
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (7, 3, 2)
    assert [r["id"] for r in page["Resources"]] == ids[2:4]
    assert scim.get("Users", count=0).body["itemsPerPage"] == 0
    assert scim.get("Users", startIndex=50).body["Resources"] == []
    # Past any page there is: empty, not an OFFSET the database cannot hold.
    far = scim.get("Users", startIndex=2**64).body
    assert (far["totalResults"], far["Resources"]) == (7, [])
    search = {"schemas": [SEARCH], "startIndex": 2**64, "count": 2**64}
    assert scim.post(".search", search).body["Resources"] == []
    assert_error(scim.get("Users", count="many"), 400, "invalidValue")


def test_attributes_and_excluded_attributes_shape_the_answer(scim, people):
    only = scim.get(f"Users/{people.employee.pk}", attributes="userName").body
    assert set(only) == {"schemas", "id", "userName"}
    without = scim.get(f"Users/{people.employee.pk}", excludedAttributes="title").body
    assert "title" not in without and "userName" in without


def test_a_list_takes_the_same_queries_whatever_its_length(
    scim, people, django_assert_max_num_queries
):
    for n in range(30):
        Person.objects.create_user(f"p{n}@test.example", first_name="P", last_name=str(n))
    with django_assert_max_num_queries(8):
        assert len(scim.get("Users", count=37).body["Resources"]) == 37
