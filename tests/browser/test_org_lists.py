"""In a browser, on a phone: the people and the unit lists search as one types, swap only
their results (once, not one inside another), and say how many matched from the page's
status region."""

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
