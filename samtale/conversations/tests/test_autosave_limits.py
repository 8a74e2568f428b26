"""An autosave over a text's limit is answered with the limit, as JSON the script reads
(issue 36): not as a page the script took for a lost connection and retried for ever."""

import pytest
from django.urls import reverse

from samtale.conversations.models import Note
from samtale.conversations.services.preparation import NOTE_MAX_LENGTH
from samtale.conversations.services.summary import TEXT_MAX_LENGTH
from samtale.conversations.tests import summary_steps as steps
from samtale.org.models import Person

JSON = {"Accept": "application/json"}


@pytest.fixture
def english(people):
    Person.objects.filter(pk__in=[people.employee.pk, people.leader.pk]).update(language="en")


def test_it_answers_a_note_over_the_limit_with_json_that_names_the_limit(
    client_for, conversation, english
):
    client = client_for("employee")
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    client.post(url, {"text": "Kort notat", "version": 0}, headers=JSON)
    response = client.post(url, {"text": "x" * (NOTE_MAX_LENGTH + 1), "version": 1}, headers=JSON)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "too_large",
        "limit": NOTE_MAX_LENGTH,
        "length": NOTE_MAX_LENGTH + 1,
        "message": "A note can be at most 20\xa0000 characters; this one has 20\xa0001. "
        "The text stays here and is saved once it is shorter.",
    }
    assert Note.objects.get().text == "Kort notat"


def test_the_limit_is_said_as_a_norwegian_writes_numbers(client_for, conversation, people):
    # Samtale writes numbers the Norwegian way in every language (config/formats).
    Person.objects.filter(pk=people.employee.pk).update(language="nb")
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(
        url, {"text": "x" * (NOTE_MAX_LENGTH + 1), "version": 0}, headers=JSON
    )
    assert "20\xa0000" in response.json()["message"]
    assert "20\xa0001" in response.json()["message"]


def test_a_text_at_the_limit_is_saved(client_for, conversation):
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(
        url, {"text": "x" * NOTE_MAX_LENGTH, "version": 0}, headers=JSON
    )
    assert response.status_code == 200
    assert len(Note.objects.get().text) == NOTE_MAX_LENGTH


def test_a_summary_over_the_limit_is_answered_the_same_way(
    client_for, conversation, people, english
):
    conversation = steps.held(conversation, people)
    url = reverse("summary_save", args=[conversation.pk])
    response = client_for("employee").post(
        url, {"text": "x" * (TEXT_MAX_LENGTH + 1), "version": 0}, headers=JSON
    )
    assert response.status_code == 413
    data = response.json()
    assert (data["error"], data["limit"]) == ("too_large", TEXT_MAX_LENGTH)
    assert data["message"].startswith("The text can be at most 50\xa0000 characters")


def test_without_javascript_a_note_over_the_limit_gets_the_message_and_changes_nothing(
    client_for, conversation, english
):
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    client = client_for("employee")
    response = client.post(url, {"text": "x" * (NOTE_MAX_LENGTH + 1), "version": 0}, follow=True)
    assert "A note can be at most 20\xa0000 characters" in response.content.decode()
    assert not Note.objects.filter(text__startswith="x").exists()
