"""In a browser: a person makes an API key on their profile, copies it from the page that
shows it once, and the REST API answers it; the API's docs run under the strict CSP."""

import pytest

from tests.browser.conftest import DEMO_PASSWORD

# Called as leaders and employees with keys of their own.
pytestmark = pytest.mark.usefixtures("keys_for_everyone")


def test_a_person_makes_a_key_and_the_api_answers_it(visitor_factory, demo):
    person = visitor_factory("api-keys")
    person.login(demo["employee"].email, DEMO_PASSWORD)
    person.goto("/profil/")
    person.page.click("a[href='/profil/api-nokler/']")
    person.page.fill("#id_name", "Min rapport")
    person.submit("main form.narrow button[type=submit]")
    token = person.page.input_value("#new-token")
    assert token.startswith("smt_")
    person.check("shown once")
    # Whole on the page, and copied by its button.
    box = person.page.locator("#new-token")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    person.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    person.page.click("button[data-copy='new-token']")
    person.page.locator("button[data-copy='new-token']", has_text="Kopiert").wait_for()
    assert person.page.evaluate("navigator.clipboard.readText()") == token

    answer = person.page.request.get(
        person.base_url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200
    assert answer.json()["email"] == demo["employee"].email

    person.goto("/profil/api-nokler/")
    assert person.page.locator("#new-token").count() == 0  # never shown again
    with person.page.expect_navigation():
        person.page.click("main table button[type=submit]")
    person.page.locator(".ds-tag", has_text="tilbakekalt").or_(
        person.page.locator(".ds-tag", has_text="trukket tilbake")
    ).wait_for()
    person.check("revoked")
    revoked = person.page.request.get(
        person.base_url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status == 401


def test_the_docs_run_under_the_content_security_policy(visitor_factory, demo):
    reader = visitor_factory("api-docs")
    response = reader.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI has loaded the schema from our own address and drawn the operations.
    reader.page.locator(".swagger-ui .opblock-summary-path", has_text="/api/v1/me").first.wait_for()
    reader.page.locator(".swagger-ui .title", has_text="Samtale API").wait_for()
    # The way back to Samtale, in the reader's language.
    assert reader.page.locator("html").get_attribute("lang") == "nb"
    reader.page.locator(".api-docs-header a[href='/']").wait_for()
    # A script or style the CSP refused, or a request elsewhere, is a console error.
    assert reader.console_errors == [], reader.console_errors
