"""The caller's conversations: those they are a party to (conversations_policy.conversations_visible_to),
and one with what the web shows its two parties."""

from typing import Literal, get_args

from ninja import Query, Router

from samtale.api.endpoints.common import Id, page_of, person_ref, responses
from samtale.api.schemas import ConversationDetail, ConversationPage, PageQuery
from samtale.conversations import policy as conversations_policy
from samtale.conversations import selectors
from samtale.conversations.models import Conversation, held_or_planned_at_sql
from samtale.conversations.services import summary as summaries

router = Router(tags=["conversations"])

Status = Literal[
    "planned", "invited", "prepared", "held", "summary_agreed", "signed", "postponed", "cancelled"
]
assert set(get_args(Status)) == set(Conversation.Status.values)  # noqa: S101 - kept in step


def conversation_out(c: Conversation) -> dict:
    return {
        "id": c.pk,
        "status": c.status,
        "kind": c.kind,
        "scheduled_at": c.scheduled_at,
        "duration_minutes": c.duration_minutes,
        "held_at": c.held_at,
        "held_or_planned_at": c.held_or_planned_at,
        "signed_at": c.signed_at,
        "employee": person_ref(c.employee),
        "leader": person_ref(c.leader),
        "round": None if c.round is None else {"id": c.round.pk, "name": c.round.name},
    }


def summary_out(s) -> dict | None:
    if s is None:
        return None
    return {
        "number": s.number,
        "text": s.text,
        "conclusion": s.conclusion,
        "shared_outside": s.shared_outside,
        "submitted_at": s.submitted_at,
        "approved_at": s.approved_at,
        "employee_signed_at": s.employee_signed_at,
        "leader_signed_at": s.leader_signed_at,
    }


@router.get("", response=responses(ConversationPage), url_name="conversation_list")
def conversation_list(request, paging: Query[PageQuery], status: Status | None = None):
    """The conversations the caller is the employee or the leader of, the latest first."""
    rows = conversations_policy.conversations_visible_to(request.auth).select_related(
        "employee", "leader", "round"
    )
    if status is not None:
        rows = rows.filter(status=status)
    return page_of(rows.order_by(held_or_planned_at_sql().desc(), "-pk"), paging, conversation_out)


@router.get("/{pk}", response=responses(ConversationDetail, 404), url_name="conversation")
def conversation_detail(request, pk: int = Id()):
    """One conversation for its two parties (404 for everyone else): the summary once the web
    shows it to the caller (the page's one answer, conversations_policy.access_to), the one in
    force, and the goals."""
    conversation = conversations_policy.get_conversation_for(request.auth, pk)
    current = summaries.summary_current(conversation)
    reader = conversations_policy.access_to(request.auth, conversation, current)
    goals = selectors.goals_with_actions(conversation)
    return {
        **conversation_out(conversation),
        "party": reader.party,
        "place": conversation.place,
        "summary": summary_out(current) if reader.may_see_summary else None,
        "summary_in_force": summary_out(summaries.summary_in_force(conversation)),
        "goals": [
            {
                "id": g.pk,
                "text": g.text,
                "result": g.result,
                "serves": {"id": g.serves.pk, "title": g.serves.title} if g.serves_id else None,
                "actions": [
                    {
                        "id": a.pk,
                        "text": a.text,
                        "deadline": a.deadline,
                        "responsible": a.responsible,
                        "status": a.status,
                        "added_after_signing": a.added_after_signing,
                        "competence": a.competence,
                        "cost": a.cost,
                    }
                    for a in g.actions.all()
                ],
            }
            for g in goals
        ],
    }
