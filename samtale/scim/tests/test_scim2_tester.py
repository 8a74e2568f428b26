"""scim2-tester's checks against Samtale served on loopback (pytest-django's live_server),
through scim2-client over HTTP with a real service token."""

import time

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from samtale.api import tokens
from samtale.demo.testing import make_people


class EmailUserNames(SyncSCIMClient):
    """scim2-tester fills userName with a random UUID; in Samtale the userName is the
    person's e-mail address, so this client makes the UUID one (…@scim-tester.example) on the
    way out. Nothing else of what the tester sends is touched."""

    def _request_kwargs(self, method, req):
        kwargs = super()._request_kwargs(method, req)
        payload = kwargs.get("json")
        if isinstance(payload, dict) and "@" not in str(payload.get("userName", "@")):
            kwargs["json"] = {**payload, "userName": f"{payload['userName']}@scim-tester.example"}
        return kwargs


@pytest.mark.django_db(transaction=True)
def test_every_check_scim2_tester_runs_passes(live_server, settings):
    # The checks make some 200 requests in a few seconds; the limit has tests of its own.
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    # It deactivates a random number of the users it makes (DELETE, active false); beyond
    # the limit an hour they would wait for an administrator, which test_held_deactivations
    # tests: here they go at once, as the tester expects.
    settings.SAMTALE_DEACTIVATION_LIMIT_PEOPLE = 10_000
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
    # The one check Samtale refuses on purpose: a PATCH that replaces userName with a random
    # UUID. The userName is the person's e-mail address, and one that is not is refused.
    # And twice the tester's own limit: it adds and replaces Samtale's extension as a whole,
    # whose one attribute (the national identity number) is writeOnly and returned never,
    # and then expects the empty object back; RFC 7643 §7 has such an attribute never
    # answered, so neither is an extension that holds nothing else.
    extension = "urn:ietf:params:scim:schemas:extension:samtale:2.0:User"
    unexpected = f"PATCH modify() returned unexpected value for '{extension}'."
    assert sorted((title, reason.splitlines()[0]) for title, reason in failed) == [
        ("check_add_attribute", unexpected),
        (
            "check_replace_attribute",
            "Failed to replace attribute 'userName': userName must be an e-mail address.",
        ),
        ("check_replace_attribute", unexpected),
    ]
    passed = [r for r in results if r.status == Status.SUCCESS]
    assert len(passed) == len(results) - len(failed)
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
