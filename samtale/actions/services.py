"""The follow-up of what a conversation agreed (its goals and actions: created and changed
by actions.agreement alone).

After signing, either party updates the status, comments and records each goal's result;
both see every change. Where an action falls behind, its leader reminds the employee, and
either gives it a new deadline or sets it aside, saying why; the leader's comments and new
deadlines reach the employee.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samtale.actions import emails, policy, selectors
from samtale.actions.agreement import TEXT_MAX_LENGTH, deadline_ahead
from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.conversations.models import Conversation
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person
from samtale.org.selectors import position_of


def _not_carried_on(action: Action) -> None:
    later = selectors.carried_on_to(action)
    if later is not None:
        raise DomainError(
            _("The action was carried over to the conversation of %(day)s: follow it up there.")
            % {
                "day": date_format(
                    timezone.localtime(later.goal.conversation.held_or_planned_at),
                    "SHORT_DATE_FORMAT",
                )
            }
        )


def _follow_up(actor: Person, conversation: Conversation) -> None:
    require(conversation.party(actor) is not None)
    if not conversation.is_followed_up:
        raise DomainError(_("Follow-up starts when both have signed the conversation."))


@transaction.atomic
def action_update(
    *, actor: Person, action: Action, status: str | None, comment: str = ""
) -> ActionUpdate:
    """A new status, a comment, or both; dropping an action takes a comment saying why.
    Every update is kept and shown to both parties."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    require(policy.may_follow_up_action(actor, action))
    if not action.goal.conversation.is_followed_up:
        raise DomainError(_("Follow-up starts when both have signed the conversation."))
    _not_carried_on(action)
    if status is not None and status not in Action.Status.values:
        raise DomainError(_("Choose a status."), field="status")
    comment = comment.strip()
    if len(comment) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, field="comment"
        )
    changed = status is not None and status != action.status
    if not changed and not comment:
        raise DomainError(_("Change the status or write a comment."), field="comment")
    if changed and status == Action.Status.DROPPED and not comment:
        # Both parties, and the next conversation, should see why it was given up.
        raise DomainError(_("Write why the action is dropped."), field="comment")
    before = action.status
    if changed and status is not None:
        action.status = status
    # A comment counts as an update too: the 90-day nudge looks at updated_at.
    action.save(update_fields=["status", "updated_at"])
    update = ActionUpdate.objects.create(
        action=action,
        actor=actor,
        from_status=before,
        to_status=action.status if changed else "",
        comment=comment,
    )
    audit_log(
        actor=actor,
        action="action.update",
        obj=action,
        status=action.status,
        commented=bool(comment),
    )
    if comment:
        _tell_employee(actor, action, update)
    return update


def _tell_employee(actor: Person, action: Action, update: ActionUpdate) -> None:
    """The leader's comment or new deadline reaches the employee (unless they turned that
    notice off); the employee's own does not come back to them."""
    if actor.pk == action.leader_id != action.employee_id:
        emails.action_notice(
            action=action, notice=emails.COMMENT, actor=actor, event=f"u{update.pk}", update=update
        )


def _locked(action: Action) -> Action:
    """The action as stored now, held until the transaction ends: two clicks at once
    remind, move or set aside once."""
    return Action.objects.select_for_update().get(pk=action.pk)


def _open_and_followed(action: Action) -> None:
    if not action.goal.conversation.is_followed_up:
        raise DomainError(_("Follow-up starts when both have signed the conversation."))
    _not_carried_on(action)
    if not action.is_open:
        raise DomainError(_("The action is already done or dropped."))


def _reason(reason: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(missing, field="reason")
    if len(reason) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, field="reason"
        )
    return reason


def _day(day: date | None) -> str:
    # As Norwegians write a day of this year, in every language (config.formats): 12.11.
    return day.strftime("%d.%m.") if day is not None else ""


@transaction.atomic
def action_remind(*, actor: Person, action: Action) -> bool:
    """Remind the employee of an open action they answer for (alone or with the leader): an
    e-mail at once, and "Reminded 12.11." on the action for both of them. At most once a
    week per action. The leader who holds it reminds; never the employee.

    True when the e-mail was queued; False when the employee turned reminders off (the
    reminder still shows on their home page)."""
    action = _locked(action)
    require(policy.may_remind_action(actor, action))
    _open_and_followed(action)
    if action.responsible == Action.Responsible.LEADER:
        raise DomainError(_("Only the leader answers for this action: there is no one to remind."))
    today = timezone.localdate()
    if action.next_reminder_on is not None and today < action.next_reminder_on:
        raise DomainError(
            _("Reminded %(last)s — the next reminder can be sent %(next)s")
            % {"last": _day(action.reminded_on), "next": _day(action.next_reminder_on)}
        )
    # Not an update of the action: updated_at (the 90-day pitfall's clock) stays.
    action.reminded_at = timezone.now()
    action.save(update_fields=["reminded_at"])
    audit_log(actor=actor, action="action.remind", obj=action, person=action.employee_id)
    year, week, _weekday = today.isocalendar()
    return emails.action_notice(
        action=action, notice=emails.REMINDER, actor=actor, event=f"{year}-W{week:02d}"
    )


@transaction.atomic
def action_deadline_move(
    *, actor: Person, action: Action, deadline: date | None, reason: str
) -> ActionUpdate:
    """A new deadline for an open action, and why, kept in its history for both parties. The
    leader who holds it moves any; the employee those they answer for. A new deadline from
    the leader reaches the employee (as a comment does)."""
    action = _locked(action)
    require(policy.may_move_action_deadline(actor, action))
    _open_and_followed(action)
    if deadline is None:
        raise DomainError(_("Choose the new deadline."), field="deadline")
    deadline_ahead(deadline)
    if deadline == action.deadline:
        raise DomainError(_("That is the deadline already. Choose another day."), field="deadline")
    reason = _reason(reason, _("Write why the deadline is moved."))
    before = action.deadline
    action.deadline = deadline
    action.save(update_fields=["deadline", "updated_at"])
    update = ActionUpdate.objects.create(
        action=action, actor=actor, comment=reason, deadline_from=before, deadline_to=deadline
    )
    audit_log(
        actor=actor,
        action="action.deadline_move",
        obj=action,
        deadline=deadline.strftime("%d.%m.%Y"),
    )
    _tell_employee(actor, action, update)
    return update


@transaction.atomic
def action_drop(*, actor: Person, action: Action, reason: str) -> ActionUpdate:
    """Set an open action aside («Lagt bort»: the status dropped), saying why: action_update's
    drop, offered where an overdue action is acted on. Either party, as the status is."""
    action = _locked(action)
    require(policy.may_follow_up_action(actor, action))
    _open_and_followed(action)
    reason = _reason(reason, _("Write why the action is dropped."))
    return action_update(actor=actor, action=action, status=Action.Status.DROPPED, comment=reason)


@transaction.atomic
def goal_review(*, actor: Person, goal: Goal, result: str, learned: str = "") -> Goal:
    """Record whether a goal was reached, and what was learned (the basic template's "Resultat")."""
    _follow_up(actor, goal.conversation)
    if result not in Goal.Result.values:
        raise DomainError(_("Choose a result."), field="result")
    learned = learned.strip()
    if len(learned) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}, field="learned"
        )
    goal.result = result
    goal.learned = learned
    goal.reviewed_at = timezone.now()
    # The result counts where the employee stands now (insight.publication).
    goal.counted_as = position_of(person_id=goal.conversation.employee_id)
    goal.save(update_fields=["result", "learned", "reviewed_at", "counted_as"])
    audit_log(actor=actor, action="goal.review", obj=goal, result=result)
    return goal
