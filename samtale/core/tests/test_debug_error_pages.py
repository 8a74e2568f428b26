"""Under DEBUG (`make run`) a missing or forbidden page is the app's own page, not Django's
technical page that lists every URL pattern; a real error keeps the technical page."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Django's technical 404 page names the URLconf and lists its patterns.
TECHNICAL = ("URLconf", "int:pk")


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = "samtale.core.tests.crash_urls"


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


@pytest.mark.parametrize("role", ["anonymous", "employee", "admin"])
def test_an_address_no_pattern_matches_gets_the_apps_404_page(debug, client_for, role):
    response = client_for(role).get("/finnes-ikke/")
    assert response.status_code == 404
    assert "errors/404.html" in _templates(response)
    assert not [text for text in TECHNICAL if text in response.content.decode()]


def test_a_view_that_finds_nothing_gets_the_apps_404_page(debug, client_for):
    response = client_for("leader").get(reverse("conversation_detail", args=[999999]))
    assert response.status_code == 404
    assert "errors/404.html" in _templates(response)
    assert not [text for text in TECHNICAL if text in response.content.decode()]


def test_a_refusal_gets_the_apps_403_page(debug, client_for):
    response = client_for("employee").get(reverse("person_create"))
    assert response.status_code == 403
    assert "errors/403.html" in _templates(response)


def test_a_missing_slash_is_still_redirected(debug, client_for):
    response = client_for("employee").get("/samtaler")
    assert (response.status_code, response["Location"]) == (301, "/samtaler/")


def test_a_real_error_keeps_djangos_technical_page(debug, people):
    client = Client(raise_request_exception=False)
    client.force_login(people.employee)
    response = client.get("/krasj/")
    assert response.status_code == 500
    assert "a real error" in response.content.decode()
    assert "errors/500.html" not in _templates(response)


def test_without_debug_the_pages_are_the_same(client_for):
    response = client_for("employee").get("/finnes-ikke/")
    assert response.status_code == 404
    assert "errors/404.html" in _templates(response)


def test_without_debug_a_real_error_gets_the_apps_500_page_in_its_stylesheet(settings, people):
    # The page is plain HTML (the database or the templates may be why it is shown): it
    # links the one stylesheet the other pages link, by the name collectstatic keeps too.
    settings.ROOT_URLCONF = "samtale.core.tests.crash_urls"
    client = Client(raise_request_exception=False)
    client.force_login(people.employee)
    response = client.get("/krasj/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Noe gikk galt" in body and "a real error" not in body
    assert '<link rel="stylesheet" href="/static/css/bundle.css">' in body
    assert (settings.BASE_DIR / "static" / "css" / "bundle.css").exists()
