"""scim2-tester's checks against Samtale served on loopback (pytest-django's live_server),
through scim2-client over HTTP with a real service token."""

import time

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from samtale.api import tokens
from testkit.people import make_people

TESTER = "@scim-tester.example"


class EmailUserNames(SyncSCIMClient):
    """scim2-tester fills userName with a random UUID; in Samtale the userName is the
    person's e-mail address (and one that is not is refused: test_refusals). So this client
    makes the UUID an address on the way out, in a User (POST, PUT) and in a PATCH
    operation on userName, and the address the UUID again on the way back, so that the
    tester finds the value it sent. Nothing else of what either side says is touched."""

    def _request_kwargs(self, method, req):
        kwargs = super()._request_kwargs(method, req)
        if isinstance(kwargs.get("json"), dict):
            kwargs["json"] = _addresses(kwargs["json"])
        return kwargs

    def _parse_json(self, response):
        payload = super()._parse_json(response)
        if isinstance(payload, dict):
            payload = _uuids(payload)
            if isinstance(payload.get("Resources"), list):
                payload["Resources"] = [_uuids(r) for r in payload["Resources"]]
        return payload


def _address(value):
    return f"{value}{TESTER}" if isinstance(value, str) and "@" not in value else value


def _addresses(payload: dict) -> dict:
    payload = {**payload}
    if "userName" in payload:
        payload["userName"] = _address(payload["userName"])
    operations = []
    for operation in payload.get("Operations", []):
        operation = {**operation}
        value = operation.get("value")
        if str(operation.get("path")).lower() == "username":
            operation["value"] = _address(value)
        elif operation.get("path") is None and isinstance(value, dict):
            operation["value"] = _addresses(value)
        operations.append(operation)
    if operations:
        payload["Operations"] = operations
    return payload


def _uuids(resource):
    name = resource.get("userName") if isinstance(resource, dict) else None
    if isinstance(name, str) and name.endswith(TESTER):
        return {**resource, "userName": name.removesuffix(TESTER)}
    return resource


@pytest.mark.django_db(transaction=True)
def test_every_check_scim2_tester_runs_passes(live_server, settings):
    # The checks make some 200 requests in a few seconds; the limit has tests of its own.
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    # It deactivates a random number of the users it makes (DELETE, active false); beyond
    # the limit an hour they would wait for an administrator, which test_held_deactivations
    # tests: here they go at once, as the tester expects.
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 10_000
    # Samtale's own extension is described only where the archive is keyed by the national
    # identity number (test_national_id), so by default the tester does not see it; there
    # it would write random UUIDs, which are refused as no such number.
    people = make_people()
    issued = tokens.issue(
        person=people.admin, name="scim2-tester", scopes=["scim"], days=1, kind="service"
    )
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {issued.raw}"},
        timeout=30,
    )
    started = time.monotonic()
    results = check_server(EmailUserNames(http))
    took = time.monotonic() - started
    for r in results:
        print(r.status.name, r.resource_type or "", r.title, "-", (r.reason or "")[:200])
    print(f"scim2-tester: {len(results)} results in {took:.1f} s")
    failed = [(r.title, r.reason) for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    assert failed == []
    assert {r.status for r in results} == {Status.SUCCESS}
    # Every kind of check ran for Users: create, read, attributes, search, replace,
    # delete and the three PATCH operations.
    user_checks = {r.title for r in results if r.resource_type == "User"}
    assert user_checks >= {
        "object_creation",
        "object_query",
        "object_query_without_id",
        "object_query_with_attributes",
        "object_list_with_attributes",
        "search_with_attributes",
        "object_replacement",
        "object_deletion",
        "check_add_attribute",
        "check_remove_attribute",
        "check_replace_attribute",
    }
