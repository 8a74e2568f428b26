from datetime import timedelta

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


def test_an_expired_htmx_request_is_sent_to_the_login_page(client_for):
    client = client_for("leader")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        response = client.get(reverse("person_list"), headers={"HX-Request": "true"})
    assert response.status_code == 302
    assert reverse("login") in response.headers["HX-Redirect"]


def test_pages_with_personal_data_are_never_cached(client_for):
    response = client_for("employee").get(reverse("home"))
    assert "no-store" in response.headers["Cache-Control"]


def test_the_content_security_policy_allows_no_inline_script(client_for):
    response = client_for("employee").get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]  # our files; no inline, no eval
    assert "frame-ancestors 'none'" in csp


def test_htmx_requests_carry_the_csrf_token_from_the_body(client_for):
    response = client_for("employee").get(reverse("home"))
    body = response.content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body
