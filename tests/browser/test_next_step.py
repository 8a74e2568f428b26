"""Every hand-off names the next step and tells that person (issue 46, item 2): the leader
holds a meeting planned for a later day ("Vi holder samtalen nå" up front) and closes it;
the employee, on a phone, opens the e-mail that tells them the summary is theirs to write
and lands on the summary page in one click. Every conversation page starts with "Neste steg"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.guides.models import Guide
from samtale.notifications import devmail
from tests.browser.conftest import DEMO_PASSWORD


@pytest.fixture
def mailbox(settings, tmp_path, live_server):
    """The e-mails as a laptop keeps them (notifications.backends.FileMailBackend), with
    links to the test's own server: the tenant's own folder in it (tenancy.folder)."""
    settings.SITE_URL = live_server.url
    settings.MAILERS = {
        "default": {
            "BACKEND": "samtale.notifications.backends.FileMailBackend",
            "OPTIONS": {"directory": tmp_path},
        }
    }
    return tmp_path / "main"


def _mails_to(directory, address: str) -> list[devmail.Mail]:
    mails = (devmail.mail_read(directory, n) for n in devmail.mail_names(directory))
    return [mail for mail in mails if address in mail.to]


def test_the_employee_is_told_to_write_the_summary_and_gets_there_in_one_click(
    visitor_factory, demo, mailbox
):
    leader = visitor_factory("next-step-leader")
    employee = visitor_factory("next-step-employee", width=390, height=844)
    leader.login(demo["leader"].email, DEMO_PASSWORD)
    employee.login(demo["employee"].email, DEMO_PASSWORD)
    planned = _invited_ten_days_ahead(demo)
    base = f"/samtaler/{planned.pk}"
    _every_page_starts_with_the_next_step(employee, base)
    _held_early_and_closed(leader, planned, base)
    _from_the_mail_to_the_summary(employee, demo, mailbox, base)


def _invited_ten_days_ahead(demo) -> Conversation:
    """One open annual conversation at a time: the demo's is cancelled for a new one, ten
    days ahead, invited."""
    lifecycle.conversation_cancel(
        actor=demo["leader"],
        conversation=Conversation.objects.get(employee=demo["employee"], status="invited"),
        reason="Ny samtale",
    )
    version = Guide.objects.get(key="skjema-8-tema").versions.order_by("-number").first()
    # The first time from ten days ahead that the leader's demo calendar has free: the demo
    # books Ola Berg at fixed hours, so "now + 10 days" collided with one at some times of day.
    for hours in range(0, 96, 2):
        try:
            planned = lifecycle.conversation_plan(
                actor=demo["leader"],
                employee=demo["employee"],
                leader=demo["leader"],
                guide_version=version,
                scheduled_at=timezone.now() + timedelta(days=10, hours=hours),
                place="Møterom 2",
            )
        except DomainError:
            continue
        break
    lifecycle.conversation_invite(actor=demo["leader"], conversation=planned)
    return planned


def _every_page_starts_with_the_next_step(employee, base):
    """Every page of the conversation starts with its next step, on the phone."""
    for path, label in (
        ("/", "detail"),
        ("/forberedelse/", "preparation"),
        ("/mote/", "meeting"),
        ("/oppsummering/", "summary-before"),
    ):
        employee.goto(base + path)
        line = employee.page.locator("#neste-steg")
        assert line.inner_text().startswith("Neste steg:")
        assert "dere forbereder dere begge" in line.inner_text()
        employee.check(label)


def _held_early_and_closed(leader, planned, base):
    """The leader opens the meeting ten days early: asked up front, not after."""
    leader.goto(f"{base}/mote/")
    hold_now = leader.page.locator("#hold-now")
    assert "Samtalen er satt opp til" in hold_now.inner_text()
    leader.check("meeting-planned-later")
    leader.submit("#hold-now button[type=submit]")
    assert leader.page.locator("#hold-now").count() == 0
    assert "Dere holder samtalen nå" in leader.page.locator("main").inner_text()
    leader.check("meeting-held-now")
    leader.submit(f"form[action='{base}/mote/avslutt/'] button")
    leader.page.wait_for_url(f"**{base}/oppsummering/")
    held = Conversation.objects.get(pk=planned.pk)
    assert held.status == "held" and held.scheduled_at == planned.scheduled_at
    assert "Kari Nilsen skriver oppsummeringen" in leader.page.locator("#neste-steg").inner_text()
    leader.check("summary-waits-for-employee")


def _from_the_mail_to_the_summary(employee, demo, mailbox, base):
    """The employee's e-mail: one, about the summary, with the link to where they write it,
    opened on the phone; the home page says the same."""
    [mail] = [
        m for m in _mails_to(mailbox, demo["employee"].email) if "oppsummeringen" in m.subject
    ]
    assert "det er du som skriver oppsummeringen" in mail.subject
    summary = f"{employee.base_url}{base}/oppsummering/"
    assert summary in mail.text
    # Opened on the phone, one click on its link.
    # (On a blank page: the mail's inline styles are the mail program's, not under our CSP.)
    employee.page.goto("about:blank")
    employee.page.set_content(mail.html)
    employee.submit(f"a[href='{summary}']")
    assert employee.page.url == summary
    line = employee.page.locator("#neste-steg").inner_text()
    assert re.match(r"Neste steg:\s+du skriver oppsummeringen\.", line)
    employee.check("summary-from-the-mail")
    # The home page says the same, with the same link.
    employee.goto("/")
    card = employee.page.locator(".stack-cards li", has_text="du skriver oppsummeringen")
    assert card.locator(f"a[href='{base}/oppsummering/']").count() == 1
    employee.check("home-write-the-summary")
