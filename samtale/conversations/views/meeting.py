"""The meeting screen, shared by the two on one laptop: only shared notes appear here."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samtale.conversations import policy, selectors
from samtale.conversations.forms import HoldForm, TalkTimeForm, ToggleForm
from samtale.conversations.guidance import CLOSING_STEPS, TALK_GOAL_LEADER_PERCENT
from samtale.conversations.sections import goals_context, previous_context
from samtale.conversations.services import lifecycle, meeting
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded, wants_json
from samtale.priorities import selectors as priorities_selectors


@guarded()
@require_GET
def meeting_screen(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    reader = policy.access_to(request.user, conversation)
    # Only what both have shared appears on the shared screen: nobody's drafts.
    shared_only = reader.notes.filter(shared_at__isnull=False)
    themes = selectors.agenda(
        conversation=conversation, viewer=request.user, notes=shared_only, answers_visible=False
    )
    context = {
        "conversation": conversation,
        "party": reader.party,
        "themes": themes,
        # The route through the meeting: each theme leads on to the next, the last to the close.
        "next_theme": {t.key: n for t, n in zip(themes, themes[1:], strict=False)},
        "covered_count": sum(t.covered for t in themes),
        "closing_steps": CLOSING_STEPS,
        "talk_goal": TALK_GOAL_LEADER_PERCENT,
        "may_manage": reader.may_manage,
        "open": conversation.status in meeting.MEETING_STATUSES,
        # Planned for a later day: "We hold the conversation now" up front.
        "before_its_day": lifecycle.before_its_day(conversation),
        **goals_context(
            conversation,
            request.user,
            request=request,
            unit_goals=priorities_selectors.for_conversation(conversation),
        ),
        **previous_context(conversation, request.user, carry=True),
    }
    return render(request, "conversations/meeting.html", context)


def _saved(request, pk, run, *, template="conversations/_saved.html") -> object:
    """Run a small meeting change; answer htmx with a status line, a plain post with a redirect.

    `run` may return the changed conversation, which the htmx answer's `template` gets too."""
    conversation = policy.get_conversation_for(request.user, pk)
    form = ToggleForm(request.POST)
    status, message, changed = 200, _("Saved."), None
    try:
        if not form.is_valid():
            raise DomainError(_("The request could not be read."))
        changed = run(conversation, form.cleaned_data["key"], form.cleaned_data["done"])
    except DomainError as e:
        status, message = 400, e.message
    if request.htmx:
        # htmx swaps only 2xx answers; the message itself says what went wrong.
        return render(request, template, {"message": message, "conversation": changed})
    # Said on the page it goes back to: a choice sent before the page's script was ready
    # comes this way too, and is seen to be saved.
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(reverse("meeting", args=[pk]))


@guarded()
@require_POST
def theme_cover(request, pk):
    return _saved(
        request,
        pk,
        lambda conversation, key, done: meeting.theme_cover_set(
            actor=request.user, conversation=conversation, theme_key=key, covered=done
        ),
        # With the agenda's "n of N covered", swapped out of band: no reload needed.
        template="conversations/_theme_covered.html",
    )


@guarded()
@require_POST
def closing_step(request, pk):
    def run(conversation, key, done):
        # ASCII digits only: "²" is a digit to str.isdigit() and not a number to int().
        if not (key.isascii() and key.isdigit()):
            raise DomainError(_("Unknown step."))
        meeting.closing_step_set(
            actor=request.user, conversation=conversation, step=int(key), done=done
        )

    return _saved(request, pk, run)


@guarded()
@require_POST
def talk_time(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    form = TalkTimeForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("The talk time could not be read.")}, status=400)
    try:
        conversation = meeting.talk_time_record(
            actor=request.user, conversation=conversation, **form.cleaned_data
        )
    except DomainError as e:
        return JsonResponse({"error": e.message}, status=400)
    return JsonResponse({"leader_share": conversation.talk_leader_share})


@guarded()
@require_POST
def meeting_hold_now(request, pk):
    """ "We hold the conversation now": a meeting planned for a later day is held today."""
    conversation = policy.get_conversation_for(request.user, pk)
    acted(
        request,
        lambda: lifecycle.conversation_hold_now(actor=request.user, conversation=conversation),
        _("Noted: you hold the conversation now."),
    )
    return redirect("meeting", pk=pk)


@guarded()
@require_POST
def meeting_close(request, pk):
    conversation = policy.get_conversation_for(request.user, pk)
    form = HoldForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirmed"]
    try:
        lifecycle.conversation_hold(
            actor=request.user, conversation=conversation, confirmed=confirmed
        )
    except DomainError as e:
        messages.error(request, e.message)
        # Planned for a later day, from a page older than that question: it is at the top.
        anchor = "#hold-now" if e.field == "confirmed" else ""
        return redirect(reverse("meeting", args=[pk]) + anchor)
    messages.success(request, _("The conversation is held. Now the summary."))
    if wants_json(request):
        return JsonResponse({"redirect": reverse("summary", args=[pk])})
    return redirect("summary", pk=pk)
