"""API tokens: only a digest is kept, the token is shown once, and a token stops working
when it is revoked, expires, or its person can no longer sign in."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samtale.api import policy, tokens
from samtale.api.models import ApiToken
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry


def test_a_token_is_stored_as_a_digest_and_names_its_person(people):
    issued = tokens.issue(person=people.employee, name="Min skript", scopes=["read"], days=30)
    assert issued.raw.startswith("smt_" + issued.token.prefix + "_")
    stored = ApiToken.objects.get()
    assert issued.raw not in {stored.digest, stored.prefix, stored.name}
    found = tokens.authenticate(issued.raw)
    assert found.pk == stored.pk and found.person == people.employee
    assert AuditEntry.objects.filter(action="api.token_created", actor_id=people.employee.pk)


@pytest.mark.parametrize("raw", [None, "", "smt_", "Bearer x", "smt_" + "a" * 200, "smt_x_y"])
def test_malformed_or_unknown_tokens_are_refused(people, raw):
    tokens.issue(person=people.employee, name="a", scopes=["read"], days=1)
    assert tokens.authenticate(raw) is None


def test_revoked_expired_and_deactivated_tokens_are_refused(people):
    issued = tokens.issue(person=people.employee, name="a", scopes=["read"], days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert tokens.authenticate(issued.raw) is None
    tokens.revoke(issued.token, by=people.employee)
    assert tokens.authenticate(issued.raw) is None

    other = tokens.issue(person=people.leader, name="b", scopes=["read"], days=1)
    people.leader.is_active = False
    people.leader.save()
    assert tokens.authenticate(other.raw) is None


def test_only_administrators_make_service_tokens_and_only_those_provision(people):
    with pytest.raises(PermissionDenied):
        tokens.issue(person=people.hr, name="x", scopes=["read"], days=1, kind="service")
    with pytest.raises(PermissionDenied):
        tokens.issue(person=people.admin, name="x", scopes=["scim"], days=1)
    service = tokens.issue(
        person=people.admin, name="Entra ID", scopes=["scim"], days=90, kind="service"
    )
    assert service.token.person == people.admin
    with pytest.raises(PermissionDenied):
        tokens.issue(person=people.admin, name="x", scopes=["read"], days=1, by=people.hr)


@pytest.mark.parametrize(
    ("name", "scopes", "days"),
    [
        ("", ["read"], 1),
        ("x", [], 1),
        ("x", ["root"], 1),
        ("x", ["read"], 0),
        ("x", ["read"], 9999),
    ],
)
def test_a_token_needs_a_name_a_known_scope_and_a_bounded_life(people, name, scopes, days):
    with pytest.raises(DomainError):
        tokens.issue(person=people.employee, name=name, scopes=scopes, days=days)


def test_the_rate_limit_counts_per_token_and_minute(people, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    issued = tokens.issue(person=people.employee, name="a", scopes=["read"], days=1)
    other = tokens.issue(person=people.employee, name="b", scopes=["read"], days=1)
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        assert [tokens.within_rate(issued.token) for _ in range(4)] == [True] * 3 + [False]
        assert tokens.within_rate(other.token)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        assert tokens.within_rate(issued.token)


def test_you_see_your_own_tokens_and_administrators_every_service_token(people):
    mine = tokens.issue(person=people.employee, name="a", scopes=["read"], days=1).token
    service = tokens.issue(
        person=people.admin, name="s", scopes=["read"], days=1, kind="service"
    ).token
    assert list(policy.api_tokens_visible_to(people.employee)) == [mine]
    assert service in policy.api_tokens_visible_to(people.admin)
    assert mine not in policy.api_tokens_visible_to(people.admin)
