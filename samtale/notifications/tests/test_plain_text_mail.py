"""The text part of an e-mail shows what people typed; only the HTML part is escaped.

And every link in an e-mail starts with SITE_URL, the address people open Samtale at.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings

from samtale.notifications.mail import render_templated
from testkit.source import REPOSITORY, product_copy, product_files

ROOT = Path(settings.BASE_DIR)
TYPED = "<script>&'\""
NAME = "O'Brien"

LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "t/email/x_subject.txt": "Sted: {{ place }}",
                        "t/email/x_body.txt": 'Sted: {{ place }}\n{% include "t/email/_part.html" %}',
                        "t/email/_part.html": "Navn: {{ name }}",
                        "t/email/x_body.html": '<p>Sted: {{ place }}</p>{% include "t/email/_part.html" %}',
                    },
                )
            ]
        },
    }
]


def _parts(message):
    html = next(a.content for a in message.alternatives if a.mimetype == "text/html")
    return message.body, html


@override_settings(TEMPLATES=LOCMEM)
def test_the_subject_and_text_part_show_the_text_as_typed_and_the_html_part_escapes_it(people):
    rendered = render_templated(
        to=people.employee, template="t/email/x", context={"place": TYPED, "name": NAME}
    )
    rendered.send()
    subject = rendered.subject
    [message] = mail.outbox
    text, html = _parts(message)
    assert subject == message.subject == f"Sted: {TYPED}"
    # An included template takes the plain-text rendering along, whatever its extension.
    assert text == f"Sted: {TYPED}\nNavn: {NAME}"
    assert "<p>Sted: &lt;script&gt;&amp;&#x27;&quot;</p>Navn: O&#x27;Brien" in html


def invite(people, send_invitation):
    """An invitation from a leader called O'Brien to a place typed with markup."""
    people.leader.last_name = NAME
    people.leader.save(update_fields=["last_name"])
    return send_invitation(TYPED)


@pytest.fixture
def odd_invitation(people, send_invitation):
    return invite(people, send_invitation)


def test_an_invitation_shows_the_place_and_a_name_as_typed_in_text_and_escaped_in_html(
    odd_invitation, people
):
    invitation = next(m for m in mail.outbox if m.to == [people.employee.email])
    text, html = _parts(invitation)
    assert f": {TYPED}" in text
    assert f"{people.leader.first_name} {NAME}" in invitation.subject
    assert f"{people.leader.first_name} {NAME}" in text
    assert "&#x27;" not in text + invitation.subject and "&lt;" not in text
    assert "&lt;script&gt;&amp;&#x27;&quot;" in html and TYPED not in html


def _email_templates() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "samtale").glob("*/templates/*/email/*.txt")
        if ".venv" not in path.parts
    )


def test_every_text_template_of_an_email_is_rendered_by_send_templated_only():
    """The one path to plain-text rendering: no other module names a .txt template or sends
    mail itself, so no text part can be escaped by a render that forgot it."""
    templates = _email_templates()
    assert len(templates) > 20
    for path in templates:
        source = path.read_text()
        assert "{% autoescape on" not in source, path
        if path.name.startswith("_"):
            continue  # included from the subject or body, and rendered the way they are
        assert path.name.endswith(("_subject.txt", "_body.txt")), path
        stem = str(path.relative_to(path.parents[2]))[: -len("_body.txt")]
        if path.name.endswith("_body.txt"):
            assert (path.parent / f"{Path(stem).name}_body.html").exists(), path
            assert (path.parent / f"{Path(stem).name}_subject.txt").exists(), path
    assert mail_sent_elsewhere(REPOSITORY) == []


SENDING = re.compile(
    r"django\.core\.mail import|EmailMultiAlternatives|send_mail|send_mass_mail"
    r"|mail_admins|mail_managers|_(?:subject|body)\.txt[\"']"
)


def mail_sent_elsewhere(root: Path) -> list[str]:
    """Each line of the product under `root`, but notifications/mail.py, that sends mail or
    names an e-mail's text template."""
    elsewhere = []
    for module in product_files(root, leave_out=["tests"]):
        if module == root / "samtale/notifications/mail.py":
            continue
        for number, line in enumerate(module.read_text().splitlines(), start=1):
            if SENDING.search(line) and ".csv" not in line:
                elsewhere.append(f"{module.relative_to(root)}:{number}: {line.strip()}")
    return elsewhere


def test_mail_sent_in_a_copy_of_the_product_outside_the_one_path_is_found(tmp_path):
    """The walk above over a copy of the product with mail sent from another module."""
    copy = product_copy(tmp_path, ["samtale"])
    assert mail_sent_elsewhere(copy) == []
    module = copy / "samtale" / "rounds" / "services.py"
    lines = len(module.read_text().splitlines())
    with module.open("a") as file:
        file.write("\nfrom django.core.mail import send_mail\n")
    assert mail_sent_elsewhere(copy) == [
        f"samtale/rounds/services.py:{lines + 2}: from django.core.mail import send_mail"
    ]


LINK = re.compile(r"""https?://[^\s"'<>]+""")


def test_every_link_in_an_invitation_starts_with_site_url(settings, people, send_invitation):
    settings.SITE_URL = "https://samtale.kommune.example"
    conversation = invite(people, send_invitation)
    invitation = next(m for m in mail.outbox if m.to == [people.employee.email])
    text, html = _parts(invitation)
    links = LINK.findall(text) + LINK.findall(html)
    assert links
    assert [link for link in links if not link.startswith(settings.SITE_URL + "/")] == []
    assert f"{settings.SITE_URL}/samtaler/{conversation.pk}/forberedelse/" in text


def test_a_password_reset_link_starts_with_site_url_not_the_host_it_was_asked_from(
    settings, client, people, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://samtale.kommune.example"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/passord/glemt/", {"email": people.employee.email}, HTTP_HOST="localhost")
    [message] = mail.outbox
    [link] = [word for word in message.body.split() if "/passord/ny/" in word]
    assert link.startswith("https://samtale.kommune.example/passord/ny/")
