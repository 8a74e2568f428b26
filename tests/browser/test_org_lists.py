"""In a browser, on a phone: the people and the unit lists search as one types, swap only
their results (once, not one inside another), and say how many matched from the page's
status region; and at a laptop's width, every role's header is one row."""

import pytest

from tests.browser.conftest import DEMO_PASSWORD


@pytest.mark.parametrize(
    ("path", "typed", "expected"),
    [("/personer/", "Kari", "1 person"), ("/enheter/", "sykehjem", "3 enheter")],
)
def test_a_list_searches_as_one_types_and_announces_the_count(
    visitor_factory, demo, path, typed, expected
):
    hr = visitor_factory(f"list-search{path.replace('/', '-')}", width=360, height=780)
    hr.login(demo["hr"].email, DEMO_PASSWORD)
    hr.goto(path)
    with hr.page.expect_response(lambda r: "q=" in r.url):
        hr.page.fill("#id_q", typed)
    hr.page.locator("#results p.muted", has_text=expected).wait_for()
    assert hr.page.locator("#results").count() == 1
    assert hr.page.locator("#results #results").count() == 0
    hr.page.wait_for_function(
        "text => document.getElementById('announce').textContent.includes(text)", arg=expected
    )
    assert hr.page.input_value("#id_q") == typed  # what was typed stays in the field
    hr.check("searched")


def test_every_roles_header_is_one_row_at_a_laptops_width(visitor_factory, demo):
    """HR's links and account wrapped to two rows at 1280 px."""
    for role in ("hr", "admin", "leader"):
        visitor = visitor_factory(f"header-{role}", width=1280, height=800)
        visitor.login(demo[role].email, DEMO_PASSWORD)
        links = visitor.page.locator(".site-header nav a, .site-header .user a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, (role, tops)
