"""A person's line manager changed (rounds.handover calls this first): their conversations
not yet held move to the new leader, and the employee may let the new leader read the
summary of their last signed one.

A move is a cancellation and a new conversation, never the same one with another leader:
what the employee shared with the earlier leader (notes, answers) was shared with them, and
the earlier leader's own notes (and the place they chose) are theirs. The employee's notes
and answers come along, private again, for them to share anew; the time stays where the new
leader is free.

What a move will do is planned first, per conversation (conversation_moves, a Move each):
the administrator's preview says that plan before the change is saved, and the move does it
and nothing else, so the two cannot drift apart (issue 72).
"""

from dataclasses import astuple, dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import policy
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
# Held and not yet signed: they stay with the two who held them.
HELD_OPEN = (S.HELD, S.SUMMARY_AGREED)

# What becomes of a conversation's time when it moves (Move.time).
TIME_KEPT, TIME_NONE, TIME_PASSED, TIME_BUSY = "kept", "none", "passed", "busy"


@dataclass(frozen=True)
class Move:
    """What a change of line manager does to one of the person's conversations with the
    earlier one, decided before anything is done (conversation_moves). The administrator's
    preview says it (rounds.handover) and conversations_move does it, step by step: the one
    plan, so the two cannot say different things.

    Held and not yet signed (`moves` False), a conversation stays with the two who held it.
    Moving, it is cancelled (both calendars told where the invitation was out,
    `cancels_calendars`), and a new one with the new leader takes its place: the same
    template, length and round; at the same time where the new leader is free then
    (`time`: kept, none, passed or busy); with the status `new_status`, invited again
    (`invites`) where the earlier one was and the time is kept; without its place
    (`drops_place`); with the employee's notes and answers private to them again
    (`unshares`: some were shared with the earlier leader)."""

    pk: int
    status: str
    scheduled_at: datetime | None
    what: str
    minutes: int
    round: str
    moves: bool = True
    time: str = TIME_NONE
    new_status: str = S.PLANNED
    cancels_calendars: bool = False
    invites: bool = False
    drops_place: bool = False
    unshares: bool = False

    @property
    def at(self) -> datetime | None:
        """The new conversation's time."""
        return self.scheduled_at if self.time == TIME_KEPT else None

    @property
    def key(self) -> str:
        """What the two-step save compares (org.leader_change.preview_key)."""
        return repr(astuple(self))


def conversations_move(*, change: LeaderChange) -> list[list[int]]:
    """Move the person's conversations not yet held with the earlier line manager to the
    new one, as conversation_moves plans it, recorded in change.moved. Held ones stay with
    the two who held them until they are signed; without a new line manager nothing moves
    (HR plans with someone)."""
    if change.new_manager_id is None:
        return []
    new_leader = Person.objects.get(pk=change.new_manager_id)
    plan = conversation_moves(
        person_id=change.person_id,
        old_manager_id=change.old_manager_id,
        new_manager=new_leader,
        lock=True,
    )
    moving = [move for move in plan if move.moves]
    found = Conversation.objects.select_related("employee", "leader").in_bulk(
        [move.pk for move in moving]
    )
    moved = []
    for move in moving:
        new = _move(move, found[move.pk], new_leader, actor=change.changed_by)
        moved.append([move.pk, new.pk])
    if moved:
        change.moved = moved
        change.save(update_fields=["moved"])
    return moved


def conversation_moves(
    *, person_id: int, old_manager_id: int | None, new_manager: Person | None, lock: bool = False
) -> list[Move]:
    """What a change of `person_id`'s line manager from `old_manager_id` to `new_manager`
    does to their open conversations with the earlier one (Move): what the administrator is
    told before saving the change (rounds.handover's preview) and what conversations_move
    does, the same. Nothing without both leaders, or when the new one is not active.
    `lock`: the conversations are locked for the move."""
    if old_manager_id is None or new_manager is None or not new_manager.is_active:
        return []
    found = Conversation.objects.filter(
        employee_id=person_id, leader_id=old_manager_id, status__in=NOT_HELD + HELD_OPEN
    )
    if lock:
        list(found.select_for_update().values_list("pk", flat=True))
    conversations = list(found.select_related("guide_version", "round").order_by("pk"))
    pks = [c.pk for c in conversations]
    invited = set(
        StatusChange.objects.filter(conversation_id__in=pks, to_status=S.INVITED).values_list(
            "conversation_id", flat=True
        )
    )
    shared = _shared_by_employee(pks, person_id)
    return [
        _planned(c, new_manager, invited=c.pk in invited, shared=c.pk in shared)
        for c in conversations
    ]


def _shared_by_employee(pks: list[int], person_id: int) -> set[int]:
    """Of these conversations, those where the employee has shared a note or their answers."""
    notes = Note.objects.filter(
        preparation__conversation_id__in=pks,
        preparation__author_id=person_id,
        shared_at__isnull=False,
    ).exclude(text="")
    answers = Preparation.objects.filter(
        conversation_id__in=pks, author_id=person_id, shared_at__isnull=False
    )
    return set(notes.values_list("preparation__conversation_id", flat=True)) | set(
        answers.values_list("conversation_id", flat=True)
    )


def _planned(c: Conversation, leader: Person, *, invited: bool, shared: bool) -> Move:
    held = c.status in HELD_OPEN
    facts = Move(
        pk=c.pk,
        status=c.status,
        scheduled_at=c.held_at if held else c.scheduled_at,
        what=str(c.guide_version.display_name),
        minutes=c.duration_minutes,
        round=c.round.name if c.round else "",
        moves=not held,
    )
    if held:
        return facts
    time = _time(c, leader)
    # Invited again where the invitation was out, and the time stays.
    invites = c.status in (S.INVITED, S.PREPARED) and invited and time == TIME_KEPT
    return replace(
        facts,
        time=time,
        new_status=S.INVITED if invites else S.PLANNED,
        cancels_calendars=c.scheduled_at is not None and invited,
        invites=invites,
        drops_place=bool(c.place),
        unshares=shared,
    )


def _time(conversation: Conversation, leader: Person) -> str:
    """What becomes of the conversation's time with the new leader: kept where it is ahead
    and the new leader is free then."""
    at = conversation.scheduled_at
    if at is None:
        return TIME_NONE
    if at <= timezone.now():
        return TIME_PASSED
    try:
        check_free(
            people=[leader],
            scheduled_at=at,
            duration_minutes=conversation.duration_minutes,
            exclude_pk=conversation.pk,
        )
    except DomainError:
        return TIME_BUSY
    return TIME_KEPT


def _move(
    move: Move, conversation: Conversation, leader: Person, *, actor: Person | None
) -> Conversation:
    """Do what `move` plans for `conversation`, and nothing else."""
    transition(
        conversation,
        S.CANCELLED,
        actor=actor,
        reason=_("The line manager changed: the conversation moved to %(name)s.")
        % {"name": leader.full_name},
    )
    if move.cancels_calendars:
        bump_sequence(conversation)
        queue_to_both(conversation, "invitation_cancel")
    new = Conversation.objects.create(
        employee=conversation.employee,
        leader=leader,
        guide_version=conversation.guide_version,
        kind=conversation.kind,
        summary_author=conversation.summary_author,
        scheduled_at=move.at,
        duration_minutes=conversation.duration_minutes,
        # Where to meet is the new leader's to say: the earlier one's room or video link is
        # theirs, and a leader an administrator chose reads nothing of the conversation
        # (docs: a new line manager).
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
    if move.invites:
        transition(new, S.INVITED, actor=actor)
        email_queue(to=new.employee, kind="invitation", ref={"conversation": new.pk})
        email_queue(to=leader, kind="invitation_copy", ref={"conversation": new.pk})
    return new


@dataclass(frozen=True)
class TakenOver:
    """A conversation that moved to the new leader, and what waits for them in it: a time
    (and a place) with the invitation, a place and the invitation, the invitation, a place,
    or nothing."""

    conversation: Conversation
    to_do: str
    path: str


TO_DO_TIME, TO_DO_PLACE_INVITE, TO_DO_INVITE, TO_DO_PLACE = (
    "time",
    "place_invite",
    "invite",
    "place",
)


def taken_over(*, leader: Person, moved: list[list[int]]) -> list[TakenOver]:
    """The conversations a change of line manager moved to `leader` (LeaderChange.moved)
    that are still theirs to hold and not yet held, each with what waits for them (the
    e-mail that tells them, actions.emails.leader_changed)."""
    found = (
        policy.conversations_visible_to(leader)
        .filter(pk__in=[new for _old, new in moved], leader=leader, status__in=NOT_HELD)
        .select_related("employee", "guide_version")
        .order_by("pk")
    )
    return [TakenOver(c, _to_do(c), reverse("conversation_detail", args=[c.pk])) for c in found]


def _to_do(conversation: Conversation) -> str:
    if conversation.scheduled_at is None:
        return TO_DO_TIME
    if conversation.status == S.PLANNED:
        return TO_DO_INVITE if conversation.place else TO_DO_PLACE_INVITE
    return "" if conversation.place else TO_DO_PLACE


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
