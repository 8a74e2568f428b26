import pytest
from django.urls import reverse
from django.utils import translation

from samtale.org.models import Person


def test_the_profile_shows_my_own_data(client_for, people):
    response = client_for("employee").get(reverse("profile"))
    body = response.content.decode()
    assert people.employee.email in body
    assert people.leader.full_name in body


def test_i_choose_my_language_and_the_app_speaks_it(client_for, people):
    client = client_for("employee")
    response = client.post(reverse("profile"), {"language": "nn"})
    assert response.status_code == 302
    assert Person.objects.get(pk=people.employee.pk).language == "nn"
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "nn"
    assert '<html lang="nn"' in response.content.decode()


def test_an_unknown_language_is_refused_and_changes_nothing(client_for, people):
    client = client_for("employee")
    response = client.post(reverse("profile"), {"language": "xx"})
    assert response.status_code == 200
    assert Person.objects.get(pk=people.employee.pk).language == "nb"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_the_footer_switch_sets_a_cookie_for_an_anonymous_visitor(client):
    response = client.post(reverse("language_set"), {"language": "en", "next": "/logg-inn/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/"
    assert response.cookies["samtale_language"].value == "en"
    assert client.get(reverse("login")).headers["Content-Language"] == "en"


def test_a_language_chosen_on_the_sign_in_page_becomes_the_persons_at_sign_in(client, people):
    """Siri chose nynorsk on the sign-in page: her home page greets her in nynorsk, and her
    profile says so from then on, on any device."""
    from testkit.people import PASSWORD

    assert people.employee.language == "nb"
    client.post(reverse("language_set"), {"language": "nn", "next": "/logg-inn/"})
    response = client.post(
        reverse("login"), {"username": people.employee.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=people.employee.pk).language == "nn"
    home = client.get(reverse("home"))
    assert home.headers["Content-Language"] == "nn"
    # Signed out and in again in another browser, without choosing: still nynorsk.
    from django.test import Client

    other = Client()
    other.post(reverse("login"), {"username": people.employee.email, "password": PASSWORD})
    assert other.get(reverse("home")).headers["Content-Language"] == "nn"


def test_signing_in_without_choosing_keeps_the_persons_language(client, people):
    from testkit.people import PASSWORD

    Person.objects.filter(pk=people.employee.pk).update(language="en")
    client.post(reverse("login"), {"username": people.employee.email, "password": PASSWORD})
    assert client.get(reverse("home")).headers["Content-Language"] == "en"
    assert Person.objects.get(pk=people.employee.pk).language == "en"


def test_the_profiles_choice_sets_the_browsers_cookie_too(client_for, people):
    response = client_for("employee").post(reverse("profile"), {"language": "en"})
    assert response.cookies["samtale_language"].value == "en"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_the_footer_switch_refuses_to_redirect_elsewhere(client):
    response = client.post(
        reverse("language_set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.django_db  # a request reads the register (is the home municipality open?)
def test_bokmal_is_the_default_language(client):
    with translation.override(None):
        response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "nb"


def test_dates_are_written_the_norwegian_way(client_for, people):
    from datetime import date

    people.employee.start_date = date(2026, 11, 22)
    people.employee.save()
    body = client_for("employee").get(reverse("profile")).content.decode()
    assert "22.11.2026" in body


def test_a_person_changes_their_password(client_for, people):
    client = client_for("employee")
    new = "another-long-password-7"
    response = client.post(
        reverse("password_change"),
        {"old_password": "correct-horse-battery", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    people.employee.refresh_from_db()
    assert people.employee.check_password(new)


def test_the_fields_about_the_person_name_their_purpose(client, client_for, people):
    """WCAG 1.3.5 Identify input purpose: each field that asks for something about the person
    themselves says what (autocomplete), so a browser or an aid can fill it or show it."""
    import re

    def purposes(html: str) -> dict[str, str]:
        found = {}
        for tag in re.findall(r"<(?:input|select)\b[^>]*>", html):
            name = re.search(r'\bname="([^"]+)"', tag)
            purpose = re.search(r'\bautocomplete="([^"]+)"', tag)
            if name and 'type="hidden"' not in tag:
                found[name.group(1)] = purpose.group(1) if purpose else ""
        return found

    sign_in = purposes(client.get(reverse("login")).text)
    assert sign_in["username"] == "email" and sign_in["password"] == "current-password"
    reset = purposes(client.get(reverse("password_reset")).text)
    assert reset["email"] == "email"
    assert purposes(client.get(reverse("login")).text)["language"] == "language"  # the footer
    mine = client_for("employee")
    assert purposes(mine.get(reverse("profile")).text)["language"] == "language"
    change = purposes(mine.get(reverse("password_change")).text)
    assert change["old_password"] == "current-password"
    assert change["new_password1"] == change["new_password2"] == "new-password"
