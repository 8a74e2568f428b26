import json

import pytest
from django.test import Client

from samtale.api import tokens

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class Scim:
    """A test client speaking SCIM with a bearer token."""

    def __init__(self, raw: str | None):
        self.client = Client()
        self.raw = raw

    def headers(self):
        return {"Authorization": f"Bearer {self.raw}"} if self.raw else {}

    def request(self, method: str, path: str, payload=None, *, raw_body=None, **extra):
        data = (
            raw_body
            if raw_body is not None
            else (json.dumps(payload) if payload is not None else "")
        )
        response = getattr(self.client, method.lower())(
            "/scim/v2/" + path.lstrip("/"),
            data=data,
            content_type="application/scim+json",
            headers=self.headers(),
            **extra,
        )
        response.body = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **query):
        response = self.client.get("/scim/v2/" + path.lstrip("/"), query, headers=self.headers())
        response.body = json.loads(response.content) if response.content else None
        return response

    def post(self, path, payload=None, **kw):
        return self.request("POST", path, payload, **kw)

    def put(self, path, payload=None, **kw):
        return self.request("PUT", path, payload, **kw)

    def patch(self, path, operations, **kw):
        return self.request("PATCH", path, {"schemas": [PATCH], "Operations": operations}, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def token(people):
    return tokens.issue(
        person=people.admin, name="Entra ID", scopes=["scim"], days=30, kind="service"
    )


@pytest.fixture
def scim(token):
    return Scim(token.raw)


def user_payload(email="nora.nilsen@test.example", **extra):
    payload = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "name": {"givenName": "Nora", "familyName": "Nilsen"},
        "active": True,
        "emails": [{"value": email, "type": "work", "primary": True}],
        "title": "Rådgiver",
        "externalId": "entra-nora",
        ENTERPRISE: {"employeeNumber": "200"},
    }
    payload.update(extra)
    return payload


def assert_error(response, status, scim_type=None):
    assert response.status_code == status, response.body
    assert response["Content-Type"].startswith("application/scim+json")
    assert response.body["schemas"] == [ERROR]
    assert response.body["status"] == str(status)
    assert response.body.get("detail")
    if scim_type is not None:
        assert response.body.get("scimType") == scim_type, response.body
