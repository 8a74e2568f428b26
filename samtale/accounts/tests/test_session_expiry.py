"""When the session ends (issue 11): the page is warned and may continue, an htmx request is
sent to the login page without a followed redirect, and the person comes back to the page
they were on with what they had typed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

HTMX_FROM_MY_ACTIONS = {"HX-Request": "true", "HX-Current-URL": "http://testserver/mine-tiltak/"}


@pytest.fixture
def start():
    return timezone.now()


def _at(start, **delta):
    return time_machine.travel(start + timedelta(**delta), tick=False)


def _signed_in_at(start, client):
    with _at(start):
        assert client.get(reverse("home")).status_code == 200  # starts the session's clocks
    return client


def _status(client, method="get") -> dict:
    response = getattr(client, method)(reverse("session_status"))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    return response.json()


# --- htmx and forms after the end ----------------------------------------------------


def test_an_expired_htmx_post_gets_401_and_hx_redirect_back_to_the_page(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        response = client.post(
            reverse("action_update", args=[1]),
            {"status": "done", "comment": "Ferdig"},
            headers=HTMX_FROM_MY_ACTIONS,
        )
    # Never a redirect: htmx's request would follow it and swap the login page into the card.
    assert response.status_code == 401
    assert "Location" not in response.headers
    # Back to the page, not to the address the form posts to (it answers POST only).
    assert response.headers["HX-Redirect"] == "/logg-inn/?next=/mine-tiltak/"
    assert response.content == b""


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_an_htmx_request_without_any_session_gets_401_and_hx_redirect(client):
    response = client.get(
        reverse("follow_up_person", args=[1]),
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/oppfolging/?status=open",
        },
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/logg-inn/?next=/oppfolging/%3Fstatus%3Dopen"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_an_htmx_request_from_another_site_is_not_sent_back_there(client):
    response = client.get(
        reverse("my_actions"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/mine-tiltak/"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/logg-inn/"


def test_an_expired_page_request_is_still_redirected_to_the_login_page(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        response = client.get(reverse("my_actions") + "?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/?next=/mine-tiltak/%3Fx%3D1"


def test_an_expired_form_post_comes_back_to_the_page_it_was_posted_from(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        response = client.post(
            reverse("action_update", args=[1]),
            {"status": "done", "comment": "Ferdig"},
            headers={"Referer": "http://testserver/tiltak/1/"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/?next=/tiltak/1/"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_a_form_post_from_another_site_is_not_sent_back_there(client):
    response = client.post(
        reverse("action_update", args=[1]),
        {"status": "done"},
        headers={"Referer": "https://evil.example/tiltak/1/"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/"


# --- the clock the page asks -----------------------------------------------------------


def test_the_status_tells_how_long_is_left(client_for, start, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=10):
        assert _status(client) == {"signed_in": True, "seconds_left": 20 * 60, "renewable": True}


def test_asking_how_long_is_left_does_not_keep_an_idle_session_alive(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    for minutes in (5, 10, 15, 20, 25, 29):
        with _at(start, minutes=minutes):
            assert _status(client)["seconds_left"] == (30 - minutes) * 60
    with _at(start, minutes=31):
        assert _status(client) == {"signed_in": False, "seconds_left": 0, "renewable": False}
        # The status request ended the session; the next page is the login page.
        assert client.get(reverse("home")).status_code == 302


def test_continuing_renews_the_session(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=28, seconds=30):
        assert _status(client, "post") == {
            "signed_in": True,
            "seconds_left": 30 * 60,
            "renewable": True,
        }
    with _at(start, minutes=28 + 29):
        assert client.get(reverse("home")).status_code == 200


def test_continuing_cannot_pass_the_absolute_limit(client_for, start):
    client = _signed_in_at(start, client_for("employee"))
    for minutes in range(20, 11 * 60 + 50, 20):
        with _at(start, minutes=minutes):
            client.get(reverse("home"))
    with _at(start, hours=11, minutes=59):
        assert _status(client, "post") == {
            "signed_in": True,
            "seconds_left": 60,
            "renewable": False,
        }
    with _at(start, hours=12, minutes=1):
        assert _status(client)["signed_in"] is False


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_a_signed_out_visitor_is_told_so(client):
    assert _status(client) == {"signed_in": False, "seconds_left": 0, "renewable": False}
    assert _status(client, "post") == {"signed_in": False, "seconds_left": 0, "renewable": False}


def test_the_status_refuses_other_methods(client_for):
    assert client_for("employee").delete(reverse("session_status")).status_code == 405


# --- the warning on the page ---------------------------------------------------------


def test_a_signed_in_page_carries_the_warning_with_the_time_left(client_for, start, settings):
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_WARNING_SECONDS = 50
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, seconds=10):
        body = client.get(reverse("my_actions")).content.decode()
    assert '<dialog id="session-warning"' in body
    assert 'data-seconds-left="50"' in body
    assert 'data-warn-seconds="50"' in body
    assert 'data-renewable="true"' in body
    assert 'data-status-url="/konto/okt/"' in body
    assert f'data-owner="{client.session["_auth_user_id"]}"' in body
    assert 'js/session.js"></script>' in body
    # Its own sign-out form carries the token; "Continue" posts with the body's hx-headers.
    assert 'action="/logg-ut/"><input type="hidden" name="csrfmiddlewaretoken"' in body


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_the_login_page_has_no_warning(client):
    assert "session-warning" not in client.get(reverse("login")).content.decode()


# --- the drafts on the login page ----------------------------------------------------


def test_after_an_expiry_the_login_page_keeps_that_persons_drafts(client_for, people, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        response = client.get(reverse("home"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain == [("/logg-inn/?next=/", 302)]
    assert f'data-keep-for="{people.employee.pk}" data-keep-seconds="43200"' in body
    assert "data-forget-all" not in body


def test_an_expiry_found_by_the_status_request_also_keeps_the_drafts(client_for, people, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        _status(client)
        body = client.get(reverse("login") + "?next=/mine-tiltak/").content.decode()
    assert f'data-keep-for="{people.employee.pk}"' in body


def test_the_login_page_of_an_expired_session_is_shown_not_redirected(client_for, people, start):
    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        response = client.get(reverse("login") + "?next=/mine-tiltak/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-keep-for="{people.employee.pk}"' in body
    assert 'name="next" value="/mine-tiltak/"' in body


def test_after_a_sign_out_the_login_page_forgets_every_draft(client_for):
    client = client_for("employee")
    response = client.post(reverse("logout"), follow=True)
    body = response.content.decode()
    assert 'js/drafts.js" data-forget-all></script>' in body
    assert "data-keep-for" not in body


def test_signing_in_again_clears_the_mark(client_for, people, start):
    from testkit.people import PASSWORD

    client = _signed_in_at(start, client_for("employee"))
    with _at(start, minutes=31):
        client.get(reverse("home"))
        assert client.session["expired_for"] == people.employee.pk
        response = client.post(
            reverse("login") + "?next=/mine-tiltak/",
            {"username": people.employee.email, "password": PASSWORD, "next": "/mine-tiltak/"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/mine-tiltak/"
    assert "expired_for" not in client.session


def test_a_short_session_stays_alive_while_the_person_is_busy(client_for, start, settings):
    # A one-minute session (the browser test's) refreshes its idle clock within the minute.
    settings.SESSION_IDLE_MINUTES = 1
    client = _signed_in_at(start, client_for("employee"))
    for seconds in (20, 40, 60, 80, 100):
        with _at(start, seconds=seconds):
            assert client.get(reverse("home")).status_code == 200, seconds
    with _at(start, seconds=100 + 61):
        assert client.get(reverse("home")).status_code == 302
