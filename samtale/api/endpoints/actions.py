"""Actions: the caller's agreed actions, one with its history, and a status update through the
service the web's form calls (actions.services.action_update: checked, kept in the history
both parties see, audited)."""

from typing import Literal

from django.http import Http404
from ninja import Query, Router

from samtale.actions import policy as actions_policy
from samtale.actions import selectors, services
from samtale.actions.models import Action
from samtale.api.endpoints.common import Id, page_of, person_ref, responses
from samtale.api.schemas import ActionDetail, ActionPage, ActionUpdateIn, PageQuery

router = Router(tags=["actions"])

Filter = Literal[
    "all", "open", "overdue", "closed", "not_started", "in_progress", "done", "dropped"
]


def action_out(a: Action, today) -> dict:
    conversation = a.goal.conversation
    return {
        "id": a.pk,
        "conversation_id": conversation.pk,
        "goal": {"id": a.goal.pk, "text": a.goal.text},
        "text": a.text,
        "deadline": a.deadline,
        "responsible": a.responsible,
        "status": a.status,
        "overdue": selectors.is_overdue(a, today),
        "added_after_signing": a.added_after_signing,
        "competence": a.competence,
        "cost": a.cost,
        "employee": person_ref(conversation.employee),
        "leader": person_ref(conversation.leader),
        "updated_at": a.updated_at,
    }


def _detail(user, pk) -> dict:
    """The action and its history, read as the web's action page reads them."""
    try:
        action = selectors.action_with_history(actions_policy.actions_visible_to(user), pk)
    except (Action.DoesNotExist, ValueError):
        raise Http404 from None
    return {
        **action_out(action, selectors.today()),
        "followed_up": action.goal.conversation.is_followed_up,
        "history": [
            {
                "at": u.at,
                "actor": person_ref(u.actor),
                "from_status": u.from_status,
                "to_status": u.to_status,
                "comment": u.comment,
            }
            for u in action.updates.all()
        ],
    }


@router.get("", response=responses(ActionPage), url_name="action_list")
def action_list(request, paging: Query[PageQuery], status: Filter = "all"):
    """The agreed actions of the caller's conversations (as employee or as leader), by
    deadline; `status` as the web's filter: open, closed (done or dropped), or one bucket of the
    follow-up, each action in exactly one: overdue (open and past the deadline), in_progress
    and not_started (not overdue), done, dropped."""
    today = selectors.today()
    agreed = selectors.agreed(actions_policy.actions_visible_to(request.auth))
    rows = selectors.actions_listed(selectors.Filters(status=status).apply(agreed, today))
    return page_of(rows, paging, lambda a: action_out(a, today))


@router.get("/{pk}", response=responses(ActionDetail, 404), url_name="action")
def action_detail(request, pk: int = Id()):
    """One action of the caller's conversations, with its history (404 for anyone else)."""
    return _detail(request.auth, pk)


@router.patch("/{pk}", response=responses(ActionDetail, 400, 404), url_name="action_update")
def action_update(request, change: ActionUpdateIn, pk: int = Id()):
    """A new status, a comment, or both, once the conversation is signed; dropping an action
    takes a comment. Refused with 400 and the field when a rule of the follow-up says no."""
    action = actions_policy.get_action_for(request.auth, pk)
    services.action_update(
        actor=request.auth, action=action, status=change.status, comment=change.comment
    )
    return _detail(request.auth, pk)
