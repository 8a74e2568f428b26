"""Two-factor in a browser: HR, required to have a second factor, signs in, is sent to set
up an authenticator app, reads the secret off the page, enters a code, and is let on; the
next sign-in asks for a code. On a phone, in Norwegian, each page passing axe-core."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.utils import timezone

from tests.browser.conftest import DEMO_PASSWORD


def code(secret: str, at) -> str:
    return format_hotp_value(hotp_value(secret, int(at.timestamp()) // 30))


@pytest.fixture
def require_mfa(settings):
    settings.SAMTALE_REQUIRE_MFA = True


def test_hr_sets_up_an_authenticator_app_and_signs_in_with_it(visitor_factory, demo, require_mfa):
    hr = demo["hr"]
    visitor = visitor_factory("two-factor", width=360, height=740)
    page = visitor.page
    visitor.goto("/logg-inn/")
    page.fill("#id_username", hr.email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/konto/tofaktor/")
    assert "andre faktor" in page.locator("main").inner_text()
    visitor.check("required")

    page.locator("main a[href$='/totp/activate/']").click()
    page.wait_for_url("**/konto/tofaktor/totp/activate/")
    visitor.check("activate")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", code(secret, timezone.now()))
    page.click("main button[type=submit]")
    page.wait_for_url("**/konto/tofaktor/**")
    visitor.goto("/personer/")
    assert page.url.endswith("/personer/")

    # Signing in again, in another browser: the password, then a code from the app.
    visitor = visitor_factory("two-factor-again", width=360, height=740)
    page = visitor.page
    later = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(later):
        visitor.goto("/logg-inn/")
        page.fill("#id_username", hr.email)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/konto/tofaktor/authenticate/")
        visitor.check("authenticate")
        page.fill("#id_code", code(secret, later))
        page.click("main button[type=submit]")
        page.wait_for_url(visitor.base_url + "/")
        visitor.goto("/personer/")
        assert page.url.endswith("/personer/")
