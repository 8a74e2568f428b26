"""A note too long to save (issue 36): the page says why beside it, in the page's language,
keeps the text, and does not send the same text again and again as if the connection were
lost; a shorter text is saved."""

import json
import re

import pytest

from samtale.conversations.models import Note
from samtale.conversations.services.preparation import NOTE_MAX_LENGTH
from tests.browser.conftest import (
    PASSWORD,
    employee_preparing,
    invited_conversation,
    local_storage,
)

THEMES = [
    {"key": "motivasjon", "title": {"nb": "Motivasjon"}},
    {"key": "samarbeid", "title": {"nb": "Samarbeid"}},
]
NOTE = "#note-motivasjon"


@pytest.fixture
def conversation(people):
    return invited_conversation(people, THEMES)


def _preparing(visitor_factory, people, conversation, name):
    visitor = employee_preparing(visitor_factory, people, conversation, name)
    # The browser reports the refused save as a failed load: the test's own doing.
    visitor.expect_console_errors("Failed to load resource")
    return visitor


def _saves_of_the_note(page, conversation) -> list[str]:
    sent: list[str] = []
    url = re.compile(rf".*/samtaler/{conversation.pk}/notat/motivasjon/$")
    page.on(
        "request", lambda r: sent.append(r.url) if r.method == "POST" and url.match(r.url) else None
    )
    return sent


def _not_sent_again(visitor, sent: list[str]) -> None:
    """Leaving the field would save a changed text at once; another note is saved meanwhile."""
    page = visitor.page
    page.fill("#note-samarbeid", "Et annet notat")
    visitor.wait_saved("note-samarbeid")
    assert len(sent) == 1, sent


def test_a_note_over_the_limit_is_kept_with_the_servers_reason_and_not_sent_again(
    visitor_factory, people, conversation
):
    visitor = _preparing(visitor_factory, people, conversation, "autosave-over-the-limit")
    page = visitor.page
    sent = _saves_of_the_note(page, conversation)
    too_long = "x" * (NOTE_MAX_LENGTH + 1)
    page.fill(NOTE, too_long)
    status = page.locator(f"{NOTE}-status[data-kind=error]")
    status.wait_for()
    # The server's reason, with the limit and the length, as the page's language writes them.
    said = status.inner_text().replace("\xa0", " ")
    assert "20 000" in said and "20 001" in said, said
    assert page.input_value(NOTE) == too_long
    assert any(too_long in value for value in local_storage(page).values())
    visitor.check("autosave-over-the-limit")
    _not_sent_again(visitor, sent)

    # A shorter text is saved.
    page.fill(NOTE, "x" * NOTE_MAX_LENGTH)
    visitor.wait_saved("note-motivasjon")
    assert len(Note.objects.get(theme_key="motivasjon").text) == NOTE_MAX_LENGTH


def test_a_body_too_large_for_the_server_to_read_is_not_taken_for_a_lost_connection(
    visitor_factory, people, conversation, settings
):
    # The server (or a proxy before it) refuses such a body before any view: an HTML page.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000
    visitor = _preparing(visitor_factory, people, conversation, "autosave-body-too-large")
    page = visitor.page
    sent = _saves_of_the_note(page, conversation)
    too_large = "y" * 6_000
    page.fill(NOTE, too_large)
    status = page.locator(f"{NOTE}-status[data-kind=error]")
    status.wait_for()
    texts = page.locator("#autosave-texts")
    assert status.inner_text() == texts.get_attribute("data-too-large")
    assert status.inner_text() != texts.get_attribute("data-offline")
    assert page.input_value(NOTE) == too_large
    _not_sent_again(visitor, sent)

    page.fill(NOTE, "Kortere nå")
    visitor.wait_saved("note-motivasjon")
    assert Note.objects.get(theme_key="motivasjon").text == "Kortere nå"


def test_text_typed_before_the_script_came_is_saved_over_an_older_draft(
    visitor_factory, people, conversation
):
    # As deployed the scripts come after the page has painted: one can type before then.
    visitor = visitor_factory("autosave-typed-early")
    visitor.expect_console_errors("Failed to load resource")
    page = visitor.page
    visitor.login(people.employee.email, PASSWORD)
    page.route("**/js/autosave*.js", lambda route: route.abort())
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    key = page.get_attribute(NOTE, "data-storage")
    # A draft an earlier visit kept in this browser, older than what is typed now.
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [key, json.dumps({"text": "Et eldre utkast", "version": 0, "at": 0})],
    )
    page.fill(NOTE, "Skrevet før skriptet kom")
    src = page.get_attribute("script[src*='autosave']", "src")
    page.unroute("**/js/autosave*.js")
    page.add_script_tag(url=src)
    visitor.wait_saved("note-motivasjon")
    assert page.input_value(NOTE) == "Skrevet før skriptet kom"
    assert Note.objects.get(theme_key="motivasjon").text == "Skrevet før skriptet kom"
