"""On a laptop (DEBUG) the administrator reads the e-mails the worker wrote to var/mail/,
on a phone too; a missing page is the app's own 404 page, not Django's technical one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.demo import org as org_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def laptop(settings, tmp_path):
    settings.DEBUG = True
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    settings.MAILERS = {
        "default": {
            "BACKEND": "samtale.notifications.backends.FileMailBackend",
            "OPTIONS": {"directory": settings.DEV_MAIL_DIR},
        }
    }


@pytest.fixture
def demo(transactional_db, laptop):
    logins = org_demo.load(password=PASSWORD)
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    conversation = lifecycle.conversation_plan(
        actor=logins["leader"],
        employee=logins["employee"],
        leader=logins["leader"],
        guide_version=Guide.objects.get(key="skjema-8-tema").versions.order_by("-number").first(),
        scheduled_at=timezone.now() + timedelta(days=10),
        place="Møterom «Fjord» & co",
    )
    # TransactionTestCase: the invitation is queued and sent when the service commits.
    lifecycle.conversation_invite(actor=logins["leader"], conversation=conversation)
    return logins


@pytest.mark.parametrize("width", [1280, 360])
def test_the_administrator_reads_an_invitation_and_its_calendar_file(visitor_factory, demo, width):
    visitor = visitor_factory(f"dev-mail-{width}", width=width, height=800)
    visitor.login(demo["admin"].email, PASSWORD)
    visitor.goto("/utvikling/epost/")
    visitor.check("list")
    main = visitor.page.locator("main")
    assert demo["employee"].email in main.inner_text()
    visitor.page.get_by_role("link", name="Invitasjon til medarbeidersamtale med Ola Berg").click()
    visitor.page.wait_for_url("**/utvikling/epost/*.eml/")
    visitor.check("invitation")
    assert "Møterom «Fjord» & co" in main.locator("pre").first.inner_text()
    frame = visitor.page.frame_locator("iframe.mail-html")
    assert "Møterom «Fjord» & co" in frame.locator("body").inner_text()
    visitor.page.locator("summary", has_text="invitasjon.ics").click()
    assert "BEGIN:VCALENDAR" in main.inner_text()


def test_under_debug_a_missing_page_is_the_apps_own(visitor_factory, demo):
    visitor = visitor_factory("debug-404")
    visitor.login(demo["employee"].email, PASSWORD)
    response = visitor.goto("/finnes-ikke/")
    assert response.status == 404
    visitor.check("404")
    assert "URLconf" not in visitor.page.content()
    assert visitor.goto("/utvikling/epost/").status == 403
    visitor.check("403")
