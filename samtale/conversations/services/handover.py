"""A person's line manager changed (rounds.handover calls this first): their conversations
not yet held move to the new leader, and the employee may let the new leader read the
summary of their last signed one.

A move is a cancellation and a new conversation, never the same one with another leader:
what the employee shared with the earlier leader (notes, answers) was shared with them, and
the earlier leader's own notes (and the place they chose) are theirs. The employee's notes
and answers come along, private again, for them to share anew; the time stays where the new
leader is free.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import (
    Conversation,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryRevision,
    SummaryShare,
)
from samtale.conversations.services.booking import check_free
from samtale.conversations.services.lifecycle import (
    bump_sequence,
    invitation_sent,
    queue_to_both,
    transition,
)
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import LeaderChange, Person

S = Conversation.Status
NOT_HELD = (S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED)


def conversations_move(*, change: LeaderChange) -> list[list[int]]:
    """Move the person's conversations not yet held with the earlier line manager to the
    new one, recorded in change.moved. Held ones stay with the two who held them until they
    are signed; without a new line manager nothing moves (HR plans with someone)."""
    if change.new_manager_id is None:
        return []
    new_leader = Person.objects.get(pk=change.new_manager_id)
    moved = []
    waiting = conversations_moving(
        person_id=change.person_id, old_manager_id=change.old_manager_id, new_manager=new_leader
    )
    for conversation in waiting.select_for_update().select_related("employee", "leader"):
        new = _move(conversation, new_leader, actor=change.changed_by)
        moved.append([conversation.pk, new.pk])
    if moved:
        change.moved = moved
        change.save(update_fields=["moved"])
    return moved


def conversations_moving(
    *, person_id: int, old_manager_id: int | None, new_manager: Person | None
) -> QuerySet[Conversation]:
    """The person's conversations not yet held that a change of line manager from
    `old_manager_id` to `new_manager` moves (conversations_move): none without both, or
    when the new one is not active. Also what the administrator is told before saving the
    change (rounds.handover's preview)."""
    if old_manager_id is None or new_manager is None or not new_manager.is_active:
        return Conversation.objects.none()
    return Conversation.objects.filter(
        employee_id=person_id, leader_id=old_manager_id, status__in=NOT_HELD
    ).order_by("pk")


def _free_time(conversation: Conversation, leader: Person) -> datetime | None:
    """The conversation's time, if it is ahead and the new leader is free then."""
    at = conversation.scheduled_at
    if at is None or at <= timezone.now():
        return None
    try:
        check_free(
            people=[leader],
            scheduled_at=at,
            duration_minutes=conversation.duration_minutes,
            exclude_pk=conversation.pk,
        )
    except DomainError:
        return None
    return at


def _move(conversation: Conversation, leader: Person, *, actor: Person | None) -> Conversation:
    invited = conversation.status in (S.INVITED, S.PREPARED) and invitation_sent(conversation)
    transition(
        conversation,
        S.CANCELLED,
        actor=actor,
        reason=_("The line manager changed: the conversation moved to %(name)s.")
        % {"name": leader.full_name},
    )
    if conversation.scheduled_at is not None and invitation_sent(conversation):
        bump_sequence(conversation)
        queue_to_both(conversation, "invitation_cancel")
    at = _free_time(conversation, leader)
    new = Conversation.objects.create(
        employee=conversation.employee,
        leader=leader,
        guide_version=conversation.guide_version,
        kind=conversation.kind,
        summary_author=conversation.summary_author,
        scheduled_at=at,
        duration_minutes=conversation.duration_minutes,
        # Where to meet is the new leader's to say (the earlier one's room or video link is
        # theirs): the invitation goes without one, and the place comes as an update.
        place="",
        round=conversation.round,
        created_by=actor,
    )
    StatusChange.objects.create(
        conversation=new,
        to_status=S.PLANNED,
        actor=actor,
        reason=_("Moved from %(name)s: the line manager changed.")
        % {"name": conversation.leader.full_name},
    )
    _employee_preparation_copy(conversation, new)
    audit_log(actor=actor, action="conversation.moved", obj=new, moved_from=conversation.pk)
    if invited and at is not None:
        transition(new, S.INVITED, actor=actor)
        email_queue(to=new.employee, kind="invitation", ref={"conversation": new.pk})
        email_queue(to=leader, kind="invitation_copy", ref={"conversation": new.pk})
    return new


def _employee_preparation_copy(old: Conversation, new: Conversation) -> None:
    """The employee's notes and answers to the statements come along, private to them again.
    Their answers about the earlier leader do not: they were about that leader."""
    preparation = old.preparations.filter(author_id=old.employee_id).first()
    if preparation is not None:
        copy = Preparation.objects.create(conversation=new, author_id=old.employee_id)
        Note.objects.bulk_create(
            Note(preparation=copy, theme_key=note.theme_key, text=note.text)
            for note in preparation.notes.exclude(text="")
        )
    LikertAnswer.objects.bulk_create(
        LikertAnswer(conversation=new, statement_key=answer.statement_key, value=answer.value)
        for answer in old.likert_answers.all()
    )


def last_signed(*, employee_id: int, leader_ids: Any) -> Conversation | None:
    """The employee's last signed conversation held by one of these leaders."""
    return (
        Conversation.objects.filter(
            employee_id=employee_id, leader_id__in=list(leader_ids), status=S.SIGNED
        )
        .order_by("-signed_at", "-pk")
        .first()
    )


@transaction.atomic
def summary_share(*, actor: Person, conversation: Conversation, reader: Person) -> SummaryShare:
    """The employee lets `reader` (their new line manager) read the signed summary in force
    of one of their conversations: its text, conclusion and agreed goals, nothing else.
    Given only in the employee's answer to a change of line manager (actions.handover), which
    the leader's overview relies on: it looks for shares only where a report came so."""
    require(conversation.party(actor) == "employee")
    require(reader.pk == actor.manager_id)
    if conversation.status != S.SIGNED:
        raise DomainError(_("Only a signed summary can be shared."))
    share, _created = SummaryShare.objects.get_or_create(conversation=conversation, reader=reader)
    audit_log(actor=actor, action="summary.shared_with_leader", obj=conversation, reader=reader.pk)
    return share


def summary_in_force(conversation: Conversation) -> SummaryRevision | None:
    """The latest revision both have signed."""
    return (
        conversation.summaries.filter(
            employee_signed_at__isnull=False, leader_signed_at__isnull=False
        )
        .order_by("-number")
        .first()
    )
