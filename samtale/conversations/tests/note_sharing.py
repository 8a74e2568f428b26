"""The note-sharing tests' helpers: notes written and answers given as the parties do, and
the language their messages and pages are read in."""

import pytest
from django.utils import translation

from samtale.conversations import policy
from samtale.conversations.models import Conversation, Note
from samtale.conversations.services import preparation

S = Conversation.Status
HTMX = {"HX-Request": "true"}


def write_note(conversation, author, theme, text, base_version=0) -> Note:
    return preparation.note_save(
        actor=author, conversation=conversation, theme_key=theme, text=text, base_version=0
    )


def visible(user, conversation) -> list[str]:
    return sorted(n.text for n in policy.notes_visible_to(user, conversation))


def fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def set_status(conversation, status) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
    return fresh(conversation)


@pytest.fixture(autouse=True)
def in_english():
    """Services translate their messages when they raise: read them as the msgids."""
    with translation.override("en"):
        yield


def message(error) -> str:
    return str(error.value.message)


@pytest.fixture
def english(people):
    """The parties read the app in English, so the pages show the msgids."""
    for person in (people.employee, people.leader):
        person.language = "en"
        person.save(update_fields=["language"])


def answer(conversation, people, value=4):
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=value
    )
