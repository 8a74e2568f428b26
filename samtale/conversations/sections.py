"""Parts of a page that more than one page shows, as template context: the goals section,
the previous conversation's actions, and the record of the summary's revisions. The pages'
views (conversations.views, actions.views) gather them from here; no view module imports
another."""

from django.db.models import Prefetch

from samtale.conversations import policy, selectors
from samtale.conversations.forms import ActionForm, GoalForm
from samtale.conversations.kept import form_take
from samtale.conversations.models import CompetenceKind, Responsible
from samtale.conversations.services import summary as services
from samtale.priorities import selectors as priorities_selectors

NOT_READ = object()


def goals_context(
    conversation,
    user,
    *,
    request=None,
    goal_form=None,
    action_typed=None,
    error=None,
    unit_goals=NOT_READ,
) -> dict:
    """The goals section (conversations/_goals.html). A goal or an action refused comes back
    as typed: from the view that refused it (htmx), or kept for the page it was posted from
    (samtale.conversations.kept), the action's as {"goal": pk, "form", "error"}. The
    workplace's goals an agreed goal may serve (`unit_goals`, priorities) are read while
    the goals can change, unless the page has read them already."""
    party = conversation.party(user) is not None
    if kept := form_take(request, f"goal:{conversation.pk}"):
        goal_form, error = GoalForm(kept["data"]), kept["error"]
    if kept := form_take(request, f"action:{conversation.pk}"):
        action_typed = {
            "goal": kept["goal"],
            "form": ActionForm(kept["data"]),
            "error": kept["error"],
        }
    for form in (goal_form, action_typed and action_typed["form"]):
        if form is not None:
            form.is_valid()  # the errors beside the fields
    editable = conversation.goals_editable and party
    if unit_goals is NOT_READ:
        unit_goals = priorities_selectors.for_conversation(conversation) if editable else None
    return {
        "goals": selectors.goals_with_actions(conversation),
        "goals_editable": editable,
        "unit_goals": unit_goals,
        # After signing: statuses, and new actions added as follow-up.
        "goals_follow_up": conversation.is_followed_up and party,
        "goal_form": goal_form or GoalForm(),
        "goals_error": error,
        "action_typed": action_typed,
        "responsible": Responsible,
        "competence_kinds": CompetenceKind.choices,
    }


def previous_context(conversation, user, *, carry: bool = False) -> dict:
    """The agenda starts with the previous conversation's agreed actions, their status,
    and a place to record each goal's result; in the meeting (`carry`), a button to carry
    each open one over into this conversation, or that it is."""
    previous = selectors.previous_conversation(
        conversation, visible=policy.conversations_visible_to(user)
    )
    carry = carry and previous is not None and conversation.goals_editable
    return {
        "previous": previous,
        "previous_goals": selectors.goals_with_actions(previous) if previous else [],
        "carry_over": carry and conversation.party(user) is not None,
        "carried": set(conversation.goals.values_list("actions__carried_from", flat=True))
        if carry
        else set(),
    }


def revisions_context(reader: policy.ConversationAccess) -> dict:
    """The conversation page's record of the summary: every revision with who signed it
    when, a correction's reason and proposer, and the comments on each; whether a
    correction is under way and which revision is in force; and whether there are two
    revisions the user may compare. For a party (the caller fetched the conversation
    through policy.get_conversation_for), as the page's one access answer says."""
    conversation = reader.conversation
    comments = reader.summary_comments.select_related("author")
    revisions = list(
        conversation.summaries.order_by("number")
        .select_related("proposed_by", "withdrawn_by", "signed_form")
        .defer("signed_form__pdf", "signed_form__content")
        .prefetch_related(Prefetch("comments", queryset=comments))
    )
    # What services.summary_current and summary_in_force read, from the revisions at hand.
    current = next((r for r in reversed(revisions) if r.withdrawn_at is None), None)
    in_force = next((r for r in reversed(revisions) if r.is_signed), None)
    return {
        "summary": current,
        "current_revision": current,
        "revisions": revisions,
        "correcting": services.is_correction_open(conversation, current),
        "in_force": in_force,
        # Two the user may read, of all there are (asked only when there are two).
        "comparable": len(revisions) >= 2
        and reader.summary_revisions(current=current).count() >= 2,
    }
