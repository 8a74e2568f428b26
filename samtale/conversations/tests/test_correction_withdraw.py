"""Withdrawing a correction under way: either party, with a reason, before both have signed
it. The revision is kept and marked withdrawn; the signed revision before it stays in force
and a new correction may be proposed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from samtale.actions.models import Action
from samtale.conversations import policy
from samtale.conversations.models import SummaryRevision
from samtale.conversations.services import summary
from samtale.conversations.tests.summary_steps import (
    approve_and_sign,
    correction,
    fresh,
    resubmit,
    signed,
)
from samtale.core.errors import DomainError

REASON = "Vi ble enige om å la det stå"


def _nb(msgid: str) -> str:
    """The text as the page shows it (in bokmål once translated)."""
    with translation.override("nb"):
        return gettext(msgid)


def _url(c) -> str:
    return reverse("correction_withdraw", args=[c.pk])


def test_withdrawing_needs_a_reason(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    for reason in ("", "   "):
        with pytest.raises(DomainError) as refused:
            summary.correction_withdraw(actor=people.employee, conversation=fresh(c), reason=reason)
        assert refused.value.field == "reason"
    page = client_for("employee").post(_url(c), {"withdraw-reason": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html and 'id="trekk-rettelse" class="withdraw" open' in html
    assert summary.is_correction_open(fresh(c), summary.summary_current(fresh(c)))
    assert not SummaryRevision.objects.filter(withdrawn_at__isnull=False).exists()


def test_the_summary_page_offers_withdrawing_to_both_parties(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    for role in ("employee", "leader"):
        html = client_for(role).get(reverse("summary", args=[c.pk])).content.decode()
        assert f'action="{_url(c)}"' in html and 'name="withdraw-reason"' in html


@pytest.mark.parametrize("by", ["employee", "leader"])
def test_after_withdrawing_the_signed_revision_is_in_force_again(
    client_for, people, conversation, by
):
    c = signed(conversation, people)
    correction(c, people)  # proposed by the leader, drafted by the employee
    client = client_for(by)
    done = client.post(_url(c), {"withdraw-reason": REASON})
    assert done.status_code == 302 and done.headers["Location"] == reverse("summary", args=[c.pk])
    c = fresh(c)
    withdrawn = c.summaries.get(number=2)  # kept, not deleted
    assert withdrawn.withdrawn_by == people.by_role(by)
    assert withdrawn.withdrawn_reason == REASON and withdrawn.withdrawn_at is not None
    in_force = summary.summary_in_force(c)
    assert in_force.number == 1
    assert summary.summary_current(c) == in_force
    assert not summary.is_correction_open(c, summary.summary_current(c))
    html = client.get(reverse("summary", args=[c.pk])).content.decode()
    assert "correction-notice" not in html
    assert reverse("summary_revise", args=[c.pk]) in html


def test_live_goals_and_actions_are_untouched(people, conversation):
    c = signed(conversation, people)
    revision = correction(c, people)
    before = list(Action.objects.values_list("pk", "text", "deadline", "status"))
    summary.correction_withdraw(actor=people.employee, conversation=fresh(c), reason=REASON)
    assert list(Action.objects.values_list("pk", "text", "deadline", "status")) == before
    revision.refresh_from_db()
    assert revision.agreed_goals  # the draft is kept with the withdrawn revision


def test_a_new_correction_gets_the_next_number(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    summary.correction_withdraw(actor=people.leader, conversation=fresh(c), reason=REASON)
    done = client_for("employee").post(
        reverse("summary_revise", args=[c.pk]), {"reason": "Ny rettelse"}
    )
    assert done.status_code == 302
    c = fresh(c)
    assert list(c.summaries.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    current = summary.summary_current(c)
    assert current.number == 3 and summary.is_correction_open(c, current)
    # ...and it is agreed and signed like any other, replacing revision 1.
    c = approve_and_sign(resubmit(c, people), people)
    assert summary.summary_in_force(c).number == 3


def test_the_conversation_page_lists_the_revision_as_withdrawn(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    summary.correction_withdraw(actor=people.leader, conversation=fresh(c), reason=REASON)
    for role in ("employee", "leader"):
        html = client_for(role).get(reverse("conversation_detail", args=[c.pk])).content.decode()
        assert 'class="withdrawn"' in html
        assert people.leader.full_name in html and REASON in html


def test_the_diff_page_marks_a_withdrawn_revision(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    c = resubmit(c, people)  # sent to the leader, so both may read it
    summary.correction_withdraw(actor=people.leader, conversation=fresh(c), reason=REASON)
    for role in ("employee", "leader"):
        page = client_for(role).get(reverse("summary_revisions", args=[c.pk]))
        assert page.status_code == 200
        assert _nb("%(n)d (withdrawn)") % {"n": 2} in page.content.decode()


def test_a_withdrawn_draft_never_sent_stays_the_drafters(people, conversation):
    c = signed(conversation, people)
    correction(c, people)  # the employee drafts; never sent to the leader
    summary.correction_withdraw(actor=people.leader, conversation=fresh(c), reason=REASON)
    c = fresh(c)
    assert list(policy.summary_revisions_visible_to(people.employee, c).order_by("number")) == [
        *c.summaries.order_by("number")
    ]
    assert [r.number for r in policy.summary_revisions_visible_to(people.leader, c)] == [1]


@pytest.mark.parametrize(
    "role, status",
    [("other_employee", 404), ("other_leader", 404), ("hr", 404), ("admin", 404)],
)
def test_nobody_but_the_two_can_withdraw(client_for, people, conversation, role, status):
    c = signed(conversation, people)
    correction(c, people)
    assert client_for(role).post(_url(c), {"withdraw-reason": REASON}).status_code == status
    with pytest.raises(PermissionDenied):
        summary.correction_withdraw(
            actor=people.by_role(role), conversation=fresh(c), reason=REASON
        )
    assert not fresh(c).summaries.filter(withdrawn_at__isnull=False).exists()


def test_a_signed_correction_cannot_be_withdrawn(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    c = approve_and_sign(resubmit(c, people), people)
    refused = client_for("employee").post(_url(c), {"withdraw-reason": REASON})
    assert refused.status_code == 400
    message = _nb("Only a correction under way, not yet signed by both, can be withdrawn.")
    assert message in refused.content.decode()
    assert not fresh(c).summaries.filter(withdrawn_at__isnull=False).exists()
    assert summary.summary_in_force(fresh(c)).number == 2


def test_nothing_to_withdraw_before_a_correction_is_proposed(people, conversation):
    c = signed(conversation, people)
    with pytest.raises(DomainError):
        summary.correction_withdraw(actor=people.employee, conversation=c, reason=REASON)
