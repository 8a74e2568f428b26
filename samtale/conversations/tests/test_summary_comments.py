"""The reviewer's comment on the summary: sent, sent back with, or kept with the approval;
part of each revision's record for both parties, and for nobody else."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samtale.conversations import policy
from samtale.conversations.models import Conversation, SummaryComment
from samtale.conversations.services import summary
from samtale.conversations.tests.summary_steps import (
    approve_and_sign,
    comment,
    correction,
    fresh,
    held,
    resubmit,
    signed,
    submitted,
)
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail

S = Conversation.Status
Kind = SummaryComment.Kind


def _page(client_for, role, c, name="summary") -> str:
    return client_for(role).get(reverse(name, args=[c.pk])).content.decode()


def test_a_sent_comment_is_seen_by_the_drafter_at_once(client_for, people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Kan du nevne kurset i januar?")
    sent = summary.summary_comment_send(actor=people.leader, conversation=c)
    assert (sent.kind, sent.author, sent.text) == (
        Kind.COMMENT,
        people.leader,
        "Kan du nevne kurset i januar?",
    )
    assert "Kan du nevne kurset i januar?" in _page(client_for, "employee", c)
    # Still sent for approval: the comment is not a send-back.
    assert summary.summary_current(fresh(c)).submitted_at is not None


def test_the_reviewers_unsent_comment_is_theirs_alone(client_for, people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Et utkast til kommentar")
    assert "Et utkast til kommentar" not in _page(client_for, "employee", c)
    assert "Et utkast til kommentar" in _page(client_for, "leader", c)


def test_sending_empties_the_draft_and_an_old_autosave_is_a_conflict(people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Første kommentar")
    version = summary.summary_current(fresh(c)).comment_version
    summary.summary_comment_send(actor=people.leader, conversation=c)
    current = summary.summary_current(fresh(c))
    assert current.comment == "" and current.comment_version == version + 1
    with pytest.raises(EditConflict):
        summary.summary_comment_save(
            actor=people.leader, conversation=c, text="Første kommentar igjen", base_version=version
        )


def test_an_empty_comment_is_not_sent(people, conversation):
    c = submitted(conversation, people)
    with pytest.raises(DomainError):
        summary.summary_comment_send(actor=people.leader, conversation=c)
    assert not SummaryComment.objects.exists()


def test_only_the_reviewer_comments_sends_back_and_only_on_a_sent_draft(people, conversation):
    c = held(conversation, people)
    with pytest.raises(DomainError):
        summary.summary_send_back(actor=people.leader, conversation=c)
    c = submitted(c, people)
    for service in (summary.summary_comment_send, summary.summary_send_back):
        with pytest.raises(PermissionDenied):
            service(actor=people.employee, conversation=c)
        with pytest.raises(PermissionDenied):
            service(actor=people.other_leader, conversation=c)


def test_sending_back_needs_a_comment_and_gives_the_draft_back(people, conversation):
    c = submitted(conversation, people)
    with pytest.raises(DomainError) as refused:
        summary.summary_send_back(actor=people.leader, conversation=c)
    assert refused.value.field == "comment"
    assert summary.summary_current(fresh(c)).submitted_at is not None
    comment(c, people, "Ta med hva vi ble enige om om arbeidstid.")
    sent_back = summary.summary_send_back(actor=people.leader, conversation=c)
    assert sent_back.kind == Kind.SENT_BACK
    current = summary.summary_current(fresh(c))
    assert current.submitted_at is None and current.approved_at is None
    assert fresh(c).status == S.HELD
    # The draft is the drafter's again: theirs to change, and private until sent anew.
    summary.summary_save(
        actor=people.employee, conversation=c, text="Ny tekst", base_version=current.version
    )
    assert not policy.may_see_summary(people.leader, c, current)
    with pytest.raises(DomainError):
        summary.summary_approve(actor=people.leader, conversation=c)
    resubmit(c, people)
    summary.summary_approve(actor=people.leader, conversation=fresh(c))
    assert fresh(c).status == S.SUMMARY_AGREED


def test_the_drafter_is_told_the_summary_was_sent_back(client_for, people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Mer om kompetanse, takk.")
    sent_back = summary.summary_send_back(actor=people.leader, conversation=c)
    notice = OutboundEmail.objects.get(kind="step_notice", ref__step="summary_sent_back")
    assert notice.to == people.employee
    assert notice.dedupe_key.endswith(f":{sent_back.pk}")
    body = _page(client_for, "employee", c)
    assert "Mer om kompetanse, takk." in body
    assert 'class="ds-alert" data-color="warning"' in body


def test_the_send_back_view_without_a_comment_says_so_and_changes_nothing(
    client_for, people, conversation
):
    c = submitted(conversation, people)
    client = client_for("leader")
    response = client.post(reverse("summary_send_back", args=[c.pk]), {"text": "", "version": 0})
    # Said at the comment, the field it is about.
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'<textarea[^>]*id="summary-comment"[^>]*aria-invalid="true"', body)
    assert 'id="summary-comment-error"' in body
    assert summary.summary_current(fresh(c)).submitted_at is not None
    assert not SummaryComment.objects.exists()


def test_an_approval_is_kept_with_its_comment_or_without_one(people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Godt skrevet.")
    summary.summary_approve(actor=people.leader, conversation=c)
    approval = SummaryComment.objects.get()
    assert (approval.kind, approval.text, approval.author) == (
        Kind.APPROVED,
        "Godt skrevet.",
        people.leader,
    )
    assert summary.summary_current(fresh(c)).comment == ""
    # Reopened and approved again, without a comment: still recorded, who and when.
    summary.summary_reopen(actor=people.employee, conversation=fresh(c))
    resubmit(c, people)
    summary.summary_approve(actor=people.leader, conversation=fresh(c))
    kinds = list(SummaryComment.objects.values_list("kind", "text"))
    assert kinds == [(Kind.APPROVED, "Godt skrevet."), (Kind.APPROVED, "")]


def test_comments_stay_on_the_summary_and_conversation_pages_after_signing(
    client_for, people, conversation
):
    c = submitted(conversation, people)
    comment(c, people, "Husk kurset.")
    summary.summary_comment_send(actor=people.leader, conversation=c)
    comment(c, people, "Ser bra ut nå.")
    c = approve_and_sign(c, people)
    assert c.status == S.SIGNED
    for role in ("employee", "leader"):
        for name in ("summary", "conversation_detail"):
            body = _page(client_for, role, c, name)
            assert "Husk kurset." in body and "Ser bra ut nå." in body, (role, name)


def test_each_revision_keeps_its_own_comments(client_for, people, conversation):
    c = submitted(conversation, people)
    comment(c, people, "Kommentar til første versjon")
    c = approve_and_sign(c, people)
    correction(c, people)
    c = resubmit(c, people)
    comment(c, people, "Kommentar til rettelsen")
    summary.summary_send_back(actor=people.leader, conversation=c)
    first, second = c.summaries.order_by("number")
    assert list(first.comments.values_list("text", flat=True)) == ["Kommentar til første versjon"]
    assert list(second.comments.values_list("kind", "text")) == [
        (Kind.SENT_BACK, "Kommentar til rettelsen")
    ]
    body = _page(client_for, "employee", c, "conversation_detail")
    # Per revision, in order: the first revision's comment before the correction's.
    assert body.index("Kommentar til første versjon") < body.index("Kommentar til rettelsen")
    # The reviewer sent the correction back: its draft is not theirs to read, the comment is.
    assert "Kommentar til rettelsen" in _page(client_for, "leader", c)


def test_nobody_outside_the_two_reads_a_comment(client_for, people, conversation):
    c = submitted(conversation, people)
    summary.summary_conclusion_set(
        actor=people.employee,
        conversation=c,
        conclusion="no_actions",
        shared_outside="Kursbehov kan meldes til HR.",
    )
    comment(c, people, "Hemmelig kommentar")
    approve_and_sign(c, people)
    hr_body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert "Kursbehov kan meldes til HR." in hr_body
    assert "Hemmelig kommentar" not in hr_body
    for role in ("other_employee", "other_leader", "leaders_leader", "hr", "admin"):
        for name in ("summary", "conversation_detail", "summary_revisions"):
            response = client_for(role).get(reverse(name, args=[c.pk]))
            assert response.status_code == 404, (role, name)
    assert not policy.summary_comments_visible_to(people.hr, c).exists()
    assert policy.summary_comments_visible_to(people.employee, c).count() == 1


def test_a_signed_conversation_without_comments_shows_the_approval(
    client_for, people, conversation
):
    c = signed(conversation, people, goal=False)
    approval = SummaryComment.objects.get()
    assert (approval.kind, approval.text) == (Kind.APPROVED, "")
    body = _page(client_for, "employee", c, "conversation_detail")
    assert 'class="note comment approved"' in body
