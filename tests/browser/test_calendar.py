"""In a browser: a leader connects a published calendar from the profile and tests it (how
many busy times, never what), then plans a conversation at a busy time: warned, and
planned once the leader ticks that they know."""

from datetime import timedelta
from ipaddress import ip_network

from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.core import holidays
from testkit.calendars import Answer, http_server
from tests.browser.conftest import DEMO_PASSWORD


def _busy_calendar(day) -> bytes:
    """Busy 10:00–11:00 every day from `day` for four weeks, with a title never shown."""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nBEGIN:VEVENT\r\nUID:m\r\n"
        "DTSTAMP:20260101T000000Z\r\nSUMMARY:Hemmelig budsjettmøte\r\n"
        f"DTSTART;TZID=Europe/Oslo:{day:%Y%m%d}T100000\r\n"
        f"DTEND;TZID=Europe/Oslo:{day:%Y%m%d}T110000\r\n"
        "RRULE:FREQ=DAILY;COUNT=28\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_a_leader_connects_a_calendar_and_is_warned_of_a_busy_time(visitor_factory, demo, settings):
    # The calendar's server runs on loopback, which Samtale refuses by default
    # (samtale/calendars/readers/guard.py); the live server runs in this process.
    settings.SAMTALE_BUSY_ALLOWED_NETWORKS = [ip_network("127.0.0.0/8")]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    with http_server() as server:
        server.routes[("GET", "/kalender.ics")] = Answer(200, _busy_calendar(monday))
        leader = visitor_factory("calendar")
        leader.login(demo["leader"].email, DEMO_PASSWORD)
        leader.goto("/profil/")
        leader.page.click("a[href='/profil/kalender/']")
        leader.check("connect")
        leader.page.check("input[name=kind][value=ics]")
        leader.page.fill("#id_url", f"{server.url}/kalender.ics")
        leader.submit("main form.narrow button[type=submit]")
        leader.submit("main form[action$='/kalender/test/'] button")
        status = leader.page.locator("main").inner_text()
        assert "7" in status and "budsjett" not in status.lower()
        leader.check("tested")

        day = holidays.working_day(today + timedelta(days=10))  # a day off would ask first
        open_ = Conversation.objects.exclude(status__in=Conversation.CLOSED).values("employee")
        employee = demo["leader"].reports.filter(is_active=True).exclude(pk__in=open_).first()
        leader.goto(f"/samtaler/ny/?medarbeider={employee.pk}")
        leader.page.select_option("#id_guide", index=1)
        leader.page.fill("#id_date", day.strftime("%d.%m.%Y"))
        leader.page.fill("#id_time", "10:30")
        leader.submit("main form.narrow button[type=submit]")
        leader.page.locator("#id_calendar_confirm").wait_for()
        leader.check("warned")
        leader.page.check("#id_calendar_confirm")
        leader.submit("main form.narrow button[type=submit]")
        assert "/samtaler/" in leader.page.url
