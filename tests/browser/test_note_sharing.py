"""Per-note sharing in two browsers: the employee on a phone (360 px) shares one note and
takes it back; the leader, at a desk, reads that note only while it is shared. Then the
employee shares the rest at once, after seeing the list."""

import pytest

from samtale.conversations.models import Conversation, Note
from testkit.people import PASSWORD
from tests.browser.conftest import invited_conversation

THEMES = [
    {"key": "motivasjon", "title": {"nb": "Motivasjon"}},
    {"key": "samarbeid", "title": {"nb": "Samarbeid"}},
    {"key": "utvikling", "title": {"nb": "Utvikling"}},
]
SHARED = "Jeg trives, men savner mer tid til planlegging."
PRIVATE = "Jeg vurderer å søke en annen stilling."
TYPED_AND_SHARED = "Ønsker kurs i det nye fagsystemet."


@pytest.fixture
def conversation(people):
    return invited_conversation(people, THEMES)


def _state(page, theme: str) -> str:
    """The note's sharing state as the page says it: 'shared' or 'private'."""
    return page.locator(f"#sharing-{theme}-state [data-state]").get_attribute("data-state")


def _wait_for_state(page, theme: str, state: str) -> None:
    page.locator(f"#sharing-{theme}-state [data-state={state}]").wait_for()


def _press(page, selector: str) -> None:
    """Reach a button from the keyboard and press it."""
    page.focus(selector)
    page.keyboard.press("Enter")


def _shared_at(theme: str):
    return Note.objects.get(theme_key=theme).shared_at


def test_one_note_is_shared_read_by_the_leader_and_taken_back(
    visitor_factory, people, conversation
):
    base = f"/samtaler/{conversation.pk}"
    employee = visitor_factory("sharing-employee", width=360, height=780)
    leader = visitor_factory("sharing-leader")
    employee.login(people.employee.email, PASSWORD)
    leader.login(people.leader.email, PASSWORD)

    # The employee writes two notes; both are hers alone and say so.
    page = employee.page
    employee.goto(f"{base}/forberedelse/")
    page.fill("#note-motivasjon", SHARED)
    employee.wait_saved("note-motivasjon")
    page.fill("#note-samarbeid", PRIVATE)
    employee.wait_saved("note-samarbeid")
    assert _state(page, "motivasjon") == _state(page, "samarbeid") == "private"
    employee.check("preparation-private")

    # She shares one, from the keyboard, without leaving the page: the state changes in the
    # live region, the button now takes it back, and the focus stays on it.
    page.evaluate("() => { window.samePage = true; }")
    _press(page, "#sharing-motivasjon-button")
    _wait_for_state(page, "motivasjon", "shared")
    state = page.locator("#sharing-motivasjon-state")
    assert state.get_attribute("aria-live") == "polite"
    assert people.leader.full_name in state.inner_text()
    assert page.evaluate("() => window.samePage === true")
    assert page.evaluate("() => document.activeElement.id") == "sharing-motivasjon-button"
    assert _state(page, "samarbeid") == "private"
    assert _shared_at("motivasjon") is not None and _shared_at("samarbeid") is None
    assert Conversation.objects.get(pk=conversation.pk).status == "prepared"
    employee.check("preparation-one-shared")

    # The leader reads that note, on the preparation page and the meeting screen, and no other.
    leader.goto(f"{base}/forberedelse/")
    body = leader.page.content()
    assert SHARED in body and PRIVATE not in body
    leader.check("preparation-leader-reads-one")
    leader.goto(f"{base}/mote/")
    body = leader.page.content()
    assert SHARED in body and PRIVATE not in body

    # Before the meeting she takes it back; the leader no longer sees it.
    _press(page, "#sharing-motivasjon-button")
    _wait_for_state(page, "motivasjon", "private")
    assert _shared_at("motivasjon") is None
    employee.check("preparation-taken-back")
    leader.goto(f"{base}/forberedelse/")
    assert SHARED not in leader.page.content()
    leader.goto(f"{base}/mote/")
    assert SHARED not in leader.page.content()


def test_a_note_typed_and_shared_at_once_and_the_rest_shared_after_the_list(
    visitor_factory, people, conversation
):
    base = f"/samtaler/{conversation.pk}"
    employee = visitor_factory("share-all-employee", width=360, height=780)
    employee.login(people.employee.email, PASSWORD)
    page = employee.page
    employee.goto(f"{base}/forberedelse/")

    # Typed and shared before the autosave's pause: the text is saved first, then shared.
    page.fill("#note-utvikling", TYPED_AND_SHARED)
    page.click("#sharing-utvikling-button")
    _wait_for_state(page, "utvikling", "shared")
    assert Note.objects.get(theme_key="utvikling").text == TYPED_AND_SHARED

    # Share all: the list first, with what will be shared; nothing is shared by looking.
    page.fill("#note-motivasjon", SHARED)
    employee.wait_saved("note-motivasjon")
    with page.expect_navigation():
        page.click(f"form[action='{base}/forberedelse/del/'] button")
    assert f"{base}/forberedelse/del/" in page.url
    assert SHARED in page.locator("main").inner_text()
    assert TYPED_AND_SHARED not in page.locator("main").inner_text()  # shared already
    assert _shared_at("motivasjon") is None
    employee.check("share-all-list")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    _wait_for_state(page, "motivasjon", "shared")
    assert _shared_at("motivasjon") is not None
    employee.check("share-all-done")
