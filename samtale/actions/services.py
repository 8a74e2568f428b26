"""Goals and actions (Mål · Tiltak · Tidsfrist · Ansvar) agreed in a conversation.

Either party writes them during the meeting and while the summary is drafted;
once the summary is agreed, what was agreed no longer changes here.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person

S = Conversation.Status
EDITABLE = (S.PLANNED, S.INVITED, S.PREPARED, S.HELD)
TEXT_MAX_LENGTH = 2000


def _check(actor: Person, conversation: Conversation) -> None:
    require(conversation.party(actor) is not None)
    if conversation.status not in EDITABLE:
        raise DomainError(
            _("The goals and actions are agreed; they can no longer be changed here.")
        )


def _text(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(_("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, field=field)
    return text


def _deadline(deadline: date | None) -> date | None:
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline has already passed."), field="deadline")
    return deadline


def _responsible(responsible: str) -> str:
    if responsible not in Action.Responsible.values:
        raise DomainError(_("Choose who is responsible."), field="responsible")
    return responsible


@transaction.atomic
def goal_add(
    *,
    actor: Person,
    conversation: Conversation,
    text: str,
    action_text: str = "",
    deadline: date | None = None,
    responsible: str = Action.Responsible.EMPLOYEE,
) -> Goal:
    """A goal, and usually its first action in the same step."""
    _check(actor, conversation)
    order = (conversation.goals.aggregate(m=Max("order"))["m"] or 0) + 1
    goal = Goal.objects.create(
        conversation=conversation, order=order, text=_text(text, "text"), created_by=actor
    )
    if action_text.strip():
        action_add(
            actor=actor, goal=goal, text=action_text, deadline=deadline, responsible=responsible
        )
    audit_log(actor=actor, action="goal.add", obj=goal)
    return goal


@transaction.atomic
def goal_delete(*, actor: Person, goal: Goal) -> None:
    _check(actor, goal.conversation)
    audit_log(actor=actor, action="goal.delete", obj=goal)
    goal.delete()


@transaction.atomic
def action_add(
    *, actor: Person, goal: Goal, text: str, deadline: date | None, responsible: str
) -> Action:
    _check(actor, goal.conversation)
    order = (goal.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    return Action.objects.create(
        goal=goal,
        order=order,
        text=_text(text, "action_text"),
        deadline=_deadline(deadline),
        responsible=_responsible(responsible),
        created_by=actor,
    )


@transaction.atomic
def action_delete(*, actor: Person, action: Action) -> None:
    _check(actor, action.goal.conversation)
    action.delete()
