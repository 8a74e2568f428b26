"""The summary: drafted by one party, commented and approved by the other, signed by both."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samtale.conversations.forms import ConclusionForm, FeedbackForm, TextForm
from samtale.conversations.models import Feedback
from samtale.conversations.services import summary as services
from samtale.conversations.views.meeting import goals_context
from samtale.conversations.views.preparation import autosave_response
from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import guarded


@guarded()
@require_GET
def summary_page(request, pk):
    return _summary(request, access.get_conversation_for(request.user, pk))


def _summary(request, conversation, *, conclusion_form=None, feedback_form=None, status=200):
    """The summary page; a form that was refused comes back bound, with what was typed."""
    summary = services.summary_current(conversation)
    visible = summary is not None and access.may_see_summary(request.user, conversation, summary)
    party = conversation.party(request.user)
    revisions = [
        r for r in conversation.summaries.order_by("-number") if r.is_signed and r != summary
    ]
    context = {
        "conversation": conversation,
        "party": party,
        "summary": summary if visible else None,
        "summary_exists": summary is not None,
        "drafter": access.may_draft_summary(request.user, conversation),
        "reviewer": access.may_review_summary(request.user, conversation),
        "conclusion_form": conclusion_form
        or (
            ConclusionForm(
                initial={"conclusion": summary.conclusion, "shared_outside": summary.shared_outside}
            )
            if summary
            else None
        ),
        "my_signature": getattr(summary, f"{party}_signed_at", None) if summary else None,
        "ask_feedback": access.may_give_feedback(request.user, conversation)
        and not Feedback.objects.filter(conversation=conversation).exists(),
        "feedback_form": feedback_form or FeedbackForm(),
        "earlier_revisions": revisions,
        **goals_context(conversation, request.user),
    }
    return render(request, "conversations/summary.html", context, status=status)


def _text_save(request, pk, service, anchor: str):
    conversation = access.get_conversation_for(request.user, pk)
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


@guarded()
@require_POST
def summary_conclusion(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    form = ConclusionForm(request.POST)
    if form.is_valid():
        try:
            services.summary_conclusion_set(
                actor=request.user, conversation=conversation, **form.cleaned_data
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        else:
            messages.success(request, _("The conclusion is saved."))
            return redirect(reverse("summary", args=[pk]) + "#konklusjon")
    # Refused: the page again, with what was written about sharing kept in the form.
    return _summary(request, conversation, conclusion_form=form, status=400)


def _step(request, pk, service, done: str):
    conversation = access.get_conversation_for(request.user, pk)
    try:
        service(actor=request.user, conversation=conversation)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("summary", pk=pk)


@guarded()
@require_POST
def summary_submit(request, pk):
    return _step(
        request, pk, services.summary_submit, _("The summary is sent for comments and approval.")
    )


@guarded()
@require_POST
def summary_approve(request, pk):
    return _step(
        request, pk, services.summary_approve, _("The summary is agreed. Now you both sign.")
    )


@guarded()
@require_POST
def summary_reopen(request, pk):
    return _step(request, pk, services.summary_reopen, _("The summary is open for changes again."))


@guarded()
@require_POST
def conversation_sign(request, pk):
    return _step(request, pk, services.conversation_sign, _("You have signed."))


@guarded()
@require_POST
def summary_revise(request, pk):
    return _step(
        request,
        pk,
        services.summary_revise,
        _("A correction is started. The signed version is kept; the correction is signed again."),
    )


@guarded()
@require_POST
def feedback_give(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    declined = "decline" in request.POST
    form = FeedbackForm(request.POST)
    if not declined and not form.is_valid():
        # The comment stays in the form; the rating field says what is missing.
        return _summary(request, conversation, feedback_form=form, status=400)
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
