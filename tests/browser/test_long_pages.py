"""Every long page has a way in (issue 61, deliverable 6): on a phone (390 × 844) with the
demo, a page is at most six screens tall, or it offers, on its first screen, a search or a
filter, and pages of its list. Measured: the archive's delivered forms (22 screens before),
the people (15) and the audit log (11.4)."""

import pytest

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.first_time_catalogue import whole_demo_loaded

PHONE = {"width": 390, "height": 844}
SCREENS = 6


@pytest.fixture
def whole_demo(request):
    return whole_demo_loaded(request)


def _height(visitor) -> int:
    return visitor.page.evaluate("document.documentElement.scrollHeight")


def _way_in(visitor) -> dict:
    """Where the page's search or filter form begins (px from the top, None: no such form),
    and whether it has pages with a link to the next."""
    return visitor.page.evaluate(
        """() => {
          const form = document.querySelector('main form[role=search]');
          const pages = document.querySelector('main nav.ds-pagination');
          return {
            search_top: form ? form.getBoundingClientRect().top + window.scrollY : null,
            paged: !!pages,
            next: !!(pages && pages.querySelector('a[rel=next]')),
          };
        }"""
    )


@pytest.mark.parametrize(
    ("role", "path", "paged"),
    [
        ("archive", "/arkiv/?status=levert", True),
        ("admin", "/personer/", True),
        ("hr", "/logg/", True),
    ],
)
def test_a_long_page_on_a_phone_has_a_way_in_on_its_first_screen(
    visitor_factory, whole_demo, role, path, paged
):
    visitor = visitor_factory(f"long-page-{path.strip('/').split('/')[0]}", **PHONE)
    visitor.login(whole_demo[role].email, DEMO_PASSWORD)
    visitor.goto(path)
    height, way_in = _height(visitor), _way_in(visitor)
    print(f"{path}: {height} px, {height / PHONE['height']:.1f} screens at 390 px, {way_in}")
    if height > SCREENS * PHONE["height"]:
        assert way_in["search_top"] is not None, f"{path} is {height} px with no search"
        assert way_in["search_top"] < PHONE["height"], f"{path}'s search is below the fold"
    # The demo has more than a page of each: the pages are there, and the first links on.
    assert way_in["paged"] == paged and way_in["next"] == paged, (path, way_in)
    # A page of the list is not the whole list: at most twice the six screens, however
    # long the list (before: 50 rows, 22 screens).
    assert height <= 2 * SCREENS * PHONE["height"], (path, height)
    visitor.check(f"long page {path}")


def test_the_archive_staff_find_one_persons_delivered_form_by_keyboard(visitor_factory, whole_demo):
    visitor = visitor_factory("long-page-archive-search", **PHONE)
    visitor.login(whole_demo["archive"].email, DEMO_PASSWORD)
    visitor.goto("/arkiv/?status=levert")
    # The first form's employee, as the row names them (their number after, in brackets).
    name = visitor.page.locator("table tbody tr th").first.inner_text().split("(")[0].strip()
    field = visitor.page.get_by_label("Finn en medarbeider")
    field.focus()
    visitor.page.keyboard.type(name)
    with visitor.page.expect_navigation():
        visitor.page.keyboard.press("Enter")
    assert "status=levert" in visitor.page.url
    rows = visitor.page.locator("table tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert name in rows.nth(i).locator("th").inner_text()
    assert visitor.page.get_by_label("Finn en medarbeider").input_value() == name
    assert _height(visitor) <= SCREENS * PHONE["height"]
    visitor.check("archive search")
    visitor.goto("/arkiv/?status=levert&q=Ingensteds")
    assert "Ingen treff for «Ingensteds»" in visitor.page.locator("main").inner_text()
    visitor.page.get_by_role("link", name="Vis alle").last.click()
    visitor.page.wait_for_url("**/arkiv/?status=levert")
    assert visitor.page.locator("nav.ds-pagination").count() == 1
