"""The page chrome rendered once per process (core.fragments) still belongs to whoever asks:
the menu follows the person's rights and the page, the language switch their language."""

import re

from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from samtale.core import fragments
from samtale.org.models import Person


def _menu(body: str) -> list[str]:
    nav = re.search(r"<nav aria-label=[^>]*>(.*?)</nav>", body, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


def _current(body: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', body)


def _selected_language(body: str) -> str:
    return re.search(r'<option value="(\w+)" lang="\w+" selected>', body).group(1)


@override_settings(DEBUG=False)
def test_each_person_gets_their_own_menu_and_language_from_the_shared_fragments(client_for, people):
    fragments._rendered.clear()
    Person.objects.filter(pk=people.employee.pk).update(language="nn")
    for _ in range(2):  # the second round is served from the rendered fragments
        employee = client_for("employee").get(reverse("home")).content.decode()
        leader = client_for("leader").get(reverse("follow_up")).content.decode()
        admin = client_for("admin").get(reverse("person_list")).content.decode()
        assert reverse("follow_up") not in _menu(employee)
        assert reverse("follow_up") in _menu(leader)
        assert reverse("import_start") in _menu(admin)
        assert reverse("import_start") not in _menu(leader)
        assert _current(employee) == [reverse("home")]
        assert _current(leader) == [reverse("follow_up")]
        assert _current(admin) == [reverse("person_list")]
        assert _selected_language(employee) == "nn"
        assert _selected_language(leader) == "nb"
    assert fragments._rendered  # they were rendered once and kept


@override_settings(DEBUG=False)
def test_the_kept_header_and_footer_get_each_requests_name_token_and_address(client_for, people):
    """The slots: filled per request, escaped, never one person's values in another's page."""
    fragments._rendered.clear()
    Person.objects.filter(pk=people.leader.pk).update(first_name='<b>"Ola" & co</b>')
    for _ in range(2):
        for role, url in (("leader", reverse("follow_up") + "?status=all"), ("employee", "/")):
            client = client_for(role)
            body = client.get(url).content.decode()
            person = people.by_role(role)
            person.refresh_from_db()
            profile = re.search(r'class="visually-hidden">[^<]*</span>(.*?)</a>', body).group(1)
            assert profile == escape(person.full_name)  # as the template engine escapes
            tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', body))
            assert len(tokens) == 1 and len(tokens.pop()) == 64  # sign-out and language forms
            assert re.search(r'name="next" value="([^"]*)"', body).group(1) == url.replace(
                "&", "&amp;"
            )
            assert "\x00" not in body
            # The forms work: the language switch and the sign-out accept the page's token.
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', body).group(1)
            client.handler.enforce_csrf_checks = True
            response = client.post(
                reverse("language_set"),
                {"csrfmiddlewaretoken": token, "language": "nb", "next": url},
            )
            assert response.status_code == 302
            response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
            assert response.status_code == 302
            assert "_auth_user_id" not in client.session
