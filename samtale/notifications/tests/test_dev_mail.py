"""On a laptop the worker writes each e-mail to var/mail/ with one line in the terminal, and
an administrator reads them at /utvikling/epost/ — only while DEBUG is on."""

import logging
import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from samtale.notifications.backends import FileMailBackend
from testkit.people import ROLES

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def folder(settings, tmp_path):
    """The laptop's mail settings, writing to a folder of this test: the tenant's own in it
    (tenancy.folder), as every tenant's."""
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "samtale.notifications.backends.FileMailBackend",
            "OPTIONS": {"directory": settings.DEV_MAIL_DIR},
        }
    }
    return settings.DEV_MAIL_DIR / "main"


@pytest.fixture
def invitation(folder, send_invitation):
    """An invitation to the employee and the leader's copy, written as two files."""
    return send_invitation("Møterom <2> & co")


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))


def test_each_message_is_a_file_a_mail_program_opens(people, folder, invitation):
    files = _files(folder)
    assert len(files) == 2
    assert not list(folder.glob(".*"))  # no half-written file left behind
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in parsed) == sorted([people.employee.email, people.leader.email])
    [to_employee] = [m for m in parsed if m["To"] == people.employee.email]
    assert "Møterom <2> & co" in to_employee.get_body(("plain",)).get_content()
    # A meeting request: the calendar beside the text, and the same as a file.
    [calendar] = [p for p in to_employee.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    [attached] = [p for p in to_employee.iter_attachments()]
    assert attached.get_content_type() == "application/ics"


def test_the_log_line_names_the_recipient_the_subject_and_the_file(people, tmp_path, caplog):
    backend = FileMailBackend(directory=tmp_path)
    message = EmailMessage("Emne æøå", "Tekst", "Samtale <s@x>", [people.employee.email])
    with caplog.at_level(logging.INFO, logger="samtale.notifications.backends"):
        assert backend.send_messages([message]) == 1
    [record] = caplog.records
    [written] = _files(tmp_path / "main")  # the tenant's own folder
    line = record.getMessage()
    assert "\n" not in line
    assert people.employee.email in line and "Emne æøå" in line and written.name in line


def test_a_laptop_writes_mail_to_files_unless_an_email_host_is_set():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_HOST", "SITE_URL")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}

    def backend(**extra) -> str:
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert backend() == "samtale.notifications.backends.FileMailBackend"
    assert backend(EMAIL_HOST="smtp.example.no") == "django.core.mail.backends.smtp.EmailBackend"


# The pages ---------------------------------------------------------------------------

DEBUG_STATUS = dict(
    zip(ROLES, (302, 403, 403, 403, 403, 403, 403, 200), strict=True)  # admin only
)


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.mark.parametrize("role", ROLES)
def test_under_debug_only_the_administrator_reads_the_mail(
    debug, invitation, folder, client_for, role
):
    [first, _second] = _files(folder)
    client = client_for(role)
    for url in (reverse("dev_mail_list"), reverse("dev_mail_detail", args=[first.name])):
        assert client.get(url).status_code == DEBUG_STATUS[role], url


@pytest.mark.parametrize("role", ["anonymous", "employee", "admin"])
def test_without_debug_the_pages_do_not_exist(invitation, folder, client_for, role):
    [first, _second] = _files(folder)
    client = client_for(role)
    assert client.get(reverse("dev_mail_list")).status_code == 404
    assert client.get(reverse("dev_mail_detail", args=[first.name])).status_code == 404


def test_the_list_shows_newest_first_with_recipient_subject_and_time(
    debug, invitation, folder, client_for, people
):
    response = client_for("admin").get(reverse("dev_mail_list"))
    page = response.content.decode()
    names = [m.name for m in response.context["mails"]]
    assert names == sorted(names, reverse=True) and len(names) == 2
    assert people.employee.email in page and people.leader.email in page
    assert [m.subject for m in response.context["mails"] if m.subject] == [
        m.subject for m in response.context["mails"]
    ]
    assert response.context["mails"][0].date is not None


def test_the_list_is_paginated_and_says_when_it_is_empty(debug, folder, client_for):
    admin = client_for("admin")
    with translation.override("nb"):
        empty = gettext("No e-mail has been written yet.")
    assert empty in admin.get(reverse("dev_mail_list")).content.decode()
    backend = FileMailBackend(directory=settings.DEV_MAIL_DIR)
    backend.send_messages([EmailMessage(f"Nr {n}", "x", "s@x", ["a@x"]) for n in range(55)])
    first = admin.get(reverse("dev_mail_list"))
    second = admin.get(reverse("dev_mail_list") + "?side=2")
    assert len(first.context["mails"]) == 50 and len(second.context["mails"]) == 5
    assert first.context["mails"][0].subject == "Nr 54"


def test_one_message_shows_headers_text_html_and_the_calendar_file(
    debug, invitation, folder, client_for, people
):
    name = next(
        f.name
        for f in _files(folder)
        if people.employee.email in f.read_bytes().decode("utf-8", "replace")
    )
    response = client_for("admin").get(reverse("dev_mail_detail", args=[name]))
    page = response.content.decode()
    mail = response.context["mail"]
    assert mail.to == people.employee.email and mail.subject
    # The text as typed, shown escaped in the page; the HTML part only inside the sandbox.
    assert "Møterom &lt;2&gt; &amp; co" in page
    assert '<iframe class="mail-html" sandbox=""' in page
    assert 'srcdoc="&lt;!doctype html&gt;' in page
    [attachment] = mail.attachments
    assert attachment.filename == "invitasjon.ics" and "BEGIN:VCALENDAR" in attachment.text
    # The page's own policy (the frame inherits it): the e-mail's inline styles, no script.
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self'" in policy and "script-src 'self' 'unsafe-inline'" not in policy
    # Every other page keeps the installation's policy, inline styles refused.
    listed = client_for("admin").get(reverse("dev_mail_list"))["Content-Security-Policy"]
    assert "unsafe-inline" not in listed


@pytest.mark.parametrize(
    "name",
    [
        "..",
        "..%2F..%2Fconfig%2Fsettings.py",
        ".hidden.eml",
        "20261122-101500-000000-abc123.eml",  # well-formed, but there is no such file
        "settings.py",
    ],
)
def test_a_name_outside_the_folder_or_not_written_there_is_not_found(
    debug, invitation, folder, client_for, name
):
    (folder / ".hidden.eml").write_bytes(b"Subject: x\n\nx")
    (folder.parent / "secret.eml").write_bytes(b"Subject: secret\n\nx")
    response = client_for("admin").get(f"/utvikling/epost/{name}/")
    assert response.status_code == 404
    assert b"secret" not in response.content


def test_the_page_says_it_is_only_for_local_development(debug, folder, client_for):
    with translation.override("nb"):
        note = gettext("Only for local development: these pages exist only while DEBUG is on.")
    assert note in client_for("admin").get(reverse("dev_mail_list")).content.decode()
