"""The summary: one party drafts it (by default the employee), the other comments and
approves, the conclusion says what may be shared outside the two, both sign. After
signing it is locked; a correction is a new revision, signed again."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import Conversation, Feedback, SummaryRevision
from samtale.conversations.services.lifecycle import transition
from samtale.core import access
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.concurrency import text_save
from samtale.core.errors import DomainError
from samtale.org.models import Person

S = Conversation.Status
TEXT_MAX_LENGTH = 50_000


def summary_current(conversation: Conversation) -> SummaryRevision | None:
    return conversation.summaries.order_by("-number").first()


def _open_summary(conversation: Conversation) -> SummaryRevision:
    if conversation.status != S.HELD:
        raise DomainError(
            _("The summary can be changed after the meeting and before it is agreed.")
        )
    summary = summary_current(conversation)
    if summary is None:
        raise DomainError(_("The meeting has not been closed yet."))
    return summary


def _check_length(text: str) -> None:
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("The text can be at most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}
        )


@transaction.atomic
def summary_save(
    *, actor: Person, conversation: Conversation, text: str, base_version: int
) -> SummaryRevision:
    """The drafter saves the summary text. Raises EditConflict if it changed since base_version."""
    require(access.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    _check_length(text)
    text_save(obj=summary, field="text", text=text, base_version=base_version)
    return summary


@transaction.atomic
def summary_conclusion_set(
    *, actor: Person, conversation: Conversation, conclusion: str, shared_outside: str
) -> SummaryRevision:
    """The conclusion: the agreed goals and actions, or that no special actions are needed;
    and what, if anything, may be shared outside the two (nothing by default)."""
    require(access.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    if conclusion not in SummaryRevision.Conclusion.values:
        raise DomainError(_("Choose a conclusion."), field="conclusion")
    has_actions = conversation.goals.filter(actions__isnull=False).exists()
    if conclusion == SummaryRevision.Conclusion.ACTIONS and not has_actions:
        raise DomainError(
            _(
                "Add at least one goal with an action, or conclude that no special actions are needed."
            ),
            field="conclusion",
        )
    if conclusion == SummaryRevision.Conclusion.NO_ACTIONS and conversation.goals.exists():
        raise DomainError(
            _("You have recorded goals. Conclude with the goals and actions, or remove the goals."),
            field="conclusion",
        )
    _check_length(shared_outside)
    summary.conclusion = conclusion
    summary.shared_outside = shared_outside.strip()
    summary.save(update_fields=["conclusion", "shared_outside"])
    return summary


@transaction.atomic
def summary_submit(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Send the draft to the other party for comments and approval."""
    require(access.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    if not summary.text.strip():
        raise DomainError(_("Write the summary before you send it."))
    if not summary.conclusion:
        raise DomainError(_("Choose a conclusion before you send the summary."))
    if summary.submitted_at is None:
        summary.submitted_at = timezone.now()
        summary.save(update_fields=["submitted_at"])
        audit_log(actor=actor, action="summary.submit", obj=conversation, revision=summary.number)
    return summary


@transaction.atomic
def summary_comment_save(
    *, actor: Person, conversation: Conversation, text: str, base_version: int
) -> SummaryRevision:
    """The other party's comment on the submitted draft."""
    require(access.may_review_summary(actor, conversation))
    summary = _open_summary(conversation)
    if summary.submitted_at is None:
        raise DomainError(_("The summary has not been sent to you yet."))
    _check_length(text)
    text_save(
        obj=summary,
        field="comment",
        text=text,
        base_version=base_version,
        version_field="comment_version",
    )
    return summary


@transaction.atomic
def summary_approve(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """The other party approves the submitted summary: it is agreed and ready to sign."""
    require(access.may_review_summary(actor, conversation))
    summary = _open_summary(conversation)
    if summary.submitted_at is None:
        raise DomainError(_("The summary has not been sent to you yet."))
    summary.approved_at = timezone.now()
    summary.save(update_fields=["approved_at"])
    transition(conversation, S.SUMMARY_AGREED, actor=actor)
    return summary


@transaction.atomic
def summary_reopen(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Either party reopens an agreed but not fully signed summary for changes."""
    require(conversation.party(actor) is not None)
    if conversation.status != S.SUMMARY_AGREED:
        raise DomainError(_("Only an agreed summary that is not yet signed can be reopened."))
    summary = summary_current(conversation)
    summary.approved_at = None
    summary.submitted_at = None
    summary.employee_signed_at = None
    summary.leader_signed_at = None
    summary.save(
        update_fields=["approved_at", "submitted_at", "employee_signed_at", "leader_signed_at"]
    )
    transition(conversation, S.HELD, actor=actor, reason=_("Reopened for changes"))
    return summary


def goals_snapshot(conversation: Conversation) -> list[dict]:
    return [
        {
            "goal": goal.text,
            "actions": [
                {
                    "text": action.text,
                    "deadline": action.deadline.isoformat() if action.deadline else None,
                    "responsible": action.responsible,
                }
                for action in goal.actions.all()
            ],
        }
        for goal in conversation.goals.prefetch_related("actions")
    ]


@transaction.atomic
def conversation_sign(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Sign the agreed summary (who and when). When both have signed, the content locks."""
    party = conversation.party(actor)
    require(party is not None)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status != S.SUMMARY_AGREED:
        raise DomainError(_("The summary must be agreed before it is signed."))
    summary = summary_current(conversation)
    field = f"{party}_signed_at"
    if getattr(summary, field) is not None:
        raise DomainError(_("You have already signed."))
    setattr(summary, field, timezone.now())
    audit_log(
        actor=actor, action="summary.sign", obj=conversation, revision=summary.number, party=party
    )
    if summary.is_signed:
        summary.agreed_goals = goals_snapshot(conversation)
        transition(conversation, S.SIGNED, actor=actor)
        conversation.signed_at = timezone.now()
        conversation.save(update_fields=["signed_at"])
    summary.save()
    return summary


@transaction.atomic
def summary_revise(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Start a correction of a signed summary: a new revision, to be agreed and signed again."""
    require(conversation.party(actor) is not None)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status != S.SIGNED:
        raise DomainError(_("Only a signed summary is corrected with a new revision."))
    previous = summary_current(conversation)
    summary = SummaryRevision.objects.create(
        conversation=conversation,
        number=previous.number + 1,
        text=previous.text,
        conclusion=previous.conclusion,
        shared_outside=previous.shared_outside,
    )
    transition(conversation, S.HELD, actor=actor, reason=_("Correction of the signed summary"))
    return summary


@transaction.atomic
def feedback_give(
    *, actor: Person, conversation: Conversation, rating: int | None, comment: str = ""
) -> Feedback:
    """The employee says, once, how the conversation was (1–5), or declines (None)."""
    require(access.may_give_feedback(actor, conversation))
    if rating is not None and rating not in (1, 2, 3, 4, 5):
        raise DomainError(_("Choose a value from 1 to 5."), field="rating")
    if Feedback.objects.filter(conversation=conversation).exists():
        raise DomainError(_("You have already answered."))
    _check_length(comment)
    return Feedback.objects.create(
        conversation=conversation, rating=rating, comment=comment.strip() if rating else ""
    )
