"""HR chases a round (issue 61): Lise opens the demo's round, sees who is behind (one
definition, rounds.progress), presses "Minn på lederne" and sees "Påminnet dd.mm." beside
the leader reminded; the leader gets one e-mail naming the people without a time. At 390 px
the long round page opens with links into it. axe-core on every page."""

import pytest
from django.utils import timezone

from samtale.notifications.models import OutboundEmail
from samtale.org.models import Person
from samtale.rounds.models import LeaderReminder, Round
from tests.browser.conftest import DEMO_PASSWORD as PASSWORD
from tests.browser.first_time_catalogue import whole_demo_loaded


@pytest.fixture
def whole_demo(transactional_db, request):
    return whole_demo_loaded(request)


def test_hr_sees_who_is_behind_and_reminds_the_leaders(visitor_factory, whole_demo):
    round_ = Round.objects.get(closed_at__isnull=True)
    ola = Person.objects.get(employee_number="10002")
    hr = visitor_factory("round-chase", width=1280, height=900)
    hr.login(whole_demo["hr"].email, PASSWORD)
    page = hr.page
    loads, clicks = 1, 0
    # From the home page: the rounds, where the round counts its leaders behind.
    with page.expect_navigation():
        page.get_by_role("link", name="Samtalerunder", exact=True).first.click()
    behind = page.locator(f"a[href='/runder/{round_.pk}/?bak=1#progress-heading']")
    assert behind.inner_text() == "1"
    hr.check("rounds")
    with page.expect_navigation():
        behind.click()
    loads, clicks = loads + 2, clicks + 2
    hr.check("only-behind")
    leaders = page.locator("#by-leader + .table-wrap tbody tr")
    assert leaders.count() == 1 and ola.full_name in leaders.first.inner_text()
    assert "Ligger etter" in leaders.first.inner_text()
    assert "andelen av rundens tid som har gått" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Minn på lederne").click()
    loads, clicks = loads + 1, clicks + 1
    status = page.inner_text("main")
    assert "1 leder som ligger etter er minnet på" in status
    today = timezone.localdate().strftime("%d.%m.")
    row = page.locator("#by-leader + .table-wrap tbody tr", has_text=ola.full_name)
    assert f"Påminnet {today}" in row.inner_text()
    hr.check("reminded")
    print(f"HR chases a round: {loads} page loads, {clicks} clicks (shortest: 4 and 3)")
    assert LeaderReminder.objects.filter(round=round_, leader=ola).count() == 1
    assert OutboundEmail.objects.filter(kind="behind_reminder", to=ola).count() == 1
    # Pressed again within the week: nobody is reminded twice, and the page says who.
    with page.expect_navigation():
        page.get_by_role("button", name="Minn på lederne").click()
    assert f"{ola.full_name} ({today})" in page.inner_text("main")
    assert OutboundEmail.objects.filter(kind="behind_reminder", to=ola).count() == 1


def test_the_round_page_has_a_way_in_at_390(visitor_factory, whole_demo):
    round_ = Round.objects.get(closed_at__isnull=True)
    visitor = visitor_factory("round-way-in", width=390, height=844)
    visitor.login(whole_demo["hr"].email, PASSWORD)
    visitor.goto(f"/runder/{round_.pk}/")
    page = visitor.page
    screens = page.evaluate("() => document.documentElement.scrollHeight") / 844
    links = page.eval_on_selector_all(
        "nav.in-page > ul a", "as => as.map((a) => a.getAttribute('href'))"
    )
    print(f"/runder/{round_.pk}/ at 390 px: {screens:.1f} screens, {len(links)} links in")
    assert len(links) >= 3
    for href in links:
        assert page.locator(href).count() == 1, href
    assert page.locator("nav.in-page").bounding_box()["y"] < 844
    page.locator("nav.in-page > ul a").last.click()
    assert -2 <= page.locator(links[-1]).bounding_box()["y"] < 844  # sub-pixel scroll
    visitor.check("round-index-390")
