"""The preparation page's index (issue 46, item 6): on a phone the page is long, so at its top
it says how much is written and answered, links to every theme and to the statements, and
each theme folds with the browser's own <details>."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from samtale.conversations import selectors
from samtale.conversations.services import preparation
from samtale.conversations.views.preparation import index_context


def _page(client, conversation):
    response = client.get(reverse("preparation", args=[conversation.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


def _ids(body):
    return re.findall(r'\sid="([^"]+)"', body)


def _index(body):
    match = re.search(r'<nav class="[^"]*preparation-index[^"]*".*?</nav>', body, re.S)
    assert match, "the index is on the page"
    return match.group(0)


def _note(person, conversation, key, text):
    preparation.note_save(
        actor=person, conversation=conversation, theme_key=key, text=text, base_version=0
    )


def _agenda(conversation, person, *, answers_visible=True):
    from samtale.conversations import policy

    return selectors.agenda(
        conversation=conversation,
        viewer=person,
        notes=policy.notes_visible_to(person, conversation),
        answers_visible=answers_visible,
    )


def test_it_counts_the_saved_notes_with_text_and_the_answered_statements(conversation, people):
    _note(people.employee, conversation, "motivasjon", "Jeg trives")
    _note(people.employee, conversation, "mal-og-tiltak", "   \n ")  # saved, but nothing in it
    _note(people.leader, conversation, "prioriterte-mal", "Lederens utkast")  # not theirs
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=4
    )
    context = index_context(
        _agenda(conversation, people.employee), party="employee", answers_visible=True
    )
    # The employee writes in two of the three themes: the leader fills in "prioriterte-mal".
    assert context["themes_total"] == 2
    assert context["themes_written"] == 1
    assert context["statements_total"] == 2
    assert context["statements_answered"] == 1
    assert context["statements_theme"] == "motivasjon"
    marks = {item["theme"].key: (item["writes"], item["written"]) for item in context["index"]}
    assert marks == {
        "motivasjon": (True, True),
        "prioriterte-mal": (False, False),
        "mal-og-tiltak": (True, False),
    }


def test_it_counts_all_themes_and_no_statements_for_the_leader(conversation, people):
    _note(people.leader, conversation, "prioriterte-mal", "Prioritert")
    _note(people.employee, conversation, "motivasjon", "Medarbeiderens notat")
    context = index_context(
        _agenda(conversation, people.leader, answers_visible=False),
        party="leader",
        answers_visible=False,
    )
    assert (context["themes_written"], context["themes_total"]) == (1, 3)
    assert (context["statements_answered"], context["statements_total"]) == (0, 0)
    assert context["statements_theme"] is None


def test_the_employees_index_comes_first_and_links_to_every_theme_and_the_statements(
    client_for, conversation, people
):
    _note(people.employee, conversation, "motivasjon", "Jeg trives")
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-karriere", value=3
    )
    response, body = _page(client_for("employee"), conversation)
    context = response.context
    assert (context["themes_written"], context["themes_total"]) == (1, 2)
    assert (context["statements_answered"], context["statements_total"]) == (1, 2)

    index = _index(body)
    assert body.index(index) < body.index('<details class="theme-fold"')
    links = re.findall(r'href="#([^"]+)"', index)
    assert links == ["tema-motivasjon", "tema-prioriterte-mal", "tema-mal-og-tiltak", "svar"]
    ids = _ids(body)
    assert all(link in ids for link in links)
    assert 'data-state="written"' in index and 'data-state="empty"' in index
    assert 'data-state="leader"' in index  # the theme the leader fills in
    # The statements' block is where the link leads.
    assert re.search(r'<div class="likert" id="svar">', body)


def test_every_theme_folds_and_keeps_the_ids_autosave_and_sharing_use(client_for, conversation):
    _response, body = _page(client_for("employee"), conversation)
    assert body.count('<details class="theme-fold" open>') == 3
    for key in ("motivasjon", "prioriterte-mal", "mal-og-tiltak"):
        assert f'id="tema-{key}"' in body
        assert re.search(rf'<summary><h3 [^>]*id="h-{key}"', body)
    for key in ("motivasjon", "mal-og-tiltak"):
        assert f'id="note-{key}"' in body and f'id="note-{key}-status"' in body
        assert f'id="sharing-{key}-control"' in body


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_no_id_is_on_the_page_twice(client_for, conversation, people, role):
    _note(people.employee, conversation, "motivasjon", "Jeg trives")
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=4
    )
    preparation.answers_share(actor=people.employee, conversation=conversation)
    _response, body = _page(client_for(role), conversation)
    twice = [i for i, n in Counter(_ids(body)).items() if n > 1]
    assert twice == []


def test_the_leader_is_led_to_the_answers_only_once_they_are_shared(
    client_for, conversation, people
):
    preparation.likert_answer(
        actor=people.employee, conversation=conversation, statement_key="s-styrker", value=5
    )
    response, body = _page(client_for("leader"), conversation)
    assert response.context["statements_total"] == 0
    assert 'href="#svar"' not in _index(body) and 'id="svar"' not in body
    assert "statement" not in re.search(r'id="index-progress">(.*?)</p>', body).group(1)

    preparation.answers_share(actor=people.employee, conversation=conversation)
    _response, body = _page(client_for("leader"), conversation)
    assert 'href="#svar"' in _index(body) and 'id="svar"' in body
    links = re.findall(r'href="#([^"]+)"', _index(body))
    assert all(link in _ids(body) for link in links)


def test_the_progress_line_says_the_counts(client_for, conversation, people):
    _note(people.employee, conversation, "mal-og-tiltak", "Mål")
    _response, body = _page(client_for("employee"), conversation)
    line = re.search(r'id="index-progress">(.*?)</p>', body, re.S).group(1)
    # Written in 1 of the employee's 2 themes; the leader fills in 1 more: the template's 3.
    assert re.findall(r"\d+", line) == ["1", "2", "1", "0", "2"]


def test_without_javascript_an_answer_comes_back_to_the_statements(client_for, conversation):
    client = client_for("employee")
    response = client.post(
        reverse("likert_save", args=[conversation.pk]), {"statement": "s-styrker", "value": 2}
    )
    assert response.headers["Location"].endswith("/forberedelse/#svar")
    _response, body = _page(client, conversation)
    assert 'id="svar"' in body


@pytest.mark.parametrize("role", ["other_leader", "hr"])
def test_others_do_not_see_the_page(client_for, conversation, role):
    response = client_for(role).get(reverse("preparation", args=[conversation.pk]))
    assert response.status_code in (403, 404)


def _item(body, key):
    return re.search(rf'<li id="index-{key}">(.*?)</li>', _index(body), re.S).group(1)


def test_the_index_marks_each_note_shared_or_private(client_for, conversation, people):
    """Issue 61: which notes the other party can read, seen at the top, not 11 screens down."""
    _note(people.employee, conversation, "motivasjon", "Jeg trives")
    _note(people.employee, conversation, "mal-og-tiltak", "Mål")
    preparation.note_share(actor=people.employee, conversation=conversation, theme_key="motivasjon")
    _response, body = _page(client_for("employee"), conversation)
    shared, private = _item(body, "motivasjon"), _item(body, "mal-og-tiltak")
    assert 'data-sharing="shared"' in shared and 'data-sharing="private"' in private
    # The shared note is taken back from the index itself, and the answer leads back there.
    unshare = reverse("note_unshare", args=[conversation.pk, "motivasjon"])
    assert f'action="{unshare}"' in shared and "action=" not in private
    response = client_for("employee").post(unshare, {"from": "index"})
    assert response.headers["Location"].endswith("/forberedelse/#index-heading")
    _response, body = _page(client_for("employee"), conversation)
    assert 'data-sharing="private"' in _item(body, "motivasjon")


def test_an_empty_note_is_neither_shared_nor_private_and_the_leaders_theme_says_so(
    client_for, conversation
):
    _response, body = _page(client_for("employee"), conversation)
    assert "data-sharing" not in _item(body, "motivasjon")
    assert 'data-state="leader"' in _item(body, "prioriterte-mal")


def test_a_saved_note_brings_the_index_line_and_count_to_put_in_place(
    client_for, conversation, people
):
    """The autosave's answer carries the index's count and the theme's line, rendered as
    the page renders them, so the index follows what is written without a reload."""
    client = client_for("employee")
    response = client.post(
        reverse("note_save", args=[conversation.pk, "motivasjon"]),
        {"text": "Jeg trives", "version": 0},
        headers={"accept": "application/json"},
    )
    swap = response.json()["swap"]
    assert set(swap) == {"index-progress", "index-motivasjon"}
    assert re.findall(r"\d+", swap["index-progress"])[:2] == ["1", "2"]
    assert 'data-state="written"' in swap["index-motivasjon"]
    assert 'data-sharing="private"' in swap["index-motivasjon"]
    _response, body = _page(client, conversation)
    assert _item(body, "motivasjon").strip() == swap["index-motivasjon"].strip()


def test_sharing_and_answering_by_htmx_update_the_index_out_of_band(
    client_for, conversation, people
):
    _note(people.employee, conversation, "motivasjon", "Jeg trives")
    client = client_for("employee")
    htmx = {"HX-Request": "true"}
    body = client.post(
        reverse("note_share", args=[conversation.pk, "motivasjon"]), headers=htmx
    ).content.decode()
    oob = re.search(r'hx-swap-oob="innerHTML:#index-motivasjon">(.*?)</span>\s*$', body, re.S)
    assert oob and 'data-sharing="shared"' in oob.group(1)
    body = client.post(
        reverse("likert_save", args=[conversation.pk]),
        {"statement": "s-styrker", "value": 4},
        headers=htmx,
    ).content.decode()
    progress = re.search(r'hx-swap-oob="innerHTML:#index-progress">(.*?)</span>', body, re.S)
    assert re.findall(r"\d+", progress.group(1))[-2:] == ["1", "2"]
