"""The summary page as the answer to a request: shown, or shown again with a refused form
bound, with what was typed (the summary's and the correction's views both answer with it)."""

from django.db.models import Prefetch
from django.shortcuts import render

from samtale.conversations import policy, revision_diff
from samtale.conversations.forms import DraftForm, FeedbackForm, ReviewForm, WithdrawForm
from samtale.conversations.models import Conversation, Feedback, SummaryComment, SummaryRevision
from samtale.conversations.revision_forms import CorrectionGoalsForm
from samtale.conversations.sections import goals_context
from samtale.conversations.services import correction
from samtale.conversations.services import summary as services


def summary_page_response(
    request,
    conversation,
    *,
    draft_form=None,
    review_form=None,
    feedback_form=None,
    goals_form=None,
    withdraw_form=None,
    status=200,
):
    """The summary page; a form that was refused comes back bound, with what was typed.

    During a correction it shows the correction (to the reviewer once it is sent) and says
    which signed revision is in force until both have signed it.
    """
    summary = services.summary_current(conversation)
    reader = policy.access_to(request.user, conversation, summary)  # the one policy question
    visible, party, drafter = reader.may_see_summary, reader.party, reader.may_draft_summary
    correcting = services.is_correction_open(conversation, summary)
    # The summary may still change: after the meeting, or in a correction not yet approved.
    is_open = visible and (
        conversation.status == Conversation.Status.HELD
        or (correcting and summary.approved_at is None)
    )
    if drafter and correcting and is_open and goals_form is None:
        goals_form = CorrectionGoalsForm(draft=summary.agreed_goals)
    context = {
        "conversation": conversation,
        "party": party,
        "summary": summary if visible else None,
        "summary_exists": summary is not None,
        "current_revision": summary,
        "drafter": drafter,
        "reviewer": reader.may_review_summary,
        "open": is_open,
        "correcting": correcting,
        "signing": conversation.status == Conversation.Status.SUMMARY_AGREED
        or (correcting and summary.approved_at is not None),
        # Signed without ticking what is signed: the error at the box.
        "sign_unconfirmed": request.GET.get("signer") == "bekreft",
        "withdraw_form": withdraw_form or WithdrawForm(prefix="withdraw"),
        "may_withdraw": correcting and reader.may_withdraw_correction,
        **_comments_context(reader),
        "goals_form": goals_form,
        **_correction_context(conversation, summary, correcting=correcting, visible=visible),
        **_text_forms(summary, draft_form=draft_form, review_form=review_form),
        "my_signature": getattr(summary, f"{party}_signed_at", None) if summary else None,
        "ask_feedback": reader.may_give_feedback
        and not Feedback.objects.filter(conversation=conversation).exists(),
        "feedback_form": feedback_form or FeedbackForm(),
        "earlier_revisions": _earlier_revisions(reader),
        **goals_context(conversation, request.user, request=request),
    }
    return render(request, "conversations/summary.html", context, status=status)


def _text_forms(summary, *, draft_form, review_form) -> dict:
    """The drafter's and the reviewer's forms: bound when they come back refused, with what
    was typed; the text areas save themselves with JavaScript."""
    if draft_form is None and summary is not None:
        draft_form = DraftForm(
            initial={"conclusion": summary.conclusion, "shared_outside": summary.shared_outside}
        )
    review_form = review_form or ReviewForm()
    return {
        "draft_form": draft_form,
        "draft_text": _typed(draft_form, summary.text if summary else ""),
        "review_form": review_form,
        "review_text": _typed(review_form, summary.comment if summary else ""),
    }


def _comments_context(reader: policy.ConversationAccess) -> dict:
    """The comments on the revision at hand, and whether it was sent back and not sent
    again (the drafter is told why it came back)."""
    summary = reader.summary
    if summary is None:
        return {"comments": [], "sent_back": False}
    comments = list(reader.summary_comments.filter(revision=summary).select_related("author"))
    sent_back = bool(
        comments
        and comments[-1].kind == SummaryComment.Kind.SENT_BACK
        and summary.submitted_at is None
    )
    return {"comments": comments, "sent_back": sent_back}


def _correction_context(conversation, summary, *, correcting: bool, visible: bool) -> dict:
    """A correction under way: the revision in force until both have signed it, and the
    goals and actions its draft keeps and removes."""
    shown = correcting and visible
    return {
        "in_force": services.summary_in_force(conversation) if correcting else None,
        "correction": summary if correcting else None,
        "draft_goals": revision_diff.labelled(correction.agreed(summary.agreed_goals))
        if shown
        else [],
        "removed_goals": correction.removed(summary.agreed_goals) if shown else [],
    }


def _earlier_revisions(reader: policy.ConversationAccess) -> list[SummaryRevision]:
    """The signed revisions before the one at hand, newest first, with their comments."""
    comments = reader.summary_comments.select_related("author")
    return [
        r
        for r in reader.conversation.summaries.order_by("-number").prefetch_related(
            Prefetch("comments", queryset=comments)
        )
        if r.is_signed and r != reader.summary
    ]


def _typed(form, stored: str) -> str:
    """The text a refused form posted, else the one stored."""
    if form is not None and form.is_bound and "text" in form.data:
        return form.data["text"]
    return stored
