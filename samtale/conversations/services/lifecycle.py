"""A conversation's life: planned → invited → prepared → held → summary agreed → signed,
with postponement (counted: the guide's pitfall no. 1) and cancellation, each with a reason."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samtale.conversations import policy
from samtale.conversations.models import (
    Conversation,
    StatusChange,
    SummaryRevision,
    TimeProposal,
)
from samtale.conversations.notices import step_notice
from samtale.conversations.services import booking
from samtale.conversations.signals import conversation_planned
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError, DomainWarning, checked
from samtale.core.forms import validate_place
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person

S = Conversation.Status

ALLOWED: dict[str, set[str]] = {
    S.PLANNED: {S.INVITED, S.PREPARED, S.HELD, S.POSTPONED, S.CANCELLED},
    S.INVITED: {S.PREPARED, S.HELD, S.POSTPONED, S.CANCELLED},
    S.PREPARED: {S.HELD, S.POSTPONED, S.CANCELLED},
    S.POSTPONED: {S.PLANNED, S.INVITED, S.PREPARED, S.CANCELLED},
    S.HELD: {S.SUMMARY_AGREED},
    S.SUMMARY_AGREED: {S.SIGNED, S.HELD},
    # A correction after signing is a new revision with its own steps; the conversation
    # stays signed, and its actions followed up, until both have signed the correction.
    S.SIGNED: set(),
    S.CANCELLED: set(),
}


def time_proposals_close(
    conversation: Conversation, outcome: str, *, party: str | None = None
) -> None:
    """Close the conversation's open proposals (of `party` only, when given), emptying their
    messages."""
    open_ = TimeProposal.objects.filter(conversation=conversation, closed_at__isnull=True)
    if party is not None:
        open_ = open_.filter(party=party)
    open_.update(closed_at=timezone.now(), outcome=outcome, message="")


def transition(
    conversation: Conversation, to: str, *, actor: Person | None, reason: str = ""
) -> Conversation:
    """Move to a new status, or refuse with a message that names both. Writes the history."""
    if to not in ALLOWED[conversation.status]:
        raise DomainError(
            _("A conversation that is “%(current)s” cannot become “%(new)s”.")
            % {"current": S(conversation.status).label, "new": S(to).label}
        )
    StatusChange.objects.create(
        conversation=conversation,
        from_status=conversation.status,
        to_status=to,
        reason=reason,
        actor=actor,
    )
    conversation.status = to
    conversation.save(update_fields=["status", "updated_at"])
    if to not in (S.INVITED, S.PREPARED):
        # Held, postponed or cancelled: no other time is asked for any longer.
        time_proposals_close(conversation, TimeProposal.Outcome.LAPSED)
    audit_log(actor=actor, action=f"conversation.{to}", obj=conversation)
    return conversation


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def before_its_day(conversation: Conversation) -> bool:
    """Closing now would hold the meeting before the day it is planned for."""
    at = conversation.scheduled_at
    return at is not None and timezone.localdate(at) > timezone.localdate()


def invitation_sent(conversation: Conversation) -> bool:
    return conversation.history.filter(to_status=S.INVITED).exists()


def queue_to_both(conversation: Conversation, kind: str, **extra: Any) -> None:
    """A calendar message (update or cancellation) to the employee and the leader alike."""
    ref = {"conversation": conversation.pk, "sequence": conversation.ics_sequence, **extra}
    for person in (conversation.employee, conversation.leader):
        email_queue(to=person, kind=kind, ref=ref)


def bump_sequence(conversation: Conversation) -> None:
    conversation.ics_sequence += 1
    conversation.save(update_fields=["ics_sequence"])
    # Moved: the other times asked for answered an invitation no longer out.
    time_proposals_close(conversation, TimeProposal.Outcome.LAPSED)


def _check_parties(employee: Person, leader: Person) -> None:
    """An active employee, and an active leader who is not them and leads someone."""
    if not employee.is_active:
        raise DomainError(_("This person is no longer active."), field="employee")
    if leader.pk == employee.pk:
        raise DomainError(_("The employee cannot hold their own conversation."), field="leader")
    is_leader = leader.reports.filter(is_active=True).exists() or employee.manager_id == leader.pk
    if not leader.is_active or not is_leader:
        raise DomainError(
            _("The conversation is held by the line manager or another leader."), field="leader"
        )


def _check_guide(guide_version: GuideVersion) -> None:
    """A template in use, locked: an edit in place of this version waits for the plan."""
    guide = Guide.objects.select_for_update().get(pk=guide_version.guide_id)
    if guide.retired_at is not None:
        raise DomainError(_("This template is retired. Choose another."), field="guide")


@transaction.atomic
def conversation_plan(
    *,
    actor: Person,
    employee: Person,
    leader: Person,
    guide_version: GuideVersion,
    scheduled_at: datetime | None = None,
    duration_minutes: int | None = None,
    place: str = "",
    round: Any = None,  # a samtale.rounds Round
    confirmed: bool = False,
    mind_days_off: bool = False,
) -> Conversation:
    """Plan a conversation: who, with which template, and (if known) when and where.

    `round`: the round it is planned in (samtale.rounds), if any. The guide's rules hold:
    one open annual conversation per employee and leader (AlreadyPlanned), and past the
    leader's limit a day (or, with `mind_days_off`, on a day off) a DomainWarning unless
    the leader has `confirmed` it.
    """
    require(policy.may_plan_conversation(actor, employee))
    _check_parties(employee, leader)
    _check_guide(guide_version)
    checked(validate_place, place, field="place")
    # Lock the employee: two plans at once cannot both pass the one-annual check.
    Person.objects.select_for_update().filter(pk=employee.pk).first()
    booking.check_one_annual(employee=employee, leader=leader, kind=guide_version.kind)
    duration = duration_minutes or guide_version.duration_minutes
    booking.check_booking(
        people=[employee, leader],
        scheduled_at=scheduled_at,
        duration_minutes=duration,
        round=round,
        confirmed=confirmed,
        mind_days_off=mind_days_off,
        reader=actor,
    )
    conversation = Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=guide_version,
        kind=guide_version.kind,
        summary_author=guide_version.summary_author,
        scheduled_at=scheduled_at,
        duration_minutes=duration,
        place=place.strip(),
        created_by=actor,
        round=round,
    )
    StatusChange.objects.create(conversation=conversation, to_status=S.PLANNED, actor=actor)
    audit_log(actor=actor, action="conversation.planned", obj=conversation)
    # A round this employee takes part in counts it as theirs (rounds.receivers).
    conversation_planned.send(sender=Conversation, conversation=conversation, actor=actor)
    return conversation


@transaction.atomic
def conversation_schedule(
    *,
    actor: Person,
    conversation: Conversation,
    scheduled_at: datetime | None,
    duration_minutes: int,
    place: str,
    confirmed: bool = False,
    mind_days_off: bool = False,
    as_leader: bool = False,
    accepted_from: str = "",
) -> Conversation:
    """Set or move the time and place. A postponed conversation with a new time is back on.

    A conversation without a time may keep it open (`scheduled_at=None`: only the length
    and place change); one with a time is moved, not emptied. A move to a day where the
    leader is at the limit a day needs `confirmed`, as in conversation_plan.
    Once invited, the employee and the leader get a calendar update (SEQUENCE + 1) that
    says whether the time, the place or both changed.

    `accepted_from`: the party who proposed the time the other took (services.proposals,
    .replies), told so in their update; the history says who took it. `as_leader`: the
    employee took the leader's proposal, a move the leader chose, recorded as theirs.
    """
    conversation = _lock(conversation)
    # The employee takes a time the leader proposed as the leader's own move.
    require(not as_leader or conversation.party(actor) == "employee")
    require(
        policy.may_manage_conversation(conversation.leader if as_leader else actor, conversation)
    )
    _check_move(
        conversation,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        place=place,
        confirmed=confirmed,
        mind_days_off=mind_days_off,
        reader=actor,
    )
    before = (conversation.scheduled_at, conversation.duration_minutes, conversation.place)
    if scheduled_at != conversation.scheduled_at:
        # Moved rather than held now: "we hold it now" no longer stands.
        conversation.started_early_at = None
    conversation.scheduled_at = scheduled_at
    conversation.duration_minutes = duration_minutes
    conversation.place = place.strip()
    fields = ["scheduled_at", "duration_minutes", "place", "started_early_at", "updated_at"]
    conversation.save(update_fields=fields)
    audit_log(actor=actor, action="conversation.scheduled", obj=conversation)
    # Moved into a round's period, it may now count there (rounds.receivers).
    conversation_planned.send(sender=Conversation, conversation=conversation, actor=actor)
    if accepted_from:
        _accepted(conversation, accepted_from, actor=actor)
    _after_move(conversation, before, actor=actor, accepted_from=accepted_from)
    return conversation


def _check_move(
    conversation: Conversation,
    *,
    scheduled_at: datetime | None,
    duration_minutes: int,
    place: str,
    confirmed: bool,
    mind_days_off: bool,
    reader: Person,
) -> None:
    """What conversation_schedule refuses: a conversation already held, a time emptied, a
    place that is no place, a time the parties or the round cannot have (booking)."""
    if conversation.status not in (S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED):
        raise DomainError(_("Only a conversation that has not been held can be moved."))
    if scheduled_at is None and conversation.scheduled_at is not None:
        raise DomainError(_("Choose a time."), field="scheduled_at")
    if place.strip() != conversation.place:  # one kept from before stays as it was
        checked(validate_place, place, field="place")
    old = conversation.scheduled_at
    booking.check_booking(
        people=[conversation.employee, conversation.leader],
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        round=conversation.round,
        confirmed=confirmed,
        mind_days_off=mind_days_off,
        exclude_pk=conversation.pk,
        day_chosen=scheduled_at is not None
        and (old is None or timezone.localdate(old) != timezone.localdate(scheduled_at)),
        reader=reader,
    )


def _accepted(conversation: Conversation, party: str, *, actor: Person) -> None:
    """The history says who took the time the other party proposed, and which."""
    proposer = conversation.employee if party == "employee" else conversation.leader
    StatusChange.objects.create(
        conversation=conversation,
        from_status=conversation.status,
        to_status=conversation.status,
        actor=actor,
        reason=_("Accepted the time %(name)s proposed: %(time)s.")
        % {
            "name": proposer.full_name,
            "time": formats.date_format(
                timezone.localtime(conversation.scheduled_at), "DATETIME_FORMAT"
            ),
        },
    )


def _after_move(
    conversation: Conversation, before: tuple[Any, ...], *, actor: Person, accepted_from: str = ""
) -> None:
    """A postponed conversation with a time is back on; an invited one whose time, length or
    place changed (`before`) sends both a calendar update, naming what changed."""
    if conversation.status == S.POSTPONED and conversation.scheduled_at is not None:
        back = conversation.status_before_postponement or S.PLANNED
        transition(conversation, back, actor=actor, reason=_("New time"))
    after = (conversation.scheduled_at, conversation.duration_minutes, conversation.place)
    if (
        conversation.status in (S.INVITED, S.PREPARED)
        and after != before
        and invitation_sent(conversation)
    ):
        bump_sequence(conversation)
        changed = [
            *(["time"] if after[:2] != before[:2] else []),
            *(["place"] if after[2] != before[2] else []),
        ]
        extra = {"accepted_from": accepted_from} if accepted_from else {}
        queue_to_both(conversation, "invitation_update", changed=changed, **extra)


@transaction.atomic
def conversation_invite(*, actor: Person, conversation: Conversation) -> Conversation:
    """Invite the employee: the time must be set and ahead."""
    conversation = _lock(conversation)
    require(policy.may_manage_conversation(actor, conversation))
    if conversation.scheduled_at is None or conversation.scheduled_at < timezone.now():
        raise DomainError(_("Set a time ahead before you send the invitation."))
    transition(conversation, S.INVITED, actor=actor)
    ref = {"conversation": conversation.pk}
    email_queue(to=conversation.employee, kind="invitation", ref=ref)
    email_queue(to=conversation.leader, kind="invitation_copy", ref=ref)
    return conversation


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    return reason


@transaction.atomic
def conversation_postpone(
    *, actor: Person, conversation: Conversation, reason: str
) -> Conversation:
    """Postpone with a reason. Every postponement is counted: it is the guide's first pitfall.

    The time is given up: the conversation has none until it gets a new one. Once invited,
    the employee and the leader get a calendar cancellation (METHOD:CANCEL, SEQUENCE + 1) of
    the time it had; a new time later sends a new REQUEST with the same UID.
    """
    conversation = _lock(conversation)
    require(policy.may_manage_conversation(actor, conversation))
    reason = _reason(reason)
    before = conversation.status
    transition(conversation, S.POSTPONED, actor=actor, reason=reason)
    conversation.status_before_postponement = before
    conversation.postponed_count += 1
    conversation.save(update_fields=["status_before_postponement", "postponed_count"])
    if conversation.scheduled_at is not None:
        if invitation_sent(conversation):
            bump_sequence(conversation)
            # The calendars hold the time it had: the message names it to take it out.
            queue_to_both(
                conversation,
                "invitation_postponed",
                scheduled_at=conversation.scheduled_at.isoformat(),
            )
        conversation.scheduled_at = None
        conversation.started_early_at = None
        conversation.save(update_fields=["scheduled_at", "started_early_at", "updated_at"])
    return conversation


@transaction.atomic
def conversation_cancel(*, actor: Person, conversation: Conversation, reason: str) -> Conversation:
    """Cancel with a reason. Once invited, both get a calendar cancellation (METHOD:CANCEL)."""
    conversation = _lock(conversation)
    require(policy.may_manage_conversation(actor, conversation))
    transition(conversation, S.CANCELLED, actor=actor, reason=_reason(reason))
    if conversation.scheduled_at is not None and invitation_sent(conversation):
        bump_sequence(conversation)
        queue_to_both(conversation, "invitation_cancel")
    return conversation


def _planned_day(conversation: Conversation) -> str:
    return formats.date_format(timezone.localdate(conversation.scheduled_at), "SHORT_DATE_FORMAT")


@transaction.atomic
def conversation_hold_now(*, actor: Person, conversation: Conversation) -> Conversation:
    """The leader says up front, on the meeting screen, that the conversation planned for a
    later day is held now ("We hold the conversation now"). The planned time stays as it
    is; the history says the meeting was moved to today, and closing it asks nothing more."""
    conversation = _lock(conversation)
    require(policy.may_manage_conversation(actor, conversation))
    if S.HELD not in ALLOWED[conversation.status]:
        raise DomainError(_("The meeting is closed; the summary is under way or done."))
    if not before_its_day(conversation):
        raise DomainError(_("The conversation is planned for today: hold it and close it."))
    if conversation.started_early_at is None:
        _held_early(conversation, actor=actor)
    return conversation


def _held_early(conversation: Conversation, *, actor: Person) -> None:
    """Held now, before the day it was booked for: the planned time stays in scheduled_at,
    and the calendars of both, once invited, move the meeting to now (a REQUEST with the
    time it is held, SEQUENCE + 1), so that neither keeps a meeting that will not happen."""
    conversation.started_early_at = timezone.now()
    conversation.save(update_fields=["started_early_at", "updated_at"])
    audit_log(actor=actor, action="conversation.held_now", obj=conversation)
    if conversation.scheduled_at is not None and invitation_sent(conversation):
        bump_sequence(conversation)
        queue_to_both(
            conversation,
            "invitation_held_early",
            held_at=conversation.started_early_at.isoformat(),
            planned=conversation.scheduled_at.isoformat(),
        )


@transaction.atomic
def conversation_hold(
    *, actor: Person, conversation: Conversation, confirmed: bool = False
) -> Conversation:
    """Close the meeting: the conversation is held and the summary can be written, and its
    author is told so (conversations.notices, unless they are the one closing it).

    Before the day it is planned for, the leader says first that it is held now
    (conversation_hold_now, or `confirmed` here). The planned time is kept beside the time
    it was held (held_at), and the history names the day it was planned for.
    """
    conversation = _lock(conversation)
    require(policy.may_manage_conversation(actor, conversation))
    reason = ""
    if S.HELD in ALLOWED[conversation.status] and before_its_day(conversation):
        day = _planned_day(conversation)
        if not (confirmed or conversation.started_early_at):
            raise DomainWarning(
                _(
                    "The conversation is planned for %(day)s. Say that you hold it now "
                    "before you close it."
                )
                % {"day": day},
                field="confirmed",
            )
        if conversation.started_early_at is None:
            _held_early(conversation, actor=actor)
        reason = _("The meeting was moved to today from %(day)s.") % {"day": day}
    transition(conversation, S.HELD, actor=actor, reason=reason)
    conversation.held_at = timezone.now()
    conversation.save(update_fields=["held_at"])
    summary, _created = SummaryRevision.objects.get_or_create(conversation=conversation, number=1)
    drafter = policy.summary_drafter(conversation)
    if drafter.pk != actor.pk:
        step_notice(
            conversation=conversation, kind="summary_to_write", to=drafter, event=summary.number
        )
    return conversation
