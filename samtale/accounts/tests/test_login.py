from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samtale.accounts.models import FailedLogin
from samtale.core.testing import PASSWORD


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_signs_in_with_email_and_password(client, people):
    response = _login(client, "Employee@Test.example", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")


def test_it_refuses_a_wrong_password_with_a_message(client, people):
    response = _login(client, people.employee.email, "wrong")
    assert response.status_code == 200
    assert "Feil e-post eller passord" in response.content.decode()
    assert FailedLogin.objects.filter(email=people.employee.email).count() == 1


def test_it_refuses_an_inactive_person(client, people):
    people.employee.is_active = False
    people.employee.save()
    response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_locks_the_email_out_after_five_failures(client, people, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, people.employee.email, "wrong")
    response = _login(client, people.employee.email, "wrong")
    assert "For mange mislykkede innlogginger" in response.content.decode()
    # Even the right password is refused while locked.
    response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 200
    assert "sperret i 15 minutter til" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_when_the_window_has_passed(client, people, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login(client, people.employee.email, "wrong")
    with time_machine.travel(
        timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    ):
        response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 302


def test_a_lockout_of_one_email_does_not_lock_another(client, people, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login(client, people.employee.email, "wrong")
    assert _login(client, people.leader.email, PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client, people):
    _login(client, people.employee.email, "wrong")
    _login(client, people.employee.email, PASSWORD)
    assert not FailedLogin.objects.filter(email=people.employee.email).exists()


def test_one_address_trying_many_emails_is_locked_out(client, people, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        _login(client, f"nobody{n}@test.example", "wrong")
    response = _login(client, people.employee.email, PASSWORD)
    assert "For mange mislykkede innlogginger" in response.content.decode()


def test_logout_needs_a_post(client_for):
    client = client_for("employee")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("email", ["employee@test.example", "EMPLOYEE@test.example"])
def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, people, email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people.employee.email]
    # The one-time link is in the mail, never in the database.
    from samtale.notifications.models import OutboundEmail

    record = OutboundEmail.objects.get(kind="password_reset")
    assert record.status == "sent" and "passord/ny" not in str(record.ref)
    link = next(word for word in message.body.split() if "/passord/ny/" in word)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new = "a-new-long-password-9"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert _login(client, people.employee.email, new).status_code == 302


def test_password_reset_reaches_people_imported_without_a_password(
    client, people, django_capture_on_commit_callbacks
):
    people.employee.set_unusable_password()
    people.employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": people.employee.email})
    assert len(mail.outbox) == 1


def test_password_reset_says_the_same_for_an_unknown_address(client, people):
    response = client.post(reverse("password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_reset_mail_is_written_in_the_persons_language(
    client, people, django_capture_on_commit_callbacks
):
    people.employee.language = "en"
    people.employee.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": people.employee.email})
    message = mail.outbox[0]
    assert message.subject == "Choose your password for Samtale"
    html = message.alternatives[0].content
    assert "<a href=" in html
