"""What a conversation agrees on: its goals and their actions (Mål · Tiltak · Tidsfrist ·
Ansvar), created and changed here alone.

The parties write them in the meeting and while the summary is drafted (goal_add,
action_add, carried over from an earlier conversation); a correction both have signed
changes them in one go (agreement_apply); and from the signing on they are followed up
(agreement_follow). Every action is made by `_action_create`, so an action has its
parties, whether it is followed up and its first history line by one rule, however it
came. The follow-up itself (status, comments, deadlines, results) is actions.services'.

Decision record: docs/developing/decision-agreement-owner.md.
"""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions import policy
from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.conversations.models import MAX_COST, CompetenceKind, Conversation, SummaryRevision
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person
from samtale.priorities import selectors as priorities_selectors

TEXT_MAX_LENGTH = 2000
Status = Action.Status


def _check(actor: Person, conversation: Conversation) -> None:
    require(conversation.party(actor) is not None)
    if not conversation.goals_editable:
        raise DomainError(
            _("The goals and actions are agreed; they can no longer be changed here.")
        )


def text_checked(text: str, field: str) -> str:
    """A goal's or an action's text: written, and not too long."""
    text = text.strip()
    if not text:
        raise DomainError(_("This field is required."), field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(_("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, field=field)
    return text


def deadline_ahead(deadline: date | None) -> date | None:
    """A new deadline is today or later."""
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("The deadline has already passed."), field="deadline")
    return deadline


def _responsible(responsible: str) -> str:
    if responsible not in Action.Responsible.values:
        raise DomainError(_("Choose who is responsible."), field="responsible")
    return responsible


def competence_checked(competence: str, cost: int | None) -> tuple[str, int | None]:
    """A competence need's kind (or none) and its estimated cost: a cost only with a kind."""
    if competence and competence not in CompetenceKind.values:
        raise DomainError(_("Choose a kind of competence need."), field="competence")
    if cost is not None and not (0 <= cost <= MAX_COST):
        raise DomainError(_("Give the cost in whole kroner."), field="cost")
    if cost is not None and not competence:
        raise DomainError(
            _("Choose the kind of competence need the cost is for."), field="competence"
        )
    return competence, cost


def _goal_create(*, actor: Person, conversation: Conversation, text: str) -> Goal:
    order = (conversation.goals.aggregate(m=Max("order"))["m"] or 0) + 1
    return Goal.objects.create(conversation=conversation, order=order, text=text, created_by=actor)


def _action_create(*, actor: Person, goal: Goal, comment: str = "", **fields) -> Action:
    """An action under `goal`, with the conversation's two parties. One made once the
    conversation is signed is followed up from the start, and its history begins with who
    added it and when (and `comment`, why)."""
    conversation = goal.conversation
    followed = conversation.is_followed_up
    action = Action.objects.create(
        goal=goal,
        order=(goal.actions.aggregate(m=Max("order"))["m"] or 0) + 1,
        created_by=actor,
        employee_id=conversation.employee_id,
        leader_id=conversation.leader_id,
        followed=followed,
        **fields,
    )
    if followed:
        ActionUpdate.objects.create(
            action=action, actor=actor, to_status=action.status, comment=comment
        )
    return action


@transaction.atomic
def goal_add(
    *,
    actor: Person,
    conversation: Conversation,
    text: str,
    action_text: str = "",
    deadline: date | None = None,
    responsible: str = Action.Responsible.EMPLOYEE,
    competence: str = "",
    cost: int | None = None,
    serves: int | None = None,
) -> Goal:
    """A goal, and usually its first action in the same step; with `serves`, the workplace's
    goal it serves (goal_serves_set), chosen as it is added."""
    _check(actor, conversation)
    goal = _goal_create(actor=actor, conversation=conversation, text=text_checked(text, "text"))
    if serves is not None:
        goal_serves_set(actor=actor, goal=goal, priority_id=serves)
    if action_text.strip():
        action_add(
            actor=actor,
            goal=goal,
            text=action_text,
            deadline=deadline,
            responsible=responsible,
            competence=competence,
            cost=cost,
        )
    elif competence or cost is not None:
        raise DomainError(_("Write the action the competence need is for."), field="action_text")
    audit_log(actor=actor, action="goal.add", obj=goal)
    return goal


@transaction.atomic
def goal_serves_set(*, actor: Person, goal: Goal, priority_id: int | None) -> Goal:
    """Which of the workplace's goals for the year (priorities) the agreed goal serves, or
    none: one of those the conversation shows."""
    conversation = goal.conversation
    _check(actor, conversation)
    priority = None
    if priority_id is not None:
        shown = priorities_selectors.for_conversation(conversation)
        priority = next((p for p in shown.goals if p.pk == priority_id), None) if shown else None
        if priority is None:
            raise DomainError(_("Choose one of the workplace's goals the conversation shows."))
    if goal.serves_id != (priority.pk if priority else None):
        goal.serves = priority
        goal.save(update_fields=["serves"])
        audit_log(actor=actor, action="goal.serves", obj=goal, serves=priority_id)
    return goal


@transaction.atomic
def goal_delete(*, actor: Person, goal: Goal) -> None:
    _check(actor, goal.conversation)
    audit_log(actor=actor, action="goal.delete", obj=goal)
    goal.delete()


@transaction.atomic
def action_add(
    *,
    actor: Person,
    goal: Goal,
    text: str,
    deadline: date | None,
    responsible: str,
    competence: str = "",
    cost: int | None = None,
) -> Action:
    """Add an action: part of the agreement while it is made, a follow-up after signing."""
    conversation = goal.conversation
    after_signing = conversation.is_followed_up
    if after_signing:
        require(conversation.party(actor) is not None)
    else:
        _check(actor, conversation)
    competence, cost = competence_checked(competence, cost)
    action = _action_create(
        actor=actor,
        goal=goal,
        text=text_checked(text, "action_text"),
        deadline=deadline_ahead(deadline),
        responsible=_responsible(responsible),
        competence=competence,
        cost=cost,
        added_after_signing=after_signing,
    )
    if after_signing:
        audit_log(actor=actor, action="action.add_after_signing", obj=action)
    return action


@transaction.atomic
def action_competence_set(
    *, actor: Person, action: Action, competence: str, cost: int | None
) -> Action:
    """Mark an action as a competence need (a course, training, further education,
    guidance) with its estimated cost, or not: while the goals are written, either party;
    once it is followed up, those who follow it up. It changes nothing of what was agreed,
    only how the unit's competence plan counts it."""
    conversation = action.goal.conversation
    if conversation.is_followed_up:
        require(policy.may_follow_up_action(actor, action))
    else:
        _check(actor, conversation)
    competence, cost = competence_checked(competence, cost)
    if (action.competence, action.cost) != (competence, cost):
        action.competence, action.cost = competence, cost
        action.save(update_fields=["competence", "cost", "updated_at"])
        audit_log(
            actor=actor, action="action.competence", obj=action, competence=competence, cost=cost
        )
    return action


@transaction.atomic
def action_delete(*, actor: Person, action: Action) -> None:
    _check(actor, action.goal.conversation)
    action.delete()


@transaction.atomic
def action_carry_over(*, actor: Person, action: Action, conversation: Conversation) -> Action:
    """Carry an open action of the employee's earlier conversation over into this one: the
    same action under the same goal, linked to its earlier self, with its status and its
    deadline where that is still ahead. Once this conversation is signed it is followed up
    here alone (agreement_follow), so every list and count shows it once. Either party,
    while the goals are written."""
    _check(actor, conversation)
    action = Action.objects.select_for_update().get(pk=action.pk)
    require(policy.may_follow_up_action(actor, action))
    earlier = action.goal.conversation
    if earlier.pk == conversation.pk or action.employee_id != conversation.employee_id:
        raise DomainError(
            _("Only an action of the employee's earlier conversation is carried over.")
        )
    if not action.followed or not action.is_open:
        raise DomainError(_("Only an open action that is followed up is carried over."))
    if Action.objects.filter(carried_from=action, goal__conversation=conversation).exists():
        raise DomainError(_("The action is already carried over into this conversation."))
    # Under the goal that continues the earlier one, if another of its actions came first.
    goal = Goal.objects.filter(
        conversation=conversation, actions__carried_from__goal=action.goal
    ).first() or _goal_create(actor=actor, conversation=conversation, text=action.goal.text)
    ahead = action.deadline if action.deadline and action.deadline >= timezone.localdate() else None
    carried = _action_create(
        actor=actor,
        goal=goal,
        text=action.text,
        deadline=ahead,
        responsible=action.responsible,
        status=action.status,
        carried_from=action,
    )
    audit_log(actor=actor, action="action.carry_over", obj=carried, earlier=action.pk)
    return carried


def agreement_follow(*, conversation: Conversation) -> None:
    """Now that both have signed, the agreed actions are followed up: the follow-up
    overviews read `Action.followed` instead of joining to the conversation. Each action is
    followed up in one place, and so in the lists and counts once: what this conversation
    carried over from an earlier one is followed up here, no longer there. Called by the
    signing (samtale.signing.services) in its transaction."""
    Action.objects.filter(goal__conversation=conversation).update(followed=True)
    earlier = Action.objects.filter(carried_to__goal__conversation=conversation).values("pk")
    Action.objects.filter(pk__in=earlier).update(followed=False)


def _action_drop(*, actor: Person, action: Action, comment: str) -> None:
    if action.status == Status.DROPPED:
        return
    ActionUpdate.objects.create(
        action=action,
        actor=actor,
        from_status=action.status,
        to_status=Status.DROPPED,
        comment=comment,
    )
    action.status = Status.DROPPED
    action.save(update_fields=["status", "updated_at"])


def _action_change(*, actor: Person, action: Action, item: dict, comment: str) -> None:
    deadline = date.fromisoformat(item["deadline"]) if item.get("deadline") else None
    if (action.text, action.deadline, action.responsible) == (
        item["text"],
        deadline,
        item["responsible"],
    ):
        return
    action.text, action.deadline = item["text"], deadline
    action.responsible = item["responsible"]
    action.save(update_fields=["text", "deadline", "responsible", "updated_at"])
    ActionUpdate.objects.create(action=action, actor=actor, comment=comment)


def _goal_apply(*, actor: Person, goal: Goal, entry: dict, live: dict, words: dict) -> list[dict]:
    """One goal's actions as the correction agrees them; the kept ones, as agreed."""
    kept = []
    for item in entry["actions"]:
        action = live.get(item.get("action_id"))
        if entry.get("removed") or item.get("removed"):
            if action is not None:
                comment = _("Removed in correction %(n)d: %(reason)s") % words
                _action_drop(actor=actor, action=action, comment=comment)
            continue
        if action is None:
            action = _action_create(
                actor=actor,
                goal=goal,
                comment=_("Added in correction %(n)d: %(reason)s") % words,
                text=item["text"],
                deadline=date.fromisoformat(item["deadline"]) if item.get("deadline") else None,
                responsible=item["responsible"],
            )
        else:
            comment = _("Changed in correction %(n)d: %(reason)s") % words
            _action_change(actor=actor, action=action, item=item, comment=comment)
        kept.append(
            {
                "action_id": action.pk,
                "text": action.text,
                "deadline": item.get("deadline"),
                "responsible": action.responsible,
            }
        )
    return kept


def agreement_apply(
    *, actor: Person, conversation: Conversation, revision: SummaryRevision
) -> list[dict]:
    """Apply a correction both have signed to the live goals and actions; return what it
    agreed, with the ids of the rows (the revision's frozen snapshot). Changed actions are
    updated in place (their status and history kept), new ones created, removed ones marked
    dropped with the reason; no action is ever deleted. The draft's shape:
    conversations.services.correction.

    Called by the signing (samtale.signing.services) in its transaction, with the
    conversation locked.
    """
    goals = {
        g.pk: g for g in conversation.goals.select_related("serves").prefetch_related("actions")
    }
    live = {a.pk: a for g in goals.values() for a in g.actions.all()}
    words = {"n": revision.number, "reason": revision.reason}
    snapshot = []
    for entry in revision.agreed_goals:
        goal = goals.get(entry.get("goal_id"))
        removed = bool(entry.get("removed"))
        if goal is None:
            if removed:
                continue
            goal = _goal_create(actor=actor, conversation=conversation, text=entry["goal"])
        elif not removed and goal.text != entry["goal"]:
            goal.text = entry["goal"]
            goal.save(update_fields=["text"])
        kept = _goal_apply(actor=actor, goal=goal, entry=entry, live=live, words=words)
        if removed:
            # A goal without any action has no history to keep; one with actions stays,
            # its actions dropped, so their history can still be read.
            if not goal.actions.exists() and not goal.result:
                goal.delete()
            continue
        snapshot.append(
            {
                "goal_id": goal.pk,
                "goal": goal.text,
                "serves": goal.serves.title if goal.serves is not None else "",
                "actions": kept,
            }
        )
    audit_log(
        actor=actor, action="summary.correction.apply", obj=conversation, revision=revision.number
    )
    return snapshot
