"""Preparation on a phone (issue 46, item 6): at 390 px the index at the top says what is
written and answered and leads to every theme and to the statements; each theme folds and
opens again by keyboard; a note written here is counted once the page is loaded again."""

import re

import pytest

from testkit.people import PASSWORD
from tests.browser.conftest import invited_conversation

THEMES = [
    {
        "key": "motivasjon",
        "title": {"nb": "Motivasjon"},
        "prompts": [{"nb": "Hva gir deg energi?"}],
    },
    {"key": "samarbeid", "title": {"nb": "Samarbeid"}},
    {
        "key": "trivsel",
        "title": {"nb": "Trivsel"},
        "statements": [
            {"key": "s-trives", "group": {"nb": "Individuelt"}, "text": {"nb": "Jeg trives"}},
            {"key": "s-laerer", "group": {"nb": "Individuelt"}, "text": {"nb": "Jeg lærer"}},
        ],
    },
]


@pytest.fixture
def conversation(people):
    return invited_conversation(people, THEMES)


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top > -2 && r.top < window.innerHeight; }",
        selector,
    )


def test_the_index_on_a_phone_leads_to_the_themes_and_the_statements(
    visitor_factory, people, conversation
):
    visitor = visitor_factory("preparation-index", width=390, height=844)
    visitor.login(people.employee.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    page = visitor.page
    index = page.locator("nav.preparation-index")
    assert _in_view(page, "nav.preparation-index")
    progress = page.locator("#index-progress").inner_text()
    assert "0" in progress and "3" in progress and "2" in progress
    visitor.check("top")

    # The statements are one tap away, not six screens down.
    index.locator("a[href='#svar']").click()
    page.wait_for_function("() => location.hash === '#svar'")
    assert _in_view(page, "#svar")

    # A theme folds by keyboard, and its text is kept while folded.
    page.fill("#note-motivasjon", "Jeg vil snakke om opplæring.")
    visitor.wait_saved("note-motivasjon")
    summary = "#tema-motivasjon summary"
    page.focus(summary)
    page.keyboard.press("Enter")
    assert not page.locator("#tema-motivasjon details").evaluate("d => d.open")
    assert not page.locator("#note-motivasjon").is_visible()
    visitor.check("folded")
    page.keyboard.press("Space")
    assert page.locator("#tema-motivasjon details").evaluate("d => d.open")

    # The index counts what is saved.
    page.locator("#st-s-trives-4").check()
    page.locator("#st-s-trives-status").get_by_text("Lagret").wait_for()
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    assert page.locator("nav.preparation-index [data-state=written]").count() == 1
    numbers = [int(n) for n in re.findall(r"\d+", page.inner_text("#index-progress"))]
    assert numbers == [1, 3, 1, 2]
    index.locator("a[href='#tema-samarbeid']").click()
    page.wait_for_function("() => location.hash === '#tema-samarbeid'")
    assert _in_view(page, "#tema-samarbeid")


LEADERS_THEME = {"key": "prioriterte-mal", "title": {"nb": "Prioriterte mål"}, "leader_only": True}


def test_the_index_follows_what_is_written_and_shared_and_takes_a_note_back(
    visitor_factory, people
):
    """Issue 61: the index says of each theme whether a note is written and whether it is
    shared, as it happens; a shared note is taken back from the index; the count agrees with
    the template (the employee's themes and the one the leader fills in)."""
    conversation = invited_conversation(people, [*THEMES, LEADERS_THEME])
    visitor = visitor_factory("preparation-index-state", width=390, height=844)
    visitor.login(people.employee.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    page = visitor.page
    line = page.locator("#index-samarbeid")
    progress = page.locator("#index-progress")
    assert [int(n) for n in re.findall(r"\d+", progress.inner_text())][:3] == [0, 3, 1]
    assert line.locator("[data-state=empty]").count() == 1

    # Written: the index says so at once, private, and counts it.
    page.fill("#note-samarbeid", "Vi deler for lite.")
    visitor.wait_saved("note-samarbeid")
    line.locator("[data-state=written]").wait_for()
    assert line.locator("[data-sharing=private]").count() == 1
    assert re.findall(r"\d+", progress.inner_text())[0] == "1"

    # Shared under the note: the index marks it shared and offers to take it back.
    page.locator("#sharing-samarbeid-button").click()
    line.locator("[data-sharing=shared]").wait_for()
    visitor.check("shared")

    # Taken back from the index, without scrolling to the note.
    page.evaluate("() => window.scrollTo(0, 0)")
    line.get_by_role("button").click()
    line.locator("[data-sharing=private]").wait_for()
    page.locator("#sharing-samarbeid-state [data-state=private]").wait_for()
    # The focus stays in the index (on the theme's link), once htmx has settled the swap.
    page.wait_for_function("() => document.activeElement.closest('#index-samarbeid') !== null")
    mine = conversation.preparations.get(author=people.employee)
    assert mine.notes.get(theme_key="samarbeid").shared_at is None

    # The same after a full load.
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    assert line.locator("[data-state=written]").count() == 1
    assert line.locator("[data-sharing=private]").count() == 1
    visitor.check("after-reload")
