"""The record of a corrected summary: every signed revision with who signed it when, and what
changed between two, for the two parties only."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from samtale.actions.models import Action
from samtale.conversations.models import Conversation
from samtale.conversations.services import summary
from samtale.conversations.tests.summary_steps import (
    correction,
    correction_agreed_and_signed,
    correction_goals_post,
    fresh,
    signed,
)

S = Conversation.Status
LATER = (timezone.localdate() + timedelta(days=60)).strftime("%d.%m.%Y")


# The record: every signed revision, and what changed between two --------------------------


def _corrected(client_for, people, conversation) -> Conversation:
    c = signed(conversation, people)
    correction(c, people, reason="Ny tidsfrist og delingstekst")
    summary.summary_save(
        actor=people.employee,
        conversation=fresh(c),
        text="Vi snakket om kurs <b>og</b> veiledning.",
        base_version=0,
    )
    summary.summary_conclusion_set(
        actor=people.employee,
        conversation=fresh(c),
        conclusion="actions",
        shared_outside="Behov for veiledning kan meldes til HR.",
    )
    correction_goals_post(
        client_for,
        c,
        **{"g0-a0-deadline": LATER, "new-text": "Nytt mål", "new-a-text": "Nytt tiltak"},
    )
    return correction_agreed_and_signed(c, people)


def test_the_conversation_page_lists_every_signed_revision_with_who_signed_when(
    client_for, people, conversation
):
    c = _corrected(client_for, people, conversation)
    first, second = c.summaries.order_by("number")
    body = client_for("employee").get(reverse("conversation_detail", args=[c.pk])).content.decode()
    assert "Ny tidsfrist og delingstekst" in body
    assert body.count(people.employee.full_name) >= 2 and body.count(people.leader.full_name) >= 2
    for revision in (first, second):
        for moment in (revision.employee_signed_at, revision.leader_signed_at):
            local = timezone.localtime(moment)
            assert local.strftime("%d.%m.%Y %H:%M") in body
    assert reverse("summary_revisions", args=[c.pk]) in body


def test_the_comparison_shows_what_changed_between_two_revisions(client_for, people, conversation):
    c = _corrected(client_for, people, conversation)
    url = reverse("summary_revisions", args=[c.pk])
    response = client_for("leader").get(url + "?fra=1&til=2")
    body = response.content.decode()
    assert response.status_code == 200
    # The text, word by word, escaped, with the changes marked for every reader.
    assert "&lt;b&gt;og&lt;/b&gt;" in body and "<b>og</b>" not in body
    assert "<ins>" in body and 'class="ds-sr-only"' in body
    assert "Behov for veiledning kan meldes til HR." in body
    assert "Nytt mål" in body and "Nytt tiltak" in body
    action = Action.objects.get(text="Kurs i januar")
    assert action.deadline.strftime("%d.%m.%Y") in body
    # Without a choice: the last two revisions.
    assert client_for("employee").get(url).content.decode().count("<ins>") >= 1


def test_the_comparison_refuses_a_bad_choice_with_a_message(client_for, people, conversation):
    c = _corrected(client_for, people, conversation)
    url = reverse("summary_revisions", args=[c.pk])
    for query in ("?fra=1&til=1", "?fra=1&til=9", "?fra=x&til=2"):
        response = client_for("employee").get(url + query)
        assert response.status_code == 400, query
        assert 'role="alert"' in response.content.decode()


def test_the_comparison_is_for_the_two_parties_only(client_for, people, conversation):
    c = _corrected(client_for, people, conversation)
    url = reverse("summary_revisions", args=[c.pk]) + "?fra=1&til=2"
    for role in ("other_employee", "other_leader", "leaders_leader", "hr", "admin"):
        assert client_for(role).get(url).status_code == 404, role


def test_the_reviewer_compares_only_what_was_sent_to_them(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    summary.summary_save(
        actor=people.employee, conversation=fresh(c), text="Hemmelig utkast", base_version=0
    )
    url = reverse("summary_revisions", args=[c.pk]) + "?fra=1&til=2"
    # The reviewer has one revision to read so far: nothing to compare, and no draft.
    body = client_for("leader").get(url).content.decode()
    assert "Hemmelig utkast" not in body and 'class="empty"' in body
    assert "Hemmelig utkast" in client_for("employee").get(url).content.decode()


def test_a_conversation_with_one_revision_has_nothing_to_compare(client_for, people, conversation):
    c = signed(conversation, people)
    response = client_for("employee").get(reverse("summary_revisions", args=[c.pk]))
    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()
