"""Every sign-in, failed sign-in and sign-out is in the audit log (accounts.audit), with
where it came from; what was typed at a failure is never kept."""

import pytest
from django.test import Client
from django.urls import reverse

from samtale.accounts.audit import identifier_digest
from samtale.core.models import AuditEntry
from testkit.core import audit_writes_fail
from testkit.people import PASSWORD

ADDRESS = "203.0.113.9"


def _login(client, email, password):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ADDRESS
    )


def _everything_in(entry: AuditEntry) -> str:
    return " ".join(str(v) for v in AuditEntry.objects.values().get(pk=entry.pk).values())


def test_a_sign_in_is_recorded_with_who_and_from_where(client, people):
    _login(client, people.employee.email, PASSWORD)
    entry = AuditEntry.objects.get(action="login.succeeded")
    assert (entry.actor_id, entry.object_id, entry.ip) == (
        people.employee.pk,
        str(people.employee.pk),
        ADDRESS,
    )


def test_a_failed_sign_in_names_the_account_but_keeps_nothing_that_was_typed(client, people):
    _login(client, people.employee.email, "my-secret-Passw0rd")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.actor_id is None and entry.ip == ADDRESS
    assert (entry.object_type, entry.object_id) == ("org.person", str(people.employee.pk))
    assert entry.data == {"identifier": identifier_digest(people.employee.email)}
    everything = _everything_in(entry)
    assert "my-secret-Passw0rd" not in everything
    assert people.employee.email not in everything and "employee@" not in everything


def test_a_password_typed_into_the_address_field_is_not_kept(client, people):
    response = client.post(
        reverse("login"), {"username": "hunter2@x.no", "password": "x"}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.object_id == ""  # nobody's address
    assert "hunter2" not in _everything_in(entry)
    # The same address typed again gives the same digest: attempts can be told apart.
    client.post(reverse("login"), {"username": "HUNTER2@x.no ", "password": "y"})
    digests = AuditEntry.objects.filter(action="login.failed").values_list("data", flat=True)
    assert len({d["identifier"] for d in digests}) == 1


def test_an_attempt_turned_away_by_the_slowing_down_is_recorded(client, people, settings):
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(client, people.employee.email, "wrong")
    _login(client, people.employee.email, PASSWORD)
    entry = AuditEntry.objects.get(action="login.refused")
    assert entry.data["reason"] == "wait" and entry.object_id == str(people.employee.pk)
    assert AuditEntry.objects.filter(action="login.failed").count() == settings.LOGIN_FREE_FAILURES


def test_a_sign_out_is_recorded(client, people):
    _login(client, people.employee.email, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action="logout")
    assert (entry.actor_id, entry.ip) == (people.employee.pk, ADDRESS)


@pytest.mark.django_db(transaction=True)  # as in production: the request's own transactions
def test_a_sign_in_whose_entry_cannot_be_written_does_not_sign_in(people):
    client = Client(raise_request_exception=False)
    with audit_writes_fail():
        response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 500
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # to the login page


@pytest.mark.parametrize("password", [PASSWORD, "wrong"])
def test_the_sign_in_log_is_part_of_the_chain(client, people, password):
    from samtale.core.audit import chain_verify

    _login(client, people.employee.email, password)
    assert chain_verify().broken is None
