"""Who may call the API: a usable token with the right scope, or a signed-in session (with
CSRF for a change); everything else is JSON 401/403/413/429, never the login page."""

import json
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions.models import Action, ActionUpdate
from samtale.api import tokens
from samtale.api.tests.helpers import API, Api, api_as, signed_with_action, token_for
from samtale.core.models import AuditEntry


def _is_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": _("Authentication required: a valid token, or a signed-in session.")
    }
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response
    return True


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer smt_",
        "Bearer smt_deadbeef_not-a-token",
        "Bearer " + "x" * 300,
        "Basic dXNlcjpwYXNz",
        "Token smt_x",
    ],
)
def test_it_refuses_a_missing_malformed_or_unknown_token_with_401(people, header):
    token_for(people.employee)  # one real token exists
    headers = {"Authorization": header} if header else {}
    response = Client().get(f"{API}/me", headers=headers)
    assert _is_401(response)


def test_it_refuses_an_expired_token(people):
    raw = token_for(people.employee, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=5)):
        assert _is_401(Api(raw).get("/me"))


def test_it_refuses_a_revoked_token(people):
    issued = tokens.issue(person=people.employee, name="x", scopes=["read"], days=5)
    assert Api(issued.raw).get("/me").status_code == 200
    tokens.revoke(issued.token, by=people.employee)
    assert _is_401(Api(issued.raw).get("/me"))


def test_it_refuses_the_token_of_someone_who_has_left(people):
    raw = token_for(people.leader)
    people.leader.is_active = False
    people.leader.save()
    assert _is_401(Api(raw).get("/me"))


def test_a_bad_token_is_refused_even_beside_a_good_session(people):
    client = Client()
    client.force_login(people.employee)
    assert Api(client=client).get("/me").status_code == 200
    assert _is_401(Api("smt_nope_nope", client=client).get("/me"))


def test_a_read_only_token_may_not_change_anything(people):
    _conversation, action = signed_with_action(people)
    api = api_as(people.employee, scopes=["read"])
    response = api.patch(f"/actions/{action.pk}", {"status": "done", "comment": "Ferdig"})
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
    action.refresh_from_db()
    assert action.status == "not_started"
    assert not ActionUpdate.objects.exists()
    assert not AuditEntry.objects.filter(action="action.update").exists()


def test_a_write_only_token_may_not_read(people):
    assert api_as(people.employee, scopes=["write"]).get("/me").status_code == 403


def test_a_provisioning_token_opens_nothing_here(people):
    raw = tokens.issue(
        person=people.admin, name="Entra ID", scopes=["scim"], days=30, kind="service"
    ).raw
    api = Api(raw)
    assert api.get("/me").status_code == 403
    assert api.get("/people").status_code == 403
    assert api.patch("/actions/1", {"status": "done"}).status_code == 403


def test_a_service_token_acts_as_its_administrator(people):
    raw = tokens.issue(
        person=people.admin, name="Lønn", scopes=["read"], days=30, kind="service"
    ).raw
    body = Api(raw).get("/me").json()
    assert body["id"] == people.admin.pk and body["roles"]["admin"] is True
    assert body["token"]["kind"] == "service" and body["token"]["scopes"] == ["read"]


def test_over_the_limit_it_answers_429_with_retry_after(people, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    api = api_as(people.employee)
    other = api_as(people.employee)
    with time_machine.travel(timezone.now().replace(second=10), tick=False):
        statuses = [api.get("/me").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get("/me")
        assert response.status_code == 429
        assert response["Retry-After"] == "50"
        assert response.json()["detail"]
        assert other.get("/me").status_code == 200  # per token
    with time_machine.travel(timezone.now().replace(second=0) + timedelta(minutes=1)):
        assert api.get("/me").status_code == 200  # a new minute


def test_the_session_reads_and_changes_with_csrf(people):
    _conversation, action = signed_with_action(people)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.employee)
    assert client.get(f"{API}/me").json()["token"] is None
    body = json.dumps({"status": "in_progress"})
    refused = client.patch(f"{API}/actions/{action.pk}", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == _("CSRF check failed.")
    action.refresh_from_db()
    assert action.status == "not_started"

    client.get("/profil/")  # a page sets the CSRF cookie, as the app's own pages do
    csrf = client.cookies["csrftoken"].value
    done = client.patch(
        f"{API}/actions/{action.pk}",
        body,
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert done.status_code == 200, done.content
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_a_token_needs_no_csrf(people):
    _conversation, action = signed_with_action(people)
    api = Api(token_for(people.employee), client=Client(enforce_csrf_checks=True))
    assert api.patch(f"/actions/{action.pk}", {"status": "done"}).status_code == 200


def test_an_expired_session_gets_json_401_not_the_login_page(people, settings):
    settings.SESSION_IDLE_MINUTES = 1
    client = Client()
    client.force_login(people.employee)
    assert client.get(f"{API}/me").status_code == 200
    with time_machine.travel(time.time() + 120):
        response = client.get(f"{API}/me")
    assert _is_401(response)
    assert "_auth_user_id" not in client.session


def test_a_body_over_the_limit_is_refused_before_it_is_read(people, settings):
    settings.API_MAX_BODY_BYTES = 100
    _conversation, action = signed_with_action(people)
    api = api_as(people.employee)
    response = api.patch(f"/actions/{action.pk}", {"status": "done", "comment": "x" * 200})
    assert response.status_code == 413
    assert response.json()["detail"]
    action.refresh_from_db()
    assert action.status == "not_started"


def test_a_body_over_djangos_own_limit_is_413_too(people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50
    _conversation, action = signed_with_action(people)
    response = api_as(people.employee).patch(
        f"/actions/{action.pk}", {"status": "done", "comment": "y" * 100}
    )
    assert response.status_code == 413
    assert Action.objects.get(pk=action.pk).status == "not_started"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_the_schema_and_the_docs_are_served_under_the_strict_csp(client):
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.1")
    assert {"TokenAuth", "SessionAuth"} <= set(spec["components"]["securitySchemes"])
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    csp = docs["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = docs.content.decode()
    # Scripts from our own static files only: no CDN, no inline code (the settings block is
    # JSON data, which the browser does not run).
    # (Every address the page names is our own: a random nonce may hold "cdn".)
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and not [a for a in addresses if a.startswith(("http:", "https:", "//"))]
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    for tag in html.split("<script")[1:]:
        assert ' src="/static/' in tag.split(">")[0] or 'type="application/json"' in tag
