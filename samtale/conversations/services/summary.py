"""The summary: one party drafts it (by default the employee), the other comments and
approves, the conclusion says what may be shared outside the two, both sign. After
signing it is locked; a correction is a new revision, signed again."""

from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import policy
from samtale.conversations.errors import TextTooLong, grouped
from samtale.conversations.models import Conversation, Feedback, SummaryComment, SummaryRevision
from samtale.conversations.notices import step_notice
from samtale.conversations.services import correction
from samtale.conversations.services.lifecycle import transition
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.concurrency import text_save
from samtale.core.errors import DomainError
from samtale.org.models import Person
from samtale.org.selectors import position_of

S = Conversation.Status
TEXT_MAX_LENGTH = 50_000


def summary_current(conversation: Conversation) -> SummaryRevision | None:
    """The latest revision not withdrawn: the one being written, or the one in force."""
    return conversation.summaries.filter(withdrawn_at__isnull=True).order_by("-number").first()


def _other_party(conversation: Conversation, actor: Person) -> Person:
    return conversation.leader if conversation.party(actor) == "employee" else conversation.employee


def _round_of(summary: SummaryRevision) -> str:
    """One round of review of a revision, for the step notices' dedupe: a draft sent back
    or reopened and sent again is a new round, a repeated click is not."""
    submitted = summary.submitted_at.isoformat() if summary.submitted_at else ""
    return f"{summary.number}:{submitted}"


def summary_in_force(conversation: Conversation) -> SummaryRevision | None:
    """The latest revision both have signed: what was agreed, until a correction is signed."""
    return (
        conversation.summaries.filter(
            employee_signed_at__isnull=False, leader_signed_at__isnull=False
        )
        .order_by("-number")
        .first()
    )


def is_correction_open(conversation: Conversation, summary: SummaryRevision | None) -> bool:
    """A correction of the signed summary is being agreed. The conversation stays signed and
    the earlier signed revision in force; the correction goes through its own steps (draft,
    sent, approved, signed by each), read from its own fields."""
    return (
        conversation.status == S.SIGNED
        and summary is not None
        and not summary.is_signed
        and summary.withdrawn_at is None
    )


def _open_summary(conversation: Conversation) -> SummaryRevision:
    summary = summary_current(conversation)
    correcting = is_correction_open(conversation, summary) and not (summary and summary.approved_at)
    if conversation.status != S.HELD and not correcting:
        raise DomainError(
            _("The summary can be changed after the meeting and before it is agreed.")
        )
    if summary is None:
        raise DomainError(_("The meeting has not been closed yet."))
    return summary


def _check_conclusion(
    conversation: Conversation, summary: SummaryRevision, conclusion: str
) -> None:
    """The conclusion matches the goals: the live ones, or a correction's draft of them."""
    if is_correction_open(conversation, summary):
        goals = correction.agreed(summary.agreed_goals)
        has_goals = bool(goals)
        has_actions = any(goal["actions"] for goal in goals)
    else:
        has_goals = conversation.goals.exists()
        has_actions = conversation.goals.filter(actions__isnull=False).exists()
    if conclusion == SummaryRevision.Conclusion.ACTIONS and not has_actions:
        raise DomainError(
            _(
                "Add at least one goal with an action, or conclude that no special actions are needed."
            ),
            field="conclusion",
        )
    if conclusion == SummaryRevision.Conclusion.NO_ACTIONS and has_goals:
        raise DomainError(
            _("You have recorded goals. Conclude with the goals and actions, or remove the goals."),
            field="conclusion",
        )


def _check_length(text: str) -> None:
    if len(text) > TEXT_MAX_LENGTH:
        raise TextTooLong(
            _("The text can be at most %(max)s characters; this one has %(count)s.")
            % {"max": grouped(TEXT_MAX_LENGTH), "count": grouped(len(text))},
            limit=TEXT_MAX_LENGTH,
            length=len(text),
        )


@transaction.atomic
def summary_save(
    *, actor: Person, conversation: Conversation, text: str, base_version: int
) -> SummaryRevision:
    """The drafter saves the summary text. Raises EditConflict if it changed since base_version."""
    require(policy.may_draft_summary(actor, conversation))
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
    require(policy.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    if conclusion not in SummaryRevision.Conclusion.values:
        raise DomainError(_("Choose a conclusion."), field="conclusion")
    _check_conclusion(conversation, summary, conclusion)
    _check_length(shared_outside)
    summary.conclusion = conclusion
    summary.shared_outside = shared_outside.strip()
    summary.save(update_fields=["conclusion", "shared_outside"])
    return summary


@transaction.atomic
def summary_submit(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Send the draft to the other party for comments and approval."""
    require(policy.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    if not summary.text.strip():
        raise DomainError(_("Write the summary before you send it."), field="text")
    if not summary.conclusion:
        raise DomainError(_("Choose a conclusion before you send the summary."), field="conclusion")
    # The goals may have changed since the conclusion was chosen.
    _check_conclusion(conversation, summary, summary.conclusion)
    if summary.submitted_at is None:
        summary.submitted_at = timezone.now()
        summary.save(update_fields=["submitted_at"])
        audit_log(actor=actor, action="summary.submit", obj=conversation, revision=summary.number)
        step_notice(
            conversation=conversation,
            kind="summary_submitted",
            to=_other_party(conversation, actor),
            event=_round_of(summary),
        )
    return summary


@transaction.atomic
def summary_comment_save(
    *, actor: Person, conversation: Conversation, text: str, base_version: int
) -> SummaryRevision:
    """The other party's comment on the submitted draft."""
    require(policy.may_review_summary(actor, conversation))
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


def _locked(conversation: Conversation) -> Conversation:
    """The conversation again, locked until the transaction ends, with its two parties."""
    return (
        Conversation.objects.select_related("employee", "leader")
        .select_for_update(of=("self",))
        .get(pk=conversation.pk)
    )


def _reviewed(actor: Person, conversation: Conversation) -> tuple[Conversation, SummaryRevision]:
    """The conversation (locked) and the revision sent to the reviewer `actor`."""
    require(policy.may_review_summary(actor, conversation))
    conversation = _locked(conversation)
    summary = _open_summary(conversation)
    if summary.submitted_at is None:
        raise DomainError(_("The summary has not been sent to you yet."))
    return conversation, summary


def _record(
    actor: Person, summary: SummaryRevision, kind: str, text: str, **fields: Any
) -> SummaryComment:
    """Keep a comment in the revision's record, and empty the reviewer's draft of it.

    Only if the draft is still the one read (a save in another tab in between is refused,
    not lost). Its version moves on, so a save from a page that still shows the sent text
    is a conflict rather than the same comment written again.
    """
    updated = SummaryRevision.objects.filter(
        pk=summary.pk, comment_version=summary.comment_version
    ).update(comment="", comment_version=F("comment_version") + 1, **fields)
    if not updated:
        raise DomainError(
            _("The comment was changed elsewhere while you sent it. Read it, then send it again.")
        )
    summary.refresh_from_db()
    return SummaryComment.objects.create(revision=summary, author=actor, kind=kind, text=text)


@transaction.atomic
def summary_comment_send(*, actor: Person, conversation: Conversation) -> SummaryComment:
    """The reviewer sends their comment (the saved draft) to the drafter, who sees it at once.
    The draft stays sent for approval; the comment is kept with the revision for good."""
    conversation, summary = _reviewed(actor, conversation)
    text = summary.comment.strip()
    if not text:
        raise DomainError(_("Write a comment before you send it."), field="comment")
    comment = _record(actor, summary, SummaryComment.Kind.COMMENT, text)
    audit_log(actor=actor, action="summary.comment", obj=conversation, revision=summary.number)
    return comment


@transaction.atomic
def summary_send_back(*, actor: Person, conversation: Conversation) -> SummaryComment:
    """The reviewer sends the draft back with their comment (required) instead of approving:
    it is the drafter's again to change and send anew."""
    conversation, summary = _reviewed(actor, conversation)
    text = summary.comment.strip()
    if not text:
        raise DomainError(
            _("Write in the comment what should change before you send the summary back."),
            field="comment",
        )
    comment = _record(actor, summary, SummaryComment.Kind.SENT_BACK, text, submitted_at=None)
    audit_log(actor=actor, action="summary.send_back", obj=conversation, revision=summary.number)
    step_notice(
        conversation=conversation,
        kind="summary_sent_back",
        to=policy.summary_drafter(conversation),
        event=comment.pk,
    )
    return comment


@transaction.atomic
def summary_approve(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """The other party approves the submitted summary: it is agreed and ready to sign.

    The approval is kept in the revision's record, with the reviewer's comment if they
    wrote one. A correction is approved on its own; the conversation stays signed.
    """
    conversation, summary = _reviewed(actor, conversation)
    _record(
        actor,
        summary,
        SummaryComment.Kind.APPROVED,
        summary.comment.strip(),
        approved_at=timezone.now(),
    )
    if conversation.status == S.HELD:
        transition(conversation, S.SUMMARY_AGREED, actor=actor)
    else:
        audit_log(actor=actor, action="summary.approve", obj=conversation, revision=summary.number)
    # "Approved" and "ready to sign" are one notice (see conversations.notices).
    step_notice(
        conversation=conversation,
        kind="summary_approved",
        to=_other_party(conversation, actor),
        event=_round_of(summary),
    )
    return summary


@transaction.atomic
def summary_reopen(*, actor: Person, conversation: Conversation) -> SummaryRevision:
    """Either party reopens an agreed but not fully signed summary for changes."""
    require(conversation.party(actor) is not None)
    summary = summary_current(conversation)
    correcting = is_correction_open(conversation, summary)
    if summary is None or (
        conversation.status != S.SUMMARY_AGREED and not (correcting and summary.approved_at)
    ):
        raise DomainError(_("Only an agreed summary that is not yet signed can be reopened."))
    summary.approved_at = None
    summary.submitted_at = None
    summary.employee_signed_at = None
    summary.leader_signed_at = None
    summary.save(
        update_fields=["approved_at", "submitted_at", "employee_signed_at", "leader_signed_at"]
    )
    if correcting:
        audit_log(actor=actor, action="summary.reopen", obj=conversation, revision=summary.number)
    else:
        transition(conversation, S.HELD, actor=actor, reason=_("Reopened for changes"))
    return summary


class Signature(NamedTuple):
    """A signature added: the revision, its conversation (locked), who signed, and whether
    the revision is a correction."""

    revision: SummaryRevision
    conversation: Conversation
    party: str
    correcting: bool


def signature_add(*, actor: Person, conversation: Conversation) -> Signature:
    """Sign the agreed summary (who and when). When both have signed, the content locks, and
    a first summary makes the conversation signed: its answers to the statements final,
    counted where the employee stands now.

    What both signatures cause (the agreement followed up, the needs registered, the form
    filed for the personnel file) is the signing's: samtale.signing.services, which calls
    this inside its transaction.
    """
    party = conversation.party(actor)
    if party is None:
        raise PermissionDenied
    conversation = _locked(conversation)
    summary = summary_current(conversation)
    correcting = is_correction_open(conversation, summary)
    if summary is None or (
        conversation.status != S.SUMMARY_AGREED and not (correcting and summary.approved_at)
    ):
        raise DomainError(_("The summary must be agreed before it is signed."))
    field = f"{party}_signed_at"
    if getattr(summary, field) is not None:
        raise DomainError(_("You have already signed."))
    setattr(summary, field, timezone.now())
    audit_log(
        actor=actor, action="summary.sign", obj=conversation, revision=summary.number, party=party
    )
    if summary.is_signed and not correcting:
        transition(conversation, S.SIGNED, actor=actor)
        conversation.signed_at = timezone.now()
        conversation.counted_as = position_of(person_id=conversation.employee_id)
        conversation.save(update_fields=["signed_at", "counted_as"])
    summary.save()
    return Signature(summary, conversation, party, correcting)


def signature_notice(*, actor: Person, signature: Signature) -> None:
    """The other party hears of a signature: that it is their turn to sign, or, once both
    have signed a first summary with goals, that it is done and what comes next."""
    summary, conversation = signature.revision, signature.conversation
    if not summary.is_signed:
        step_notice(
            conversation=conversation,
            kind="summary_signed",
            to=_other_party(conversation, actor),
            event=f"{_round_of(summary)}:{signature.party}",
        )
    elif not signature.correcting and conversation.has_goals:
        step_notice(
            conversation=conversation,
            kind="follow_up",
            to=_other_party(conversation, actor),
            event="signed",
        )


@transaction.atomic
def summary_revise(*, actor: Person, conversation: Conversation, reason: str) -> SummaryRevision:
    """Propose a correction of the signed summary, with a reason both see: a new revision,
    drafted, agreed and signed by both like the first, with its goals and actions as a draft.

    The conversation stays signed. The revision before stays in force, and its goals and
    actions followed up unchanged, until both have signed the correction. One at a time.
    """
    require(conversation.party(actor) is not None)
    conversation = _locked(conversation)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the signed summary needs a correction."), field="reason")
    if len(reason) > correction.TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": correction.TEXT_MAX_LENGTH}, field="reason"
        )
    if conversation.status != S.SIGNED:
        raise DomainError(_("Only a signed summary is corrected with a new revision."))
    previous = summary_current(conversation)
    if previous is None or not previous.is_signed:
        raise DomainError(
            _(
                "A correction is already under way. Finish it, or reopen it for changes, "
                "before you propose another."
            )
        )
    # After the latest number, withdrawn corrections' included: numbers are never reused.
    last = conversation.summaries.aggregate(last=Max("number"))["last"]
    summary = SummaryRevision.objects.create(
        conversation=conversation,
        number=last + 1,
        text=previous.text,
        conclusion=previous.conclusion,
        shared_outside=previous.shared_outside,
        reason=reason,
        proposed_by=actor,
        agreed_goals=correction.goals_prefill(conversation),
    )
    audit_log(actor=actor, action="summary.correction", obj=conversation, revision=summary.number)
    step_notice(
        conversation=conversation,
        kind="correction_proposed",
        to=_other_party(conversation, actor),
        event=summary.pk,
    )
    return summary


@transaction.atomic
def correction_withdraw(
    *, actor: Person, conversation: Conversation, reason: str
) -> SummaryRevision:
    """Either party withdraws the open correction, with a reason both see, before both
    have signed it. The revision is kept with who withdrew it, when and why, but is no
    longer the one being written; the signed revision before it stays in force, and the
    live goals and actions, which the correction never changed, stay as they are."""
    require(policy.may_withdraw_correction(actor, conversation))
    conversation = _locked(conversation)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why you withdraw the correction."), field="reason")
    if len(reason) > correction.TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": correction.TEXT_MAX_LENGTH}, field="reason"
        )
    summary = summary_current(conversation)
    if summary is None or not is_correction_open(conversation, summary):
        raise DomainError(
            _("Only a correction under way, not yet signed by both, can be withdrawn.")
        )
    summary.withdrawn_at = timezone.now()
    summary.withdrawn_by = actor
    summary.withdrawn_reason = reason
    summary.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit_log(
        actor=actor, action="summary.correction_withdraw", obj=conversation, revision=summary.number
    )
    return summary


@transaction.atomic
def correction_goals_set(
    *, actor: Person, conversation: Conversation, goals: list[dict[str, Any]], base: str
) -> SummaryRevision:
    """The drafter changes the correction's goals and actions (a draft on the revision;
    see services.correction.draft_clean for the shape). `base` is the draft_version the
    form was made from: a form made from another draft is refused, not saved over it."""
    require(policy.may_draft_summary(actor, conversation))
    summary = _open_summary(conversation)
    if not is_correction_open(conversation, summary):
        raise DomainError(_("The goals and actions are changed here only in a correction."))
    summary = SummaryRevision.objects.select_for_update().get(pk=summary.pk)
    if base != correction.draft_version(summary.agreed_goals):
        raise DomainError(
            _("The goals and actions were changed elsewhere while you wrote. Open the page again.")
        )
    summary.agreed_goals = correction.draft_clean(summary.agreed_goals, goals)
    summary.save(update_fields=["agreed_goals"])
    return summary


@transaction.atomic
def feedback_give(
    *, actor: Person, conversation: Conversation, rating: int | None, comment: str = ""
) -> Feedback:
    """The employee says, once, how the conversation was (1–5), or declines (None)."""
    require(policy.may_give_feedback(actor, conversation))
    if rating is not None and rating not in (1, 2, 3, 4, 5):
        raise DomainError(_("Choose a value from 1 to 5."), field="rating")
    if Feedback.objects.filter(conversation=conversation).exists():
        raise DomainError(_("You have already answered."))
    _check_length(comment)
    return Feedback.objects.create(
        conversation=conversation,
        rating=rating,
        comment=comment.strip() if rating else "",
        counted_as=position_of(person_id=conversation.employee_id),
    )
