"""Every figure read once (issue 61): on Innsikt at 1280 px no chart label is cut at the
SVG's edge, and at 390 px the long insight pages open with links into them and the key
figures come before the second phone screen ends."""

import pytest
from django.utils import timezone

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.first_time_catalogue import whole_demo_loaded

# Each chart label's left edge, in the SVG's own units (0 is its edge).
LABEL_LEFTS = """() => [...document.querySelectorAll('svg .chart-label')].map(
  (t) => ({text: t.textContent, x: t.getBBox().x}))"""


@pytest.fixture
def whole_demo(transactional_db, request):
    return whole_demo_loaded(request)


def test_no_chart_label_is_cut_at_1280(visitor_factory, whole_demo):
    visitor = visitor_factory("figures-charts", width=1280, height=800)
    visitor.login(whole_demo["hr"].email, DEMO_PASSWORD)
    visitor.goto(f"/innsikt/?year={timezone.localdate().year - 1}")
    labels = visitor.page.evaluate(LABEL_LEFTS)
    assert labels, "the status analysis draws its charts"
    assert "Hele organisasjonen" in [label["text"] for label in labels]  # whole, not "…"
    assert all(label["x"] >= 0 for label in labels), labels
    visitor.check("status-1280")


@pytest.mark.parametrize("path", ["/innsikt/", "/innsikt/svar/"])
def test_the_long_insight_pages_have_a_way_in_at_390(visitor_factory, whole_demo, path):
    visitor = visitor_factory("figures-way-in", width=390, height=844)
    visitor.login(whole_demo["hr"].email, DEMO_PASSWORD)
    visitor.goto(path)
    page = visitor.page
    screens = page.evaluate("() => document.documentElement.scrollHeight") / 844
    links = page.eval_on_selector_all(
        "nav.in-page > ul a", "as => as.map((a) => a.getAttribute('href'))"
    )
    print(f"{path} at 390 px: {screens:.1f} screens, {len(links)} links in")
    if screens > 6:
        assert len(links) >= 2, f"{path} is {screens:.1f} screens without a way in"
    for href in links:
        assert page.locator(href).count() == 1, href  # each link lands on its section
    # The index is on the first screen, and opens its section.
    assert page.locator("nav.in-page").bounding_box()["y"] < 844
    page.locator("nav.in-page > ul a").last.click()
    target = page.locator(links[-1]).bounding_box()
    assert -1 <= target["y"] < 844
    if path == "/innsikt/":
        assert page.evaluate("() => document.getElementById('key-figures').offsetTop") < 2 * 844
    visitor.check(f"index-{path.strip('/').replace('/', '-')}")
