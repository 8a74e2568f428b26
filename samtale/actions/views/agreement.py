"""Goals and actions in a conversation: added and edited on the meeting and summary pages.

htmx requests get the goals section back; plain posts go back to the page they came from.
"""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtale.actions import policy, services
from samtale.conversations import policy as conversations_policy
from samtale.conversations.forms import ActionForm, GoalForm
from samtale.conversations.views.meeting import goals_context
from samtale.core.errors import DomainError
from samtale.core.http import guarded, redirect_back


def _answer(request, conversation, *, error: str | None = None, form=None):
    if request.htmx:
        context = {"conversation": conversation, **goals_context(conversation, request.user)}
        if form is not None:
            context["goal_form"] = form
        if error:
            context["goals_error"] = error
        # htmx swaps only 2xx answers; the fragment itself shows the error.
        return render(request, "conversations/_goals.html", context)
    if error:
        messages.error(request, error)
    return redirect_back(request, reverse("meeting", args=[conversation.pk]) + "#mal")


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return _("The form could not be read.")


@guarded()
@require_POST
def goal_add(request, pk):
    conversation = conversations_policy.get_conversation_for(request.user, pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _answer(request, conversation, error=_first_error(form), form=form)
    try:
        services.goal_add(actor=request.user, conversation=conversation, **form.cleaned_data)
    except DomainError as e:
        return _answer(request, conversation, error=e.message, form=form)
    return _answer(request, conversation)


@guarded()
@require_POST
def goal_delete(request, pk):
    goal = policy.get_goal_for(request.user, pk)
    try:
        services.goal_delete(actor=request.user, goal=goal)
    except DomainError as e:
        return _answer(request, goal.conversation, error=e.message)
    return _answer(request, goal.conversation)


@guarded()
@require_POST
def action_add(request, pk):
    goal = policy.get_goal_for(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _answer(request, goal.conversation, error=_first_error(form))
    data = form.cleaned_data
    try:
        services.action_add(
            actor=request.user,
            goal=goal,
            text=data["action_text"],
            deadline=data["deadline"],
            responsible=data["responsible"],
        )
    except DomainError as e:
        return _answer(request, goal.conversation, error=e.message)
    return _answer(request, goal.conversation)


@guarded()
@require_POST
def action_delete(request, pk):
    action = policy.get_action_for(request.user, pk)
    conversation = action.goal.conversation
    try:
        services.action_delete(actor=request.user, action=action)
    except DomainError as e:
        return _answer(request, conversation, error=e.message)
    return _answer(request, conversation)
