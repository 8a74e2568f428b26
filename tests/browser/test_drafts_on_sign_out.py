"""Drafts on a shared computer: what autosave.js keeps in the browser until the server has a
text leaves with the session when the person signs out. When the session expires instead, the
person's own recent drafts wait for them to sign in again (issue 11), and leave when anyone
else signs in; tests/browser/test_session_expiry.py follows them back into the forms."""

import json
import re
import time

import pytest

from samtale.conversations.models import Note
from testkit.people import PASSWORD
from tests.browser.conftest import (
    employee_preparing,
    invited_conversation,
    local_storage,
    session_set,
)

THEMES = [
    {
        "key": "motivasjon",
        "title": {"nb": "Motivasjon"},
        "statements": [{"key": "s-styrker", "text": {"nb": "Jeg bruker styrkene mine"}}],
    },
    {"key": "samarbeid", "title": {"nb": "Samarbeid"}},
]
NOTE = "#note-motivasjon"
SECRET = "Jeg vurderer å si opp, sjefen må ikke vite det ennå"
SIGN_OUT = "header .user form button[type=submit]"


@pytest.fixture
def conversation(people):
    return invited_conversation(people, THEMES)


def _preparing(visitor_factory, people, conversation, name):
    return employee_preparing(visitor_factory, people, conversation, name)


def _a_draft_that_could_not_be_saved(page, conversation) -> None:
    """SECRET typed while saving fails: it stays in the browser, as a closed tab would find it."""
    _saves_fail(page, conversation)
    page.fill(NOTE, SECRET)
    page.locator(f"{NOTE}-status[data-kind=error]").wait_for()
    assert any(SECRET in value for value in local_storage(page).values())


def _plant_an_older_draft(page, people) -> str:
    """A draft left earlier in this browser on another conversation's page."""
    key = f"samtale:{people.employee.pk}/samtaler/99999/notat/samarbeid/"
    text = "Utkast fra en annen samtale"
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps({"text": text})])
    return text


def _nothing_left(page, *texts) -> None:
    stored = local_storage(page)
    assert [key for key in stored if key.startswith("samtale:")] == []
    for text in texts:
        assert not any(text in value for value in stored.values()), stored


def _saves_fail(page, conversation) -> None:
    """The server is out of reach for the notes' saves (the page itself loaded)."""
    page.route(
        re.compile(rf".*/samtaler/{conversation.pk}/notat/.*"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )


def _on_the_login_page(visitor) -> None:
    visitor.page.wait_for_url(re.compile(r".*/logg-inn/.*"))
    visitor.page.wait_for_load_state("load")


def test_an_unsaved_draft_and_older_ones_leave_the_browser_on_sign_out(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-unsaved-sign-out")
    page = visitor.page
    older = _plant_an_older_draft(page, people)
    _a_draft_that_could_not_be_saved(page, conversation)
    visitor.expect_console_errors("/notat/")  # the aborted saves are the test's own doing
    visitor.check("preparation-not-saved")

    with page.expect_navigation():
        page.click(SIGN_OUT)
    _on_the_login_page(visitor)
    _nothing_left(page, SECRET, older)
    assert not Note.objects.filter(text=SECRET).exists()  # confidentiality won
    visitor.check("login-after-sign-out")


def test_a_text_typed_just_before_signing_out_is_saved_first(visitor_factory, people, conversation):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-saved-on-sign-out")
    page = visitor.page
    older = _plant_an_older_draft(page, people)
    page.fill(NOTE, SECRET)
    with page.expect_navigation():
        page.click(SIGN_OUT)  # before autosave's own second after typing has passed
    _on_the_login_page(visitor)
    note = Note.objects.get(preparation__conversation=conversation, theme_key="motivasjon")
    assert note.text == SECRET
    _nothing_left(page, SECRET, older)


def _wait_until(page, condition, what: str) -> None:
    deadline = time.monotonic() + 5
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert condition(), what


def test_sign_out_waits_for_the_text_typed_while_a_save_was_under_way(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-save-under-way")
    page = visitor.page
    held = []  # the saves, answered when the test says so
    page.route(
        re.compile(rf".*/samtaler/{conversation.pk}/notat/.*"), lambda route: held.append(route)
    )
    page.fill(NOTE, "Første halvdel")
    _wait_until(page, lambda: len(held) == 1, "the first save was never sent")
    page.fill(NOTE, f"Første halvdel. {SECRET}")
    page.click(SIGN_OUT)
    held[0].continue_()
    _wait_until(page, lambda: len(held) == 2, "the rest of the text was never sent")
    page.wait_for_timeout(500)  # time enough for a sign-out that would not wait for it
    held[1].continue_()
    _on_the_login_page(visitor)
    note = Note.objects.get(preparation__conversation=conversation, theme_key="motivasjon")
    assert note.text == f"Første halvdel. {SECRET}"
    _nothing_left(page, SECRET)


def _expire(page, minutes=31) -> None:
    """The person left the computer: the session was last seen `minutes` ago."""
    session_set(page, seen_at=int(time.time()) - minutes * 60)


def _expired_with_a_draft(visitor, people, conversation) -> str:
    """An unsaved draft and an older one in the browser, and then the session expired; the
    next request lands on the login page. Returns the older draft's text."""
    page = visitor.page
    older = _plant_an_older_draft(page, people)
    _a_draft_that_could_not_be_saved(page, conversation)
    _expire(page)
    visitor.goto("/")  # the next person at the computer, or the same one back from lunch
    _on_the_login_page(visitor)
    return older


def test_an_expired_session_keeps_only_the_persons_recent_drafts(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-expired")
    page = visitor.page
    older = _expired_with_a_draft(visitor, people, conversation)
    assert "Du ble logget ut for å beskytte opplysningene dine" in page.content()
    stored = json.dumps(local_storage(page), ensure_ascii=False)
    assert SECRET in stored  # theirs, to be saved when they sign in again
    assert older not in stored  # kept with no time: older than any session
    visitor.expect_console_errors("/notat/")
    visitor.check("login-after-expiry")


def test_another_person_signing_in_removes_the_drafts_an_expired_session_left(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-expired-next-person")
    page = visitor.page
    _expired_with_a_draft(visitor, people, conversation)
    visitor.sign_in_here(people.other_employee.email, PASSWORD)
    page.wait_for_load_state("load")
    assert "/logg-inn/" not in page.url
    _nothing_left(page, SECRET)
    assert not Note.objects.filter(text=SECRET).exists()


def test_an_answer_given_after_the_session_expired_leads_to_the_login_page(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-expired-htmx")
    page = visitor.page
    older = _plant_an_older_draft(page, people)
    _expire(page)
    # An htmx request: it must not swap the login page into the status line.
    with page.expect_navigation():
        page.click("input[name=value][value='4']")
    _on_the_login_page(visitor)
    _nothing_left(page, older)
    visitor.expect_console_errors("status of 401")  # what carried htmx to the login page
    visitor.check("login-after-expired-htmx")


def test_text_typed_after_the_session_ended_is_saved_after_signing_in_again(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-typed-signed-out")
    page = visitor.page
    _expire(page)
    page.fill(NOTE, SECRET)
    # The save met the ended session: the text stays in this browser for the same person,
    # and the page goes to the login page, which comes back here.
    _on_the_login_page(visitor)
    assert any(SECRET in value for value in local_storage(page).values())
    assert not Note.objects.filter(text=SECRET).exists()
    visitor.check("login-after-typing-signed-out")
    visitor.sign_in_here(people.employee.email, PASSWORD)
    page.wait_for_url(re.compile(rf".*/samtaler/{conversation.pk}/forberedelse/.*"))
    note = Note.objects.filter(preparation__conversation=conversation, theme_key="motivasjon")
    _wait_until(page, lambda: note.filter(text=SECRET).exists(), "the text was never saved")
    assert page.input_value(NOTE) == SECRET
    _wait_until(page, lambda: not any(SECRET in v for v in local_storage(page).values()), "kept")
    visitor.check("preparation-after-signing-in-again")


def test_the_login_page_forgets_drafts_by_itself(visitor_factory, people):
    visitor = visitor_factory("drafts-login-page")
    visitor.goto("/logg-inn/")
    older = _plant_an_older_draft(visitor.page, people)
    visitor.page.reload()
    _nothing_left(visitor.page, older)


def test_the_sign_out_answer_clears_the_storage_even_without_our_scripts(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "drafts-no-scripts")
    page = visitor.page
    older = _plant_an_older_draft(page, people)
    # Neither autosave.js's sign-out nor the login page's script runs: only the header works.
    page.route(re.compile(r".*/js/(drafts|autosave)\.js.*"), lambda route: route.abort())
    page.reload()
    assert older in json.dumps(local_storage(page), ensure_ascii=False)
    with page.expect_navigation():
        page.click(SIGN_OUT)
    _on_the_login_page(visitor)
    _nothing_left(page, older)
