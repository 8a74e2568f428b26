"""Preparation: notes per theme (autosaved, private until shared), Likert answers,
the leader's private checklist."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samtale.conversations import selectors
from samtale.conversations.forms import ChecklistForm, LikertForm, TextForm
from samtale.conversations.guidance import LEADER_QUESTIONS
from samtale.conversations.models import Preparation
from samtale.conversations.services import preparation as services
from samtale.core import access
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back, wants_json
from samtale.guides.likert import SCALE


def previous_context(conversation, user) -> dict:
    """The agenda starts with the previous conversation's agreed actions, their status,
    and a place to record each goal's result."""
    previous = selectors.previous_conversation(
        conversation, visible=access.conversations_visible_to(user)
    )
    return {
        "previous": previous,
        "previous_goals": selectors.goals_with_actions(previous) if previous else [],
    }


@guarded()
@require_GET
def preparation(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    party = conversation.party(request.user)
    mine = Preparation.objects.filter(conversation=conversation, author=request.user).first()
    context = {
        "conversation": conversation,
        "party": party,
        "preparation": mine,
        "themes": selectors.agenda(
            conversation=conversation,
            viewer=request.user,
            notes=access.notes_visible_to(request.user, conversation),
            answers_visible=party == "employee",
        ),
        "likert_labels": SCALE,
        "leader_questions": list(enumerate(LEADER_QUESTIONS)) if party == "leader" else [],
        "checked": set(mine.checklist) if mine else set(),
        "other_shared": selectors.preparation_state(conversation=conversation)[
            "leader" if party == "employee" else "employee"
        ],
        **previous_context(conversation, request.user),
    }
    return render(request, "conversations/preparation.html", context)


def autosave_response(request, *, saved, error: DomainError | None, fallback: str):
    """JSON for our autosave script; a message and a redirect for a plain form post."""
    if wants_json(request):
        if isinstance(error, EditConflict):
            return JsonResponse(
                {
                    "conflict": True,
                    "message": error.message,
                    "theirs": error.theirs,
                    "version": error.version,
                },
                status=409,
            )
        if error is not None:
            return JsonResponse({"error": error.message}, status=400)
        now = formats.time_format(timezone.localtime(), "TIME_FORMAT")
        return JsonResponse({"version": saved, "message": _("Saved %(time)s") % {"time": now}})
    if isinstance(error, EditConflict):
        messages.error(
            request,
            _(
                "Not saved: the text was changed elsewhere while you wrote. The saved text is shown; "
                "your own text was: %(text)s"
            )
            % {"text": request.POST.get("text", "")},
        )
    elif error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(fallback)


@guarded()
@require_POST
def note_save(request, pk, theme_key):
    conversation = access.get_conversation_for(request.user, pk)
    form = TextForm(request.POST)
    fallback = reverse("preparation", args=[pk]) + f"#tema-{theme_key}"
    if not form.is_valid():
        return autosave_response(
            request,
            saved=None,
            error=DomainError(_("The text could not be read.")),
            fallback=fallback,
        )
    try:
        note = services.note_save(
            actor=request.user,
            conversation=conversation,
            theme_key=theme_key,
            text=form.cleaned_data["text"],
            base_version=form.cleaned_data["version"],
        )
    except DomainError as e:
        return autosave_response(request, saved=None, error=e, fallback=fallback)
    return autosave_response(request, saved=note.version, error=None, fallback=fallback)


@guarded()
@require_POST
def preparation_share(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    try:
        services.preparation_share(actor=request.user, conversation=conversation)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        other = (
            conversation.leader
            if conversation.party(request.user) == "employee"
            else conversation.employee
        )
        messages.success(
            request, _("Your preparation is shared with %(name)s.") % {"name": other.full_name}
        )
    return redirect("preparation", pk=conversation.pk)


@guarded()
@require_POST
def likert_save(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    form = LikertForm(request.POST)
    status = 200
    if not form.is_valid():
        message, status = _("Choose a value from 1 to 5."), 400
    else:
        try:
            services.likert_answer(
                actor=request.user,
                conversation=conversation,
                statement_key=form.cleaned_data["statement"],
                value=form.cleaned_data["value"],
            )
            message = _("Saved.")
        except DomainError as e:
            message, status = e.message, 400
    if request.htmx:
        # htmx swaps only 2xx answers; the message itself says what went wrong.
        return render(request, "conversations/_saved.html", {"message": message})
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(reverse("preparation", args=[pk]) + "#svar")


@guarded()
@require_POST
def leader_checklist(request, pk):
    conversation = access.get_conversation_for(request.user, pk)
    form = ChecklistForm(request.POST)
    status = 200
    try:
        if not form.is_valid():
            raise DomainError(_("Unknown question."))
        services.leader_checklist_set(
            actor=request.user, conversation=conversation, done=form.cleaned_data["done"]
        )
        message = _("Saved.")
    except DomainError as e:
        message, status = e.message, 400
    if request.htmx:
        # htmx swaps only 2xx answers; the message itself says what went wrong.
        return render(request, "conversations/_saved.html", {"message": message})
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect_back(request, reverse("preparation", args=[pk]))
