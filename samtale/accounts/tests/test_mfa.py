"""Two-factor sign-in: an authenticator app (TOTP) with recovery codes, set up on
allauth.mfa's pages; asked for after the password from anyone who has one; required of
everyone who reads another person's conversation or data (leaders, their leaders, a
conversation's stand-in leader, union representatives, HR, administrators and archive staff)
when the municipality's SAMTALE_REQUIRE_MFA is on (production's default)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale.accounts import mfa
from samtale.accounts.tokens import password_reset_token
from samtale.core.tests.test_settings import LOAD, PRODUCTION, _run

PASSWORD = "a-long-test-password-1"


def code(secret: str, at=None) -> str:
    at = at or timezone.now()
    return format_hotp_value(hotp_value(secret, int(at.timestamp()) // 30))


@pytest.fixture
def require_mfa(settings):
    settings.SAMTALE_REQUIRE_MFA = True


def password_sign_in(client, person):
    person.set_password(PASSWORD)
    person.save()
    return client.post(reverse("login"), {"username": person.email, "password": PASSWORD})


@pytest.fixture
def enrol():
    def enrol(client) -> str:
        """Sets up an authenticator app on the page; the secret it shows."""
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200
        secret = client.session[SECRET_SESSION_KEY]
        assert secret in page.content.decode()
        response = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
        assert response.status_code == 302, response.content
        return secret

    return enrol


def test_production_requires_a_second_factor_by_default():
    result = _run(
        LOAD.replace("PASSWORD_HASHERS[0]", "SAMTALE_REQUIRE_MFA"),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("role", "required"),
    [
        ("hr", True),
        ("admin", True),
        ("employee", False),
        ("other_employee", False),
        ("leader", True),
        ("other_leader", True),
        ("leaders_leader", True),
    ],
)
def test_who_must_use_a_second_factor(people, require_mfa, role, required):
    assert mfa.requires_mfa(people.by_role(role)) is required


def test_a_union_representative_and_a_conversations_stand_in_leader_must_too(people, require_mfa):
    """Whoever reads another's data: a union representative (the needs raised in their
    units), and an employee without reports who holds a colleague's conversation."""
    from samtale.conversations.models import Conversation
    from testkit.people import goals_version, make_union_rep

    assert mfa.requires_mfa(make_union_rep(people))
    stand_in = people.other_employee
    assert not mfa.requires_mfa(stand_in)
    Conversation.objects.create(
        employee=people.employee, leader=stand_in, guide_version=goals_version()
    )
    del stand_in._samtale_requires_mfa
    assert mfa.requires_mfa(stand_in)


def test_archive_staff_must_too(people, require_mfa):
    people.employee.is_archivist = True
    people.employee.save()
    people.employee._samtale_roles = None
    del people.employee._samtale_roles
    assert mfa.requires_mfa(people.employee)


def test_hr_without_a_second_factor_is_sent_to_set_one_up(client, people, require_mfa, enrol):
    password_sign_in(client, people.hr)
    response = client.get(reverse("person_list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    # Setting one up, the profile of it, and signing out stay open.
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200

    enrol(client)
    assert client.get(reverse("person_list")).status_code == 200
    assert Authenticator.objects.filter(user=people.hr, type="totp").exists()
    assert Authenticator.objects.filter(user=people.hr, type="recovery_codes").exists()


def test_a_leader_without_a_second_factor_is_sent_to_set_one_up(client, people, require_mfa):
    password_sign_in(client, people.leader)
    response = client.get(reverse("conversation_list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")


def test_an_employee_may_go_without(client, people, require_mfa):
    password_sign_in(client, people.employee)
    assert client.get(reverse("home")).status_code == 200


def test_with_an_authenticator_the_password_alone_does_not_sign_in(
    client, people, require_mfa, enrol
):
    password_sign_in(client, people.hr)
    secret = enrol(client)
    client.post(reverse("logout"))

    later = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(later):
        other = Client()
        response = password_sign_in(other, people.hr)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert not other.get(reverse("home")).wsgi_request.user.is_authenticated

        wrong = other.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert not other.get(reverse("home")).wsgi_request.user.is_authenticated

        response = other.post(reverse("mfa_authenticate"), {"code": code(secret, later)})
        assert response.status_code == 302
        assert other.get(reverse("person_list")).status_code == 200


def test_a_recovery_code_signs_in_once(client, people, enrol):
    password_sign_in(client, people.employee)
    enrol(client)
    recovery = Authenticator.objects.get(user=people.employee, type="recovery_codes")
    first = recovery.wrap().get_unused_codes()[0]
    client.post(reverse("logout"))

    other = Client()
    password_sign_in(other, people.employee)
    assert other.post(reverse("mfa_authenticate"), {"code": first}).status_code == 302
    assert other.get(reverse("home")).wsgi_request.user == people.employee
    other.post(reverse("logout"))

    again = Client()
    password_sign_in(again, people.employee)
    assert again.post(reverse("mfa_authenticate"), {"code": first}).status_code == 200
    assert not again.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_password_reset_still_asks_for_the_second_factor(client, people, enrol):
    password_sign_in(client, people.employee)
    enrol(client)
    client.post(reverse("logout"))
    people.employee.refresh_from_db()
    uid = urlsafe_base64_encode(force_bytes(people.employee.pk))
    token = password_reset_token.make_token(people.employee)
    other = Client()
    form = other.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    new = "another-long-password-2"
    response = other.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not other.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_api_answers_json_until_the_second_factor(client, people, require_mfa, enrol):
    password_sign_in(client, people.hr)
    response = client.get("/api/v1/me")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    enrol(client)
    assert client.get("/api/v1/me").status_code == 200


def test_the_security_key_button_names_a_form_the_page_has(client, people, require_mfa, enrol):
    """The second factor's page offers a security key: its button submits the form it names
    (HTML's form attribute). allauth's form element lost its id in our template, so the
    button named no form and did nothing; HTML_CodeSniffer found the form without a button."""
    import re

    password_sign_in(client, people.hr)
    enrol(client)
    client.post(reverse("logout"))
    other = Client()
    password_sign_in(other, people.hr)
    page = other.get(reverse("mfa_authenticate")).text
    named = re.findall(r'<button[^>]*\bform="([^"]+)"', page)
    assert "webauthn_form" in named
    for form in named:
        assert f'id="{form}"' in page, form
