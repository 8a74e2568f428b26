"""Single sign-on in a browser, on a phone: the sign-in page offers the provider, the
provider (a real OIDC provider on loopback) signs the person in and sends them back, and
someone Samtale does not know reads why they were turned away. Each page passes axe-core."""

import pytest
import requests
from django.utils.csp import CSP
from oidc_provider_mock import run_server_in_thread


@pytest.fixture
def provider(settings):
    with run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        settings.SAMTALE_SSO_PROVIDERS = [
            {
                "provider_id": "entra",
                "name": "Microsoft (Entra ID)",
                "client_id": "samtale-test",
                "secret": "not-a-real-secret",
                "settings": {"server_url": url, "link": "email"},
            }
        ]
        # As the settings do for a configured provider: the form may lead there.
        settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, url]}
        yield url


def sso(visitor, provider, sub, claims):
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=5).raise_for_status()
    visitor.goto("/logg-inn/")
    visitor.check("login")
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("button", name="Logg inn med Microsoft (Entra ID)").click()
    visitor.page.fill("#subject-input", sub)
    with visitor.page.expect_navigation():
        visitor.page.get_by_role("button", name="Authorize", exact=True).click()
    # The test provider's own page asks a CDN for its style sheet, which loopback cannot
    # reach: that error is the provider's, not Samtale's.
    visitor.console_errors.clear()


def test_a_known_person_signs_in_and_a_stranger_is_told_why_not(visitor_factory, demo, provider):
    kari = demo["employee"]
    visitor = visitor_factory("sso", width=360, height=740)
    sso(visitor, provider, "entra-kari", {"email": kari.email, "email_verified": True})
    visitor.page.wait_for_url(visitor.base_url + "/")
    assert kari.first_name in visitor.page.locator("body").inner_text()

    stranger = visitor_factory("sso-stranger", width=360, height=740)
    sso(stranger, provider, "entra-ukjent", {"email": "ukjent@example.no", "email_verified": True})
    assert "kjenner deg ikke" in stranger.page.locator("main").inner_text()
    stranger.check("refused")
