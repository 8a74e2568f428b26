"""Goals and actions in a conversation: added and edited on the meeting and summary pages.

htmx requests get the goals section back; plain posts go back to the page they came from.
"""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samtale.actions import agreement, policy
from samtale.actions.forms import GoalServesForm
from samtale.conversations import policy as conversations_policy
from samtale.conversations.forms import ActionForm, GoalForm
from samtale.conversations.kept import form_keep, posted
from samtale.conversations.sections import goals_context
from samtale.core.errors import DomainError
from samtale.core.http import acted, guarded, redirect_back


def _answer(
    request, conversation, *, error: str | None = None, form=None, goal=None, saved=None, added=None
):
    """The goals section again. A refused goal (`form`: a GoalForm) or action (an ActionForm,
    with its `goal`) comes back as typed, with the errors at their fields: in place for htmx;
    without JavaScript kept for the page the form was on (samtale.conversations.kept).
    `saved`: the goal whose choice (which unit goal it serves) was saved, said beside it;
    `added`: the goal just added, where focus goes (not to the page's top, as the form it
    was typed in is replaced)."""
    typed = {"goal": goal.pk, "form": form, "error": error} if goal is not None else None
    goal_form = form if goal is None else None
    if request.htmx:
        context = {
            "conversation": conversation,
            "goal_saved": saved.pk if saved is not None else None,
            "goal_added": added.pk if added is not None else None,
            **goals_context(
                conversation,
                request.user,
                goal_form=goal_form,
                action_typed=typed,
                error=error if typed is None else None,
            ),
        }
        # htmx swaps only 2xx answers; the fragment itself shows the error.
        return render(request, "conversations/_goals.html", context)
    if goal_form is not None:
        data = posted(request, goal_form.fields)
        form_keep(request, f"goal:{conversation.pk}", {"data": data, "error": error})
    elif typed is not None:
        data = posted(request, form.fields)
        form_keep(
            request, f"action:{conversation.pk}", {"data": data, "goal": goal.pk, "error": error}
        )
    elif error:
        messages.error(request, error)
    elif saved is not None:
        messages.success(request, _("Saved."))
    return redirect_back(request, reverse("meeting", args=[conversation.pk]) + "#mal")


@guarded()
@require_POST
def goal_add(request, pk):
    conversation = conversations_policy.get_conversation_for(request.user, pk)
    form = GoalForm(request.POST)
    serves = GoalServesForm(request.POST)
    if not (form.is_valid() and serves.is_valid()):
        return _answer(request, conversation, form=form)
    try:
        goal = agreement.goal_add(
            actor=request.user,
            conversation=conversation,
            serves=serves.cleaned_data["serves"],
            **form.cleaned_data,
        )
    except DomainError as e:
        return _answer(request, conversation, error=e.message, form=form)
    return _answer(request, conversation, added=goal)


@guarded()
@require_POST
def goal_serves(request, pk):
    goal = policy.get_goal_for(request.user, pk)
    form = GoalServesForm(request.POST)
    if not form.is_valid():
        return _answer(request, goal.conversation, error=form.errors["serves"][0])
    try:
        agreement.goal_serves_set(
            actor=request.user, goal=goal, priority_id=form.cleaned_data["serves"]
        )
    except DomainError as e:
        return _answer(request, goal.conversation, error=e.message)
    return _answer(request, goal.conversation, saved=goal)


@guarded()
@require_POST
def goal_delete(request, pk):
    goal = policy.get_goal_for(request.user, pk)
    try:
        agreement.goal_delete(actor=request.user, goal=goal)
    except DomainError as e:
        return _answer(request, goal.conversation, error=e.message)
    return _answer(request, goal.conversation)


@guarded()
@require_POST
def action_add(request, pk):
    goal = policy.get_goal_for(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _answer(request, goal.conversation, form=form, goal=goal)
    data = form.cleaned_data
    try:
        agreement.action_add(
            actor=request.user,
            goal=goal,
            text=data["action_text"],
            deadline=data["deadline"],
            responsible=data["responsible"],
            competence=data["competence"],
            cost=data["cost"],
        )
    except DomainError as e:
        return _answer(request, goal.conversation, error=e.message, form=form, goal=goal)
    return _answer(request, goal.conversation)


@guarded()
@require_POST
def action_delete(request, pk):
    action = policy.get_action_for(request.user, pk)
    conversation = action.goal.conversation
    try:
        agreement.action_delete(actor=request.user, action=action)
    except DomainError as e:
        return _answer(request, conversation, error=e.message)
    return _answer(request, conversation)


@guarded()
@require_POST
def action_carry_over(request, pk, action):
    """Carry an open action of the previous conversation over into this one, from the list
    of last time's actions at the top of the meeting; back there with what happened."""
    conversation = conversations_policy.get_conversation_for(request.user, pk)
    earlier = policy.get_action_for(request.user, action)
    acted(
        request,
        lambda: agreement.action_carry_over(
            actor=request.user, action=earlier, conversation=conversation
        ),
        _("«%(text)s» is carried over into this conversation, under its goal.")
        % {"text": earlier.text},
    )
    return redirect_back(request, reverse("meeting", args=[conversation.pk]) + "#mal")
