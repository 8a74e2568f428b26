"""API keys are for whom the organization lets use the API (api.policy.may_use_api_keys):
HR and the administrators always, everyone else only with SAMTALE_API_KEYS_FOR_EVERYONE.
Without it an employee's pages say nothing of the API, they can make no key, and a key made
while it was on stops working; revoking it is still theirs to do."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from samtale.api import tokens
from samtale.api.tests.helpers import Api

MINE = "/profil/api-nokler/"


@pytest.fixture(autouse=True)
def keys_for_hr_and_administrators(settings):
    settings.SAMTALE_API_KEYS_FOR_EVERYONE = False  # the default, whatever conftest says


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("employee", False),
        ("leader", False),
        ("leaders_leader", False),
        ("hr", True),
        ("admin", True),
    ],
)
def test_only_hr_and_administrators_see_keys_by_default(people, client_for, role, may):
    client = client_for(role)
    profile = client.get("/profil/").content.decode()
    assert (MINE in profile) is may
    assert ("API" in profile) is may
    assert client.get(MINE).status_code == (200 if may else 403)
    made = client.post(MINE, {"name": "Skript", "scopes": ["read"], "days": 30})
    assert made.status_code == (200 if may else 403)
    if may:
        assert tokens.authenticate(
            tokens.issue(person=people.by_role(role), name="S", scopes=["read"], days=1).raw
        )
    else:
        with pytest.raises(PermissionDenied):
            tokens.issue(person=people.by_role(role), name="S", scopes=["read"], days=1)


def test_a_key_made_while_allowed_stops_working_and_can_still_be_revoked(people, settings):
    settings.SAMTALE_API_KEYS_FOR_EVERYONE = True
    issued = tokens.issue(person=people.employee, name="Skript", scopes=["read"], days=30)
    assert Api(issued.raw).get("/me").status_code == 200
    settings.SAMTALE_API_KEYS_FOR_EVERYONE = False
    assert tokens.authenticate(issued.raw) is None
    assert Api(issued.raw).get("/me").status_code == 401
    client = Client()
    client.force_login(people.employee)
    assert client.post(f"{MINE}{issued.token.pk}/tilbakekall/").status_code == 302
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
