"""The notes' sharing on the pages: each note says who can read it, the other party reads
only what is shared, and sharing works by htmx and by a plain form post alike."""

import pytest
from django.urls import reverse

from samtale.conversations import policy
from samtale.conversations.models import Note
from samtale.conversations.services import preparation
from samtale.conversations.tests.note_sharing import (  # noqa: F401 - fixtures too
    HTMX,
    S,
    answer,
    english,
    fresh,
    in_english,
    message,
    set_status,
    visible,
    write_note,
)

# The pages --------------------------------------------------------------------------------


def _page(client, conversation, name="preparation") -> str:
    return client.get(reverse(name, args=[conversation.pk])).content.decode()


@pytest.mark.usefixtures("english")
def test_every_note_on_the_page_says_who_can_read_it(client_for, conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Delt notat")
    write_note(conversation, people.employee, "mal-og-tiltak", "Privat notat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    body = _page(client_for("employee"), conversation)
    assert body.count("Only you can read this note.") == 1
    assert f"{people.leader.full_name} can read this note." in body
    # Said in text, in a live region, next to a share button per note.
    assert 'id="sharing-motivasjon-state" aria-live="polite"' in body
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) in body
    assert reverse("note_share", args=[conversation.pk, "mal-og-tiltak"]) in body
    # The leader's own theme: the employee writes nothing there, so there is nothing to share.
    assert reverse("note_share", args=[conversation.pk, "prioriterte-mal"]) not in body


def test_the_other_party_reads_only_the_shared_notes(client_for, conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Delt notat")
    write_note(conversation, people.employee, "mal-og-tiltak", "Privat notat")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    leader = client_for("leader")
    for page in ("preparation", "meeting", "conversation_detail"):
        body = _page(leader, conversation, page)
        assert "Privat notat" not in body, page
    assert "Delt notat" in _page(leader, conversation, "preparation")
    assert "Delt notat" in _page(leader, conversation, "meeting")
    preparation.note_unshare(
        actor=people.employee, conversation=fresh(conversation), theme_key="motivasjon"
    )
    for page in ("preparation", "meeting"):
        assert "Delt notat" not in _page(leader, conversation, page), page


def test_the_meeting_screen_shows_ones_own_note_only_once_shared(client_for, conversation, people):
    write_note(conversation, people.leader, "motivasjon", "Lederens notat")
    leader = client_for("leader")
    assert "Lederens notat" not in _page(leader, conversation, "meeting")
    preparation.note_share(actor=people.leader, conversation=conversation, theme_key="motivasjon")
    assert "Lederens notat" in _page(leader, conversation, "meeting")


def test_the_leader_sees_the_answers_only_while_shared(client_for, conversation, people):
    answer(conversation, people, value=5)
    leader = client_for("leader")
    assert 'class="answers"' not in _page(leader, conversation)
    preparation.answers_share(actor=people.employee, conversation=conversation)
    body = _page(leader, conversation)
    assert 'class="answers"' in body and "<strong>5</strong>" in body
    preparation.answers_unshare(actor=people.employee, conversation=fresh(conversation))
    assert 'class="answers"' not in _page(leader, conversation)


@pytest.mark.usefixtures("english")
def test_htmx_shares_a_note_and_gets_its_control_and_new_state(client_for, conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    url = reverse("note_share", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(url, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) in body
    # The new state goes into the page's live region, so it is announced.
    assert 'hx-swap-oob="innerHTML:#sharing-motivasjon-state"' in body
    assert f"{people.leader.full_name} can read this note." in body
    assert 'id="sharing-motivasjon-button"' in body
    assert Note.objects.get().shared_at is not None

    response = client_for("employee").post(
        reverse("note_unshare", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    body = response.content.decode()
    assert "Only you can read this note." in body and url in body
    assert Note.objects.get().shared_at is None


@pytest.mark.usefixtures("english")
def test_htmx_sharing_an_empty_note_says_why_in_the_fragment(client_for, conversation):
    response = client_for("employee").post(
        reverse("note_share", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert "Write something in the note before you share it." in body
    assert "Only you can read this note." in body


@pytest.mark.usefixtures("english")
def test_without_javascript_sharing_a_note_is_a_form_post_and_a_message(
    client_for, conversation, people
):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    client = client_for("employee")
    response = client.post(reverse("note_share", args=[conversation.pk, "motivasjon"]))
    target = reverse("preparation", args=[conversation.pk]) + "#tema-motivasjon"
    assert response.status_code == 302 and response["Location"] == target
    body = client.get(target).content.decode()
    assert f"{people.leader.full_name} can read this note now." in body
    response = client.post(reverse("note_unshare", args=[conversation.pk, "motivasjon"]))
    assert response.status_code == 302
    assert "Only you can read this note now." in client.get(target).content.decode()


@pytest.mark.usefixtures("english")
def test_taking_back_after_the_meeting_gets_a_message_and_changes_nothing(
    client_for, conversation, people
):
    write_note(conversation, people.employee, "motivasjon", "Jeg trives")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    set_status(conversation, S.HELD)
    client = client_for("employee")
    body = _page(client, conversation)
    assert reverse("note_unshare", args=[conversation.pk, "motivasjon"]) not in body
    assert "The meeting has been held; the note stays shared." in body
    response = client.post(
        reverse("note_unshare", args=[conversation.pk, "motivasjon"]), headers=HTMX
    )
    assert "meeting has been held" in response.content.decode()
    assert Note.objects.get().shared_at is not None


@pytest.mark.usefixtures("english")
def test_share_all_lists_what_it_will_share_and_shares_only_that(client_for, conversation, people):
    write_note(conversation, people.employee, "motivasjon", "Skal deles")
    answer(conversation, people)
    client = client_for("employee")
    url = reverse("preparation_share", args=[conversation.pk])
    body = client.get(url).content.decode()
    assert "Skal deles" in body and "Motivation" in body
    assert 'name="theme" value="motivasjon"' in body and 'name="answers"' in body
    assert Note.objects.get().shared_at is None  # looking at the list shares nothing
    # Written in another tab after the list was shown: not in the confirmation.
    write_note(conversation, people.employee, "mal-og-tiltak", "Skrevet etterpå")
    response = client.post(url, {"theme": ["motivasjon"], "answers": "1"})
    assert response.status_code == 302
    assert visible(people.leader, conversation) == ["Skal deles"]
    assert policy.may_see_likert_answers(people.leader, conversation)
    said = f"Shared with {people.leader.full_name}: 1 note and your answers to the statements."
    assert said in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("english")
def test_share_all_with_nothing_to_share_says_so_on_the_page(client_for, conversation):
    client = client_for("employee")
    body = client.get(reverse("preparation_share", args=[conversation.pk])).content.decode()
    assert "There is nothing new to share" in body
    assert 'method="post"' not in body.split("<main", 1)[1].split("</main>", 1)[0]
    response = client.post(reverse("preparation_share", args=[conversation.pk]))
    assert response.status_code == 302
    assert "There is nothing new to share." in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("english")
def test_the_answers_are_shared_by_a_form_post(client_for, conversation, people):
    answer(conversation, people)
    client = client_for("employee")
    body = _page(client, conversation)
    assert "Only you can read your answers." in body
    response = client.post(reverse("answers_share", args=[conversation.pk]))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert f"{people.leader.full_name} can read your answers." in body
    assert reverse("answers_unshare", args=[conversation.pk]) in body
    client.post(reverse("answers_unshare", args=[conversation.pk]))
    assert not policy.may_see_likert_answers(people.leader, conversation)


@pytest.mark.usefixtures("english")
def test_the_conversation_page_counts_what_each_has_shared(client_for, conversation, people):
    write_note(conversation, people.employee, "motivasjon", "En")
    write_note(conversation, people.employee, "mal-og-tiltak", "To")
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    body = _page(client_for("leader"), conversation, "conversation_detail")
    assert "Employee: 2 notes (last" in " ".join(body.split())
    assert "Leader: not yet" in " ".join(body.split())
    assert "En" not in body.split("facts-heading", 1)[1].split("</dl>", 1)[0]
