"""The summary: drafted by one party, commented and approved by the other, signed by both."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samtale.conversations import policy, revision_diff
from samtale.conversations.autosave import autosave_response
from samtale.conversations.forms import (
    DraftForm,
    FeedbackForm,
    ReasonForm,
    ReviewForm,
    TextForm,
    WithdrawForm,
)
from samtale.conversations.models import Conversation
from samtale.conversations.revision_forms import CorrectionGoalsForm, RevisionCompareForm
from samtale.conversations.services import handover
from samtale.conversations.services import summary as services
from samtale.conversations.summary_page import summary_page_response
from samtale.core import access
from samtale.core.audit import audit_read
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded


@guarded()
@require_GET
def summary_page(request, pk):
    return summary_page_response(request, policy.get_conversation_for(request.user, pk))


def _text_save(request, pk, service, anchor: str):
    conversation = policy.get_conversation_for(request.user, pk)
    form = TextForm(request.POST)
    fallback = reverse("summary", args=[pk]) + anchor
    if not form.is_valid():
        return autosave_response(
            request,
            saved=None,
            error=DomainError(_("The text could not be read.")),
            fallback=fallback,
        )
    try:
        summary = service(
            actor=request.user,
            conversation=conversation,
            text=form.cleaned_data["text"],
            base_version=form.cleaned_data["version"],
        )
    except DomainError as e:
        return autosave_response(request, saved=None, error=e, fallback=fallback)
    version = (
        summary.comment_version if service is services.summary_comment_save else summary.version
    )
    return autosave_response(request, saved=version, error=None, fallback=fallback)


@guarded()
@require_POST
def summary_save(request, pk):
    return _text_save(request, pk, services.summary_save, "#oppsummering")


@guarded()
@require_POST
def summary_comment(request, pk):
    return _text_save(request, pk, services.summary_comment_save, "#kommentar")


def _text_posted(form, service, *, actor, conversation, stored: str | None) -> None:
    """Save the text a page's form posted (the drafter's summary or the reviewer's comment),
    unless it is what is stored (JavaScript saved it already). A refusal goes to the field;
    a text changed elsewhere meanwhile is shown beside the one typed (form.conflict)."""
    text = form.cleaned_data.get("text") if "text" in form.data else None
    if text is None or text == stored or "text" in form.errors:
        return
    version = form.cleaned_data.get("version")
    try:
        # A text posted without the version it was written on cannot overwrite: a conflict.
        service(
            actor=actor,
            conversation=conversation,
            text=text,
            base_version=-1 if version is None else version,
        )
    except EditConflict as e:
        form.conflict = e.theirs
        form.add_error(
            "text",
            _(
                "This text was changed elsewhere while you wrote. What you wrote is kept here, "
                "not saved; the saved text is shown below it. Save again to keep yours."
            ),
        )
    except DomainError as e:
        form.add_error("text", e.message)


def _draft_posted(request, pk, *, sending: bool):
    """The drafter's form, by any of its buttons: the text saved (if changed), the conclusion
    (if chosen, with what may be shared), and, to send, the summary sent, all or nothing.
    Whatever is refused comes back at its field with everything else as chosen and typed,
    and nothing of the post is saved (the page's JavaScript saves the text as it is typed)."""
    with transaction.atomic():
        response = _draft_saved(request, pk, sending=sending)
        if response.status_code >= 400:
            transaction.set_rollback(True)
    return response


def _draft_saved(request, pk, *, sending: bool):
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_draft_summary(request.user, conversation))
    summary = services.summary_current(conversation)
    form = DraftForm(request.POST, sending=sending)
    form.is_valid()
    _text_posted(
        form,
        services.summary_save,
        actor=request.user,
        conversation=conversation,
        stored=summary.text if summary else None,
    )
    data = form.cleaned_data
    if "shared_outside" in form.errors or "conclusion" in form.errors:
        pass  # kept as typed, saved with the conclusion once both can be read
    elif data["conclusion"]:
        try:
            services.summary_conclusion_set(
                actor=request.user,
                conversation=conversation,
                conclusion=data["conclusion"],
                shared_outside=data["shared_outside"],
            )
        except DomainError as e:
            e.add_to(form)
    elif summary and data["shared_outside"].strip() != summary.shared_outside:
        # Saved without a conclusion: what may be shared is part of it.
        form.add_error("conclusion", _("Choose a conclusion to save what may be shared."))
    if sending and not form.errors:
        try:
            services.summary_submit(actor=request.user, conversation=conversation)
        except DomainError as e:
            e.add_to(form)
    if form.errors:
        return summary_page_response(request, conversation, draft_form=form, status=400)
    if sending:
        messages.success(request, _("The summary is sent for comments and approval."))
        return redirect("summary", pk=pk)
    messages.success(request, _("The summary and the conclusion are saved."))
    return redirect(reverse("summary", args=[pk]) + "#konklusjon")


@guarded()
@require_POST
def summary_conclusion(request, pk):
    """Save the drafter's form without sending it (the text, the conclusion)."""
    return _draft_posted(request, pk, sending=False)


@guarded()
@require_POST
def summary_submit(request, pk):
    """Send the summary for comments and approval, with the text and conclusion posted."""
    return _draft_posted(request, pk, sending=True)


def _step(request, pk, service, done: str):
    conversation = policy.get_conversation_for(request.user, pk)
    acted(request, lambda: service(actor=request.user, conversation=conversation), done)
    return redirect("summary", pk=pk)


def _review_step(request, pk, service, done: str):
    """The reviewer's buttons post the comment with them: saved first (if changed), then the
    step. A refusal about the comment comes back at the comment, as typed."""
    conversation = policy.get_conversation_for(request.user, pk)
    summary = services.summary_current(conversation)
    form = ReviewForm(request.POST)
    form.is_valid()
    _text_posted(
        form,
        services.summary_comment_save,
        actor=request.user,
        conversation=conversation,
        stored=summary.comment if summary else None,
    )
    if not form.errors:
        try:
            service(actor=request.user, conversation=conversation)
        except DomainError as e:
            if e.field != "comment":
                messages.error(request, e.message)
                return redirect("summary", pk=pk)
            e.add_to(form, renamed={"comment": "text"})
        else:
            messages.success(request, done)
            return redirect("summary", pk=pk)
    return summary_page_response(request, conversation, review_form=form, status=400)


@guarded()
@require_POST
def summary_comment_send(request, pk):
    return _review_step(
        request, pk, services.summary_comment_send, _("Your comment is sent. Both of you see it.")
    )


@guarded()
@require_POST
def summary_send_back(request, pk):
    return _review_step(
        request,
        pk,
        services.summary_send_back,
        _("The summary is sent back with your comment. You see it again when it is sent anew."),
    )


@guarded()
@require_POST
def summary_approve(request, pk):
    return _review_step(
        request, pk, services.summary_approve, _("The summary is agreed. Now you both sign.")
    )


@guarded()
@require_POST
def summary_reopen(request, pk):
    return _step(request, pk, services.summary_reopen, _("The summary is open for changes again."))


@guarded()
@require_http_methods(["GET", "POST"])
def summary_revise(request, pk):
    """Propose a correction of the signed summary: a page that asks why, and to confirm."""
    conversation = policy.get_conversation_for(request.user, pk)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.summary_revise(
                    actor=request.user,
                    conversation=conversation,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as e:
                e.add_to(form)
            else:
                messages.success(
                    request,
                    _(
                        "The correction is proposed. The signed summary stays in force until "
                        "you have both signed the correction."
                    ),
                )
                return redirect("summary", pk=pk)
        status = 400
    current = services.summary_current(conversation)
    context = {
        "conversation": conversation,
        "form": form,
        "in_force": services.summary_in_force(conversation),
        "may_propose": conversation.status == Conversation.Status.SIGNED
        and current is not None
        and current.is_signed,
    }
    return render(request, "conversations/correction.html", context, status=status)


@guarded()
@require_POST
def correction_withdraw(request, pk):
    """Either party withdraws the correction under way, saying why (the form sits in the
    correction notice on the summary page). A refusal comes back on that page, bound."""
    conversation = policy.get_conversation_for(request.user, pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            services.correction_withdraw(
                actor=request.user, conversation=conversation, reason=form.cleaned_data["reason"]
            )
        except DomainError as e:
            if e.field in form.fields:
                e.add_to(form)
            else:
                # No correction under way: the page has no withdraw form to show it in.
                messages.error(request, e.message)
        else:
            messages.success(
                request,
                _("The correction is withdrawn. The signed summary is in force as before."),
            )
            return redirect("summary", pk=pk)
    return summary_page_response(request, conversation, withdraw_form=form, status=400)


@guarded()
@require_POST
def correction_goals(request, pk):
    """The drafter saves the correction's goals and actions (all of them, one form)."""
    conversation = policy.get_conversation_for(request.user, pk)
    access.require(policy.may_draft_summary(request.user, conversation))
    summary = services.summary_current(conversation)
    form = CorrectionGoalsForm(request.POST, draft=summary.agreed_goals if summary else [])
    if form.is_valid():
        try:
            services.correction_goals_set(
                actor=request.user,
                conversation=conversation,
                goals=form.proposed(),
                base=form.cleaned_data["base"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("The goals and actions of the correction are saved."))
            return redirect(reverse("summary", args=[pk]) + "#correction-goals")
    return summary_page_response(request, conversation, goals_form=form, status=400)


@guarded()
@require_GET
def summary_revisions(request, pk):
    """What changed between two revisions of the summary (?fra=1&til=2): the parties only,
    and only revisions whose text they may read."""
    conversation = policy.get_conversation_for(request.user, pk)
    revisions = {
        r.number: r
        for r in policy.summary_revisions_visible_to(request.user, conversation).order_by("number")
    }
    form = RevisionCompareForm(
        request.GET or None,
        numbers=list(revisions),
        withdrawn={n for n, r in revisions.items() if r.withdrawn_at},
    )
    comparison, status = None, 200
    if len(revisions) >= 2:
        if not form.is_bound:
            chosen = (form.initial["fra"], form.initial["til"])
        elif form.is_valid():
            chosen = (form.cleaned_data["fra"], form.cleaned_data["til"])
        else:
            chosen, status = None, 400
        if chosen:
            before, after = (revisions[n] for n in chosen)
            comparison = revision_diff.compare(conversation, before, after)
    context = {"conversation": conversation, "form": form, "comparison": comparison}
    return render(request, "conversations/revisions.html", context, status=status)


@guarded()
@require_POST
def feedback_give(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    declined = "decline" in request.POST
    form = FeedbackForm(request.POST)
    if not declined and not form.is_valid():
        # The comment stays in the form; the rating field says what is missing.
        return summary_page_response(request, conversation, feedback_form=form, status=400)
    try:
        services.feedback_give(
            actor=request.user,
            conversation=conversation,
            rating=None if declined else form.cleaned_data["rating"],
            comment="" if declined else form.cleaned_data["comment"],
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Thank you for your answer."))
    return redirect("summary", pk=pk)


@guarded()
@require_GET
def shared_summary(request, pk):
    """A signed summary its employee let their new line manager read: its text, conclusion
    and the goals agreed, nothing else of the conversation. Every read is audited as a read
    outside the two who held it, which the employee sees among the reads of their
    conversations."""
    conversation = policy.get_shared_summary_for(request.user, pk)
    revision = handover.summary_in_force(conversation)
    audit_read(request.user, conversation, what="shared_summary", role="new_leader")
    context = {"conversation": conversation, "revision": revision}
    return render(request, "conversations/shared_summary.html", context)
