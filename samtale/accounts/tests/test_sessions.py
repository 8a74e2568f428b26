from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone


def test_a_session_ends_after_30_idle_minutes(client_for):
    client = client_for("employee")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response.headers["Location"]


def test_activity_keeps_a_session_alive_up_to_12_hours(client_for):
    client = client_for("employee")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert client.get(reverse("home")).status_code == 302


def _after_an_idle_hour(client, request):
    """`request(client)` an hour after the client's last request: the session has expired."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        return request(client)


def test_an_expired_htmx_request_is_sent_to_the_login_page(client_for):
    response = _after_an_idle_hour(
        client_for("leader"),
        lambda c: c.get(reverse("person_list"), headers={"HX-Request": "true"}),
    )
    # Not a 302: htmx's request would follow it unseen and swap the login page into the list.
    assert response.status_code == 401
    assert reverse("login") in response.headers["HX-Redirect"]
    # The person's drafts stay for them (drafts.js on the login page), unlike at sign-out.
    assert "Clear-Site-Data" not in response.headers


def test_an_expired_session_keeps_the_drafts_for_the_person(client_for):
    response = _after_an_idle_hour(client_for("employee"), lambda c: c.get(reverse("home")))
    assert response.status_code == 302
    # What was typed before the end is saved after signing in again (issue 11).
    assert "Clear-Site-Data" not in response.headers


def test_an_expired_autosave_keeps_the_drafts_for_the_person(client_for):
    # autosave.js posts with redirect: "manual" and reads the 302 as "signed out".
    response = _after_an_idle_hour(
        client_for("employee"),
        lambda c: c.post(
            reverse("note_save", args=[1, "motivasjon"]),
            {"text": "Utkast", "version": 0},
            headers={"Accept": "application/json"},
        ),
    )
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response.headers


def test_signing_out_asks_the_browser_to_forget_its_drafts(client_for):
    response = client_for("employee").post(reverse("logout"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("login")
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_a_live_session_keeps_the_browser_storage(client_for):
    response = client_for("employee").get(reverse("home"))
    assert "Clear-Site-Data" not in response.headers


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_the_login_page_runs_the_script_that_forgets_every_draft(client):
    body = client.get(reverse("login")).content.decode()
    assert 'js/drafts.js" data-forget-all></script>' in body


def test_pages_with_personal_data_are_never_cached(client_for):
    response = client_for("employee").get(reverse("home"))
    assert "no-store" in response.headers["Cache-Control"]


def test_the_content_security_policy_allows_no_inline_script_but_the_one_with_its_nonce(
    client_for,
):
    response = client_for("employee").get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()
    # Our files, and the one inline line in <head> by this response's nonce; no eval.
    assert script_src[:2] == ["script-src", "'self'"] and len(script_src) == 3
    assert script_src[2].startswith("'nonce-") and "unsafe" not in " ".join(script_src)
    assert f'<script nonce="{script_src[2][7:-1]}">' in response.content.decode()
    assert "frame-ancestors 'none'" in csp


def test_htmx_requests_carry_the_csrf_token_from_the_body(client_for):
    response = client_for("employee").get(reverse("home"))
    body = response.content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body
