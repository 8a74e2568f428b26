"""Single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock, a
Flask app started here): the browser's trip is played with Django's test client on our side
and HTTP requests on the provider's, and allauth talks to the provider over the network
for the discovery document, the token and the userinfo.

Nobody is created: a provider's user is let in only as a person HR registered, found the
first time by the claim the administrator chose and from then on by `sub`."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

from samtale.accounts import mfa, sso
from samtale.core.models import AuditEntry
from samtale.org.models import Person

CLIENT_ID = "samtale-test"


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def entra(settings, provider):
    def configure(link="employee_number:employeeid", provider_id="entra"):
        settings.SAMTALE_SSO_PROVIDERS = [
            {
                "provider_id": provider_id,
                "name": "Entra ID",
                "client_id": CLIENT_ID,
                "secret": "not-a-real-secret",
                "settings": {
                    "server_url": provider,
                    "oauth_pkce_enabled": True,
                    "link": link,
                },
            }
        ]

    configure()
    return configure


def sign_in(
    client: Client, provider: str, sub: str, claims: dict, *, provider_id="entra", tamper=None
):
    """The browser's round trip: Samtale → the provider's sign-in → back with a code."""
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": provider_id}), {"process": "login"}
    )
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(provider + "/oauth2/authorize")
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=5).raise_for_status()
    # The person signs in at the provider, which sends the browser back with a code.
    back = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    query = parse_qs(callback.query)
    if tamper:
        query = tamper(query)
    return client.get(callback.path, {k: v[0] for k, v in query.items()})


def test_the_sign_in_asks_for_a_code_with_pkce(client, people, entra, provider):
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": "entra"}), {"process": "login"}
    )
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["client_id"] == [CLIENT_ID] and query["state"][0]
    assert "openid" in query["scope"][0].split()


def test_the_first_sign_in_links_by_the_chosen_claim_and_later_ones_by_sub(
    client, people, entra, provider
):
    response = sign_in(client, provider, "entra-emma", {"employeeid": "103"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).wsgi_request.user == people.employee
    account = SocialAccount.objects.get(provider="entra", uid="entra-emma")
    assert account.user == people.employee
    assert AuditEntry.objects.filter(action="login.sso_linked", object_id=str(people.employee.pk))
    assert AuditEntry.objects.filter(action="login.succeeded", actor_id=people.employee.pk)

    # Later the claim no longer matters: the provider's `sub` names the person.
    again = Client()
    response = sign_in(again, provider, "entra-emma", {"employeeid": "changed"})
    assert response.status_code == 302
    assert again.get(reverse("home")).wsgi_request.user == people.employee


def test_only_the_claims_samtale_reads_are_kept_of_what_the_provider_sends(
    client, people, entra, provider
):
    """A provider that sends a national identity number, groups and a phone number: none of
    it is stored with the account, the first time or later (privacy.register)."""
    more = {"pid": "01017012345", "groups": ["hr-alle"], "phone_number": "+47 900 00 000"}
    sign_in(client, provider, "entra-emma", {"employeeid": "103", **more})
    sign_in(Client(), provider, "entra-emma", {"employeeid": "103", "amr": ["mfa"], **more})

    stored = SocialAccount.objects.get(uid="entra-emma").extra_data
    assert stored["id_token"]["sub"] == "entra-emma"
    assert stored["id_token"]["employeeid"] == "103"  # the claim this provider links by
    assert stored["id_token"]["amr"] == ["mfa"]
    names = {name for part in stored.values() for name in part}
    assert names <= sso.KEPT_CLAIMS | {"employeeid"}
    assert not {"pid", "groups", "phone_number"} & names
    assert "01017012345" not in str(stored)


def test_someone_samtale_does_not_know_is_turned_away_and_nothing_is_made(
    client, people, entra, provider
):
    before = Person.objects.count()
    response = sign_in(client, provider, "entra-stranger", {"employeeid": "999"})
    assert response.status_code == 403
    assert "Samtale does not know you" in response.content.decode() or "kjenner" in (
        response.content.decode()
    )
    assert Person.objects.count() == before
    assert not SocialAccount.objects.exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    assert AuditEntry.objects.filter(action="login.sso_refused", data__reason="unknown")


def test_an_unverified_email_address_does_not_link(client, people, entra, provider):
    """Feide says its addresses are not verified: linking by e-mail then refuses."""
    entra(link="email")
    claims = {"email": people.employee.email, "email_verified": False}
    assert sign_in(client, provider, "feide-emma", claims).status_code == 403
    claims["email_verified"] = True
    assert sign_in(client, provider, "feide-emma", claims).status_code == 302
    assert SocialAccount.objects.get(uid="feide-emma").user == people.employee


def test_a_person_whose_access_ended_is_turned_away(client, people, entra, provider):
    assert sign_in(client, provider, "entra-emma", {"employeeid": "103"}).status_code == 302
    people.employee.is_active = False
    people.employee.save()
    other = Client()
    assert sign_in(other, provider, "entra-emma", {"employeeid": "103"}).status_code == 403
    assert not other.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"employeeid": "103", "aud": "another-application"}, "wrong audience"),
        ({"employeeid": "103", "exp": 1_000_000_000}, "expired"),
        ({"employeeid": "103", "iss": "https://evil.example"}, "wrong issuer"),
    ],
)
def test_an_id_token_that_is_not_for_us_or_too_old_is_refused(
    client, people, entra, provider, claims, reason, caplog
):
    response = sign_in(client, provider, "entra-emma", claims)
    assert response.status_code == 400, reason
    # allauth checked the token itself (PyJWT's audience, expiry and issuer checks).
    assert "Invalid id_token" in caplog.text
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    assert not SocialAccount.objects.exists()
    assert AuditEntry.objects.filter(action="login.sso_refused")


def test_a_state_that_does_not_match_is_refused(client, people, entra, provider):
    def tamper(query):
        return {**query, "state": ["forged"]}

    response = sign_in(client, provider, "entra-emma", {"employeeid": "103"}, tamper=tamper)
    assert response.status_code == 400
    assert not SocialAccount.objects.exists()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_the_providers_own_second_factor_counts(client, people, entra, provider, settings):
    settings.SAMTALE_REQUIRE_MFA = True
    hr = people.hr
    assert sign_in(client, provider, "entra-hedda", {"employeeid": "105"}).status_code == 302
    # Without a second factor, HR is sent to set one up.
    assert client.get(reverse("person_list"))["Location"] == reverse("mfa_index")

    with_mfa = Client()
    response = sign_in(
        with_mfa, provider, "entra-hedda", {"employeeid": "105", "amr": ["pwd", "mfa"]}
    )
    assert response.status_code == 302
    assert with_mfa.session[sso.PROVIDER_MFA] is True
    assert with_mfa.get(reverse("person_list")).status_code == 200
    assert mfa.requires_mfa(hr)


def test_the_sign_in_page_offers_the_providers_and_can_drop_the_password(
    client, people, entra, settings
):
    page = client.get(reverse("login")).content.decode()
    assert reverse("openid_connect_login", kwargs={"provider_id": "entra"}) in page
    assert 'name="password"' in page

    settings.SAMTALE_PASSWORD_SIGNIN = False
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    response = client.post(
        reverse("login"), {"username": people.employee.email, "password": "secret-password-1"}
    )
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("password_reset")).status_code == 404


def test_a_language_chosen_before_single_sign_on_becomes_the_persons(
    client, people, entra, provider
):
    client.post(reverse("language_set"), {"language": "nn", "next": "/logg-inn/"})
    response = sign_in(client, provider, "entra-emma", {"employeeid": "103"})
    assert response.status_code == 302
    assert Person.objects.get(pk=people.employee.pk).language == "nn"
    assert client.get(reverse("home")).headers["Content-Language"] == "nn"
