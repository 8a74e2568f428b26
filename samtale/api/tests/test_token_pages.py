"""The API keys pages: a person makes and revokes their own; administrators the service
tokens. The token is shown once; revoking is a POST with CSRF."""

import re

import pytest
from django.test import Client

from samtale.api import tokens
from samtale.api.models import ApiToken
from samtale.api.tests.helpers import Api
from samtale.core.models import AuditEntry

MINE = "/profil/api-nokler/"
SERVICE = "/admin/api-nokler/"


def _signed_in(person, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(person)
    return client


def _shown_token(response) -> str:
    found = re.findall(r'id="new-token"[^>]*>(smt_[^<]+)</textarea>', response.content.decode())
    assert len(found) == 1
    return found[0]


def test_a_person_makes_a_token_that_is_shown_once_and_works(people):
    client = _signed_in(people.employee)
    assert client.get(MINE).status_code == 200
    response = client.post(MINE, {"name": "Min rapport", "scopes": ["read"], "days": 30})
    assert response.status_code == 200
    raw = _shown_token(response)
    token = ApiToken.objects.get()
    assert (token.person, token.kind, token.scopes) == (people.employee, "personal", ["read"])
    assert raw not in (token.digest, token.prefix)
    assert Api(raw).get("/me").json()["id"] == people.employee.pk
    # Shown once: the list names it by its beginning only.
    again = client.get(MINE).content.decode()
    assert raw not in again and f"smt_{token.prefix}_" in again
    assert AuditEntry.objects.filter(action="api.token_created", actor_id=people.employee.pk)


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scopes": ["read"], "days": 30},
        {"name": "x", "scopes": [], "days": 30},
        {"name": "x", "scopes": ["scim"], "days": 30},  # a person's own never provisions
        {"name": "x", "scopes": ["read"], "days": 0},
        {"name": "x", "scopes": ["read"], "days": 10_000},
        {"name": "x" * 101, "scopes": ["read"], "days": 30},
    ],
)
def test_bad_input_makes_no_token(people, data):
    response = _signed_in(people.employee).post(MINE, data)
    assert response.status_code == 400
    assert "smt_" not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_person_sees_and_revokes_only_their_own(people):
    mine = tokens.issue(person=people.employee, name="Min", scopes=["read"], days=5)
    theirs = tokens.issue(person=people.other_employee, name="Hans", scopes=["read"], days=5)
    client = _signed_in(people.employee)
    page = client.get(MINE).content.decode()
    assert "Min" in page and "Hans" not in page
    assert client.post(f"{MINE}{theirs.token.pk}/tilbakekall/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
    response = client.post(f"{MINE}{mine.token.pk}/tilbakekall/")
    assert response.status_code == 302 and response["Location"] == MINE
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None
    assert Api(mine.raw).get("/me").status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoked", actor_id=people.employee.pk)


def test_revoking_needs_post_and_csrf(people):
    issued = tokens.issue(person=people.employee, name="Min", scopes=["read"], days=5)
    url = f"{MINE}{issued.token.pk}/tilbakekall/"
    assert _signed_in(people.employee).get(url).status_code == 405
    assert _signed_in(people.employee, enforce_csrf_checks=True).post(url).status_code == 403
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("role", ["employee", "leader", "hr"])
def test_only_administrators_reach_the_service_tokens(client_for, role):
    assert client_for(role).get(SERVICE).status_code == 403
    assert (
        client_for(role).post(SERVICE, {"name": "x", "scopes": ["read"], "days": 1}).status_code
        == 403
    )
    assert not ApiToken.objects.exists()


def test_an_administrator_makes_sees_and_revokes_service_tokens(people):
    from samtale.org.models import Person

    other_admin = Person.objects.create_user(
        "admin2@test.example", "x", first_name="Ada", last_name="Admin", is_org_admin=True
    )
    theirs = tokens.issue(person=other_admin, name="Lønn", scopes=["read"], days=30, kind="service")
    personal = tokens.issue(person=other_admin, name="Privat", scopes=["read"], days=30)
    client = _signed_in(people.admin)
    response = client.post(SERVICE, {"name": "Entra ID", "scopes": ["scim"], "days": 90})
    assert response.status_code == 200
    _shown_token(response)
    made = ApiToken.objects.get(name="Entra ID")
    assert (made.kind, made.person, made.scopes) == ("service", people.admin, ["scim"])
    page = client.get(SERVICE).content.decode()
    assert "Lønn" in page and "Entra ID" in page and "Privat" not in page
    # Another administrator's service token: any administrator may revoke it.
    assert client.post(f"{MINE}{theirs.token.pk}/tilbakekall/")["Location"] == SERVICE
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_by == people.admin
    # Their personal token is theirs alone.
    assert client.post(f"{MINE}{personal.token.pk}/tilbakekall/").status_code == 404


def test_the_profile_links_to_the_keys(people, client_for):
    assert MINE in client_for("employee").get("/profil/").content.decode()
    assert SERVICE not in client_for("employee").get("/profil/").content.decode()
    assert SERVICE in client_for("admin").get("/profil/").content.decode()
