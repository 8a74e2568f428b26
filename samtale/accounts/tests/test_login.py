from datetime import timedelta
from ipaddress import ip_network

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.accounts import devices, services
from samtale.accounts.models import FailedLogin, LoginThrottle
from samtale.core.http import client_ip
from testkit.people import PASSWORD


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def _choose_password(client, message, password):
    """Follow the reset link in `message` and choose `password`."""
    link = next(word for word in message.body.split() if "/passord/ny/" in word)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_it_signs_in_with_email_and_password(client, people):
    response = _login(client, "Employee@Test.example", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")


def test_it_refuses_a_wrong_password_with_a_message(client, people):
    response = _login(client, people.employee.email, "wrong")
    assert response.status_code == 200
    assert "Feil e-post eller passord" in response.content.decode()
    assert FailedLogin.objects.filter(email=people.employee.email).count() == 1
    assert LoginThrottle.objects.get(email=people.employee.email).failures == 1


def test_it_refuses_an_inactive_person(client, people):
    people.employee.is_active = False
    people.employee.save()
    response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_failures_slow_the_next_attempt_down_instead_of_locking(client, people, settings):
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(client, people.employee.email, "wrong")
    # The right password, at once: asked to wait, not locked for a quarter of an hour.
    response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 200
    assert "Vent 30 sekunder" in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert _login(client, people.employee.email, PASSWORD).status_code == 302


def test_the_wait_doubles_with_each_failure_up_to_a_limit(settings):
    free = settings.LOGIN_FREE_FAILURES
    waits = [services.throttle_delay(free + n) for n in range(7)]
    assert services.throttle_delay(free - 1) == 0
    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_an_attempt_during_the_wait_is_not_counted_as_a_failure(client, people, settings):
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(client, people.employee.email, "wrong")
    for _ in range(3):
        _login(client, people.employee.email, "wrong")
    throttle = LoginThrottle.objects.get(email=people.employee.email)
    assert throttle.failures == settings.LOGIN_FREE_FAILURES


def test_a_stranger_cannot_keep_the_owner_out_of_a_device_they_used_before(people, settings):
    owner, stranger = Client(), Client()
    assert _login(owner, people.employee.email, PASSWORD).status_code == 302
    owner.post(reverse("logout"))
    for _ in range(settings.LOGIN_FREE_FAILURES + 3):
        _login(stranger, people.employee.email, "guess")
    assert "Vent" in _login(stranger, people.employee.email, PASSWORD).content.decode()
    assert _login(owner, people.employee.email, PASSWORD).status_code == 302


def test_the_device_cookie_is_for_one_person_and_cannot_be_forged(people, settings):
    owner = Client()
    _login(owner, people.employee.email, PASSWORD)
    owner.post(reverse("logout"))
    forged = Client()
    forged.cookies[devices.COOKIE] = f"{people.leader.pk}:0:abc"
    for client in (owner, forged):
        for _ in range(settings.LOGIN_FREE_FAILURES):
            _login(Client(), people.leader.email, "guess")
        # The employee's device is not the leader's, and an unsigned cookie is no device.
        assert "Vent" in _login(client, people.leader.email, PASSWORD).content.decode()
        LoginThrottle.objects.all().delete()


def test_a_device_that_fails_too_often_is_trusted_no_more(people, settings):
    owner = Client()
    _login(owner, people.employee.email, PASSWORD)
    owner.post(reverse("logout"))
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(owner, people.employee.email, "wrong")
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(owner, people.employee.email, "wrong")
    assert "Vent" in _login(owner, people.employee.email, PASSWORD).content.decode()


def test_after_very_many_failures_only_a_new_password_signs_in(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_DELAY_SECONDS = 0
    settings.LOGIN_HARD_STOP_FAILURES = 12
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            _login(client, people.employee.email, "wrong")
    response = _login(client, people.employee.email, PASSWORD)
    assert "Innlogging med passord er stoppet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    stop = [m for m in mail.outbox if "stoppet" in m.subject]
    assert [m.to for m in stop] == [[people.employee.email]]
    mail.outbox.clear()
    new = "a-new-long-password-9"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": people.employee.email})
    _choose_password(client, mail.outbox[0], new)
    assert _login(client, people.employee.email, new).status_code == 302


def test_however_a_stranger_slows_them_a_new_password_signs_the_owner_in(
    people, settings, django_capture_on_commit_callbacks
):
    stranger, owner = Client(), Client()
    for _ in range(settings.LOGIN_FREE_FAILURES + 2):
        _login(stranger, people.employee.email, "guess")
    assert "Vent" in _login(owner, people.employee.email, PASSWORD).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("password_reset"), {"email": people.employee.email})
    _choose_password(owner, mail.outbox[-1], "a-new-long-password-9")
    assert owner.get(reverse("home")).status_code == 200
    # The stranger goes on; the browser the owner used is theirs now.
    for _ in range(3):
        _login(stranger, people.employee.email, "guess")
    owner.post(reverse("logout"))
    assert _login(owner, people.employee.email, "a-new-long-password-9").status_code == 302


def test_a_burst_of_parallel_guesses_gets_only_the_free_attempts(people, settings):
    # Each attempt counts from the moment it is let through, so the sixth waits even when
    # none of the first five has failed yet.
    gates = [
        services.login_gate(email=people.employee.email, ip="192.0.2.1")
        for _ in range(settings.LOGIN_FREE_FAILURES + 3)
    ]
    let_through = [g for g in gates if not g.wait_seconds and not g.stopped]
    assert len(let_through) == settings.LOGIN_FREE_FAILURES


def test_a_spelling_the_database_folds_into_an_address_signs_in_as_nobody(client, people):
    # PostgreSQL's case folding takes the dotless i for an i; the throttle would count it
    # as another address.
    assert "i" in people.admin.email
    response = _login(client, people.admin.email.replace("i", "\u0131"), PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_a_device_is_trusted_no_more_once_the_password_changes(people, settings):
    owner = Client()
    _login(owner, people.employee.email, PASSWORD)
    owner.post(reverse("logout"))
    people.employee.set_password("another-long-password-1")
    people.employee.save()
    for _ in range(settings.LOGIN_FREE_FAILURES):
        _login(Client(), people.employee.email, "guess")
    response = _login(owner, people.employee.email, "another-long-password-1")
    assert "Vent" in response.content.decode()


def test_the_person_is_told_once_a_day_when_their_sign_in_is_slowed(
    client, people, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.LOGIN_FREE_FAILURES):
            _login(client, people.employee.email, "wrong")
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            _login(client, people.employee.email, "wrong")
    assert [m.to for m in mail.outbox] == [[people.employee.email]]
    body = mail.outbox[0].body
    assert "5 mislykkede forsøk" in body and "wrong" not in body


def test_an_unknown_address_is_answered_like_a_known_one(client, people, settings):
    for email in ("nobody@test.example", people.employee.email):
        for _ in range(settings.LOGIN_FREE_FAILURES):
            _login(client, email, "wrong")
    unknown = _login(client, "nobody@test.example", "wrong").content.decode()
    known = _login(client, people.employee.email, "wrong").content.decode()
    assert "Vent 30 sekunder" in unknown and "Vent 30 sekunder" in known


def test_a_success_forgets_the_failures(client, people):
    _login(client, people.employee.email, "wrong")
    _login(client, people.employee.email, PASSWORD)
    assert not LoginThrottle.objects.filter(email=people.employee.email).exists()


# One client address, many people (a proxy) -------------------------------------------


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """The pauses the sign-in form makes (accounts.forms: time.sleep), recorded, not slept:
    what is asserted is the pause asked for, never a duration measured."""
    asked: list[float] = []
    monkeypatch.setattr("samtale.accounts.forms.time.sleep", asked.append)
    return asked


def test_one_address_trying_many_emails_is_slowed_but_right_credentials_get_in(
    client, people, settings, pauses
):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    settings.LOGIN_IP_MAX_PAUSE_SECONDS = 0.3
    for n in range(6):
        _login(client, f"nobody{n}@test.example", "wrong")
    pauses.clear()
    response = _login(client, people.employee.email, PASSWORD)
    assert response.status_code == 302
    assert pauses == [0.3]


PROXY = {"REMOTE_ADDR": "10.0.0.1"}


def test_behind_a_trusted_proxy_each_client_is_limited_by_its_own_address(
    client, people, settings, pauses
):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/24")]
    settings.LOGIN_MAX_FAILURES_PER_IP = 50
    settings.LOGIN_IP_MAX_PAUSE_SECONDS = 1.0
    for n in range(60):
        client.post(
            reverse("login"),
            {"username": f"made-up{n}@test.example", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **PROXY,
        )
    assert set(FailedLogin.objects.values_list("ip", flat=True)) == {"203.0.113.5"}
    assert pauses  # the one address was slowed
    pauses.clear()
    colleague = Client()
    response = colleague.post(
        reverse("login"),
        {"username": people.employee.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **PROXY,
    )
    assert response.status_code == 302
    assert pauses == []  # the colleague behind the same proxy, not


def test_x_forwarded_for_from_anyone_but_a_trusted_proxy_is_ignored(client, people, settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.1/32")]
    client.post(
        reverse("login"),
        {"username": people.employee.email, "password": "wrong"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        REMOTE_ADDR="192.0.2.9",
    )
    assert FailedLogin.objects.get().ip == "192.0.2.9"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("192.0.2.9", "", "192.0.2.9"),
        ("192.0.2.9", "198.51.100.7", "192.0.2.9"),
        ("10.0.0.1", "198.51.100.7", "198.51.100.7"),
        # A client's own header lies to the left of what the proxy saw.
        ("10.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two trusted proxies in a row.
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("10.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Ports, as some proxies write them, and a proxy's IPv4 address mapped into IPv6.
        ("10.0.0.1", "203.0.113.9:41234", "203.0.113.9"),
        ("10.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:10.0.0.5", "198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_address_is_read_past_trusted_proxies_only(
    rf, settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/24")]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


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
