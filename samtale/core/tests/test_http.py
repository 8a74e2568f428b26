"""Where a form sends the person back to, and the sign-in an htmx request is sent to: from
what the browser sent, which may be anything."""

import pytest
from django.test import Client, RequestFactory

from samtale.core.http import redirect_back, same_site_path


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/samtaler/1/forberedelse/?x=1#tema", "/samtaler/1/forberedelse/?x=1#tema"),
        # Words a script may send when it has no page to give: not names of URLs.
        ("undefined", "/fallback/"),
        ("null", "/fallback/"),
        ("_", "/fallback/"),
        ("", "/fallback/"),
        (None, "/fallback/"),
        # Another site, however it is written.
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("http://[", "/fallback/"),
    ],
)
def test_only_a_path_on_this_site_is_gone_back_to(target, expected):
    request = RequestFactory().post("/x/", {"next": target} if target is not None else {})
    assert same_site_path(request, target, "/fallback/") == expected
    assert redirect_back(request, "/fallback/")["Location"] == expected


def test_the_language_switch_goes_back_only_to_a_page_of_this_site(db):
    client = Client()
    assert client.post("/sprak/", {"language": "nn", "next": "_"})["Location"] == "/"
    assert client.post("/sprak/", {"language": "nn", "next": "/profil/"})["Location"] == "/profil/"


def test_an_htmx_request_signed_out_with_a_broken_current_url_is_sent_to_sign_in(db):
    response = Client().post(
        "/velg/manager/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://["
    )
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/logg-inn/")
