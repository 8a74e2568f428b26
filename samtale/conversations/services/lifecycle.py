"""A conversation's life: planned → invited → prepared → held → summary agreed → signed,
with postponement (counted: the guide's pitfall no. 1) and cancellation, each with a reason."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions.models import Action
from samtale.conversations.models import Conversation, StatusChange, SummaryRevision
from samtale.core import access
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person

S = Conversation.Status

ALLOWED = {
    S.PLANNED: {S.INVITED, S.PREPARED, S.HELD, S.POSTPONED, S.CANCELLED},
    S.INVITED: {S.PREPARED, S.HELD, S.POSTPONED, S.CANCELLED},
    S.PREPARED: {S.HELD, S.POSTPONED, S.CANCELLED},
    S.POSTPONED: {S.PLANNED, S.INVITED, S.PREPARED, S.CANCELLED},
    S.HELD: {S.SUMMARY_AGREED},
    S.SUMMARY_AGREED: {S.SIGNED, S.HELD},
    # A correction after signing reopens the summary as a new revision.
    S.SIGNED: {S.HELD},
    S.CANCELLED: set(),
}

MIN_MINUTES, MAX_MINUTES = 10, 240
# Conversations that hold a time in someone's calendar.
BOOKED = (S.PLANNED, S.INVITED, S.PREPARED)


def transition(
    conversation: Conversation, to: str, *, actor: Person, reason: str = ""
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
    if S.SIGNED in (conversation.status, to):
        # The follow-up overviews read this flag instead of joining to the conversation.
        Action.objects.filter(goal__conversation=conversation).update(followed=to == S.SIGNED)
    conversation.status = to
    conversation.save(update_fields=["status", "updated_at"])
    audit_log(actor=actor, action=f"conversation.{to}", obj=conversation)
    return conversation


def _lock(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _check_schedule(scheduled_at: datetime | None, duration_minutes: int) -> None:
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise DomainError(
            _("A conversation lasts from %(min)d to %(max)d minutes.")
            % {"min": MIN_MINUTES, "max": MAX_MINUTES},
            field="duration_minutes",
        )
    if scheduled_at is not None and scheduled_at < timezone.now():
        raise DomainError(
            _("The time has already passed. Choose a time ahead."), field="scheduled_at"
        )


def _check_free(
    *, people: list[Person], scheduled_at: datetime, duration_minutes: int, exclude_pk=None
) -> None:
    """Never double-book: neither the employee nor the leader may have another conversation
    (as either party) that overlaps this one."""
    end = scheduled_at + timedelta(minutes=duration_minutes)
    ids = [p.pk for p in people]
    candidates = (
        Conversation.objects.filter(Q(employee_id__in=ids) | Q(leader_id__in=ids))
        .filter(
            status__in=BOOKED,
            scheduled_at__lt=end,
            scheduled_at__gt=scheduled_at - timedelta(minutes=MAX_MINUTES),
        )
        .exclude(pk=exclude_pk)
        .select_related("employee", "leader")
    )
    for other in candidates:
        if other.scheduled_at + timedelta(minutes=other.duration_minutes) <= scheduled_at:
            continue
        busy = next(p for p in people if p.pk in (other.employee_id, other.leader_id))
        raise DomainError(
            _("%(name)s already has a conversation at %(time)s. Choose another time.")
            % {
                "name": busy.full_name,
                "time": timezone.localtime(other.scheduled_at).strftime("%d.%m.%Y %H:%M"),
            },
            field="scheduled_at",
        )


def _invitation_sent(conversation: Conversation) -> bool:
    return conversation.history.filter(to_status=S.INVITED).exists()


def _queue_to_both(conversation: Conversation, kind: str) -> None:
    """A calendar message (update or cancellation) to the employee and the leader alike."""
    ref = {"conversation": conversation.pk, "sequence": conversation.ics_sequence}
    for person in (conversation.employee, conversation.leader):
        email_queue(to=person, kind=kind, ref=ref)


def _bump_sequence(conversation: Conversation) -> None:
    conversation.ics_sequence += 1
    conversation.save(update_fields=["ics_sequence"])


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
    round=None,
) -> Conversation:
    """Plan a conversation: who, with which template, and (if known) when and where.

    `round`: the round it is planned in (samtale.rounds), if any.
    """
    require(access.may_plan_conversation(actor, employee))
    if not employee.is_active:
        raise DomainError(_("This person is no longer active."), field="employee")
    if leader.pk == employee.pk:
        raise DomainError(_("The employee cannot hold their own conversation."), field="leader")
    is_leader = leader.reports.filter(is_active=True).exists() or employee.manager_id == leader.pk
    if not leader.is_active or not is_leader:
        raise DomainError(
            _("The conversation is held by the line manager or another leader."), field="leader"
        )
    # Lock the template: an edit in place of this version waits until the plan is made.
    guide = Guide.objects.select_for_update().get(pk=guide_version.guide_id)
    if guide.retired_at is not None:
        raise DomainError(_("This template is retired. Choose another."), field="guide")
    duration = duration_minutes or guide_version.duration_minutes
    _check_schedule(scheduled_at, duration)
    if scheduled_at is not None:
        _check_free(people=[employee, leader], scheduled_at=scheduled_at, duration_minutes=duration)
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
    return conversation


@transaction.atomic
def conversation_schedule(
    *,
    actor: Person,
    conversation: Conversation,
    scheduled_at: datetime,
    duration_minutes: int,
    place: str,
) -> Conversation:
    """Set or move the time and place. A postponed conversation with a new time is back on.

    Once invited, the employee and the leader get a calendar update (SEQUENCE + 1).
    """
    conversation = _lock(conversation)
    require(access.may_manage_conversation(actor, conversation))
    if conversation.status not in (S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED):
        raise DomainError(_("Only a conversation that has not been held can be moved."))
    if scheduled_at is None:
        raise DomainError(_("Choose a time."), field="scheduled_at")
    _check_schedule(scheduled_at, duration_minutes)
    _check_free(
        people=[conversation.employee, conversation.leader],
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        exclude_pk=conversation.pk,
    )
    before = (conversation.scheduled_at, conversation.duration_minutes, conversation.place)
    conversation.scheduled_at = scheduled_at
    conversation.duration_minutes = duration_minutes
    conversation.place = place.strip()
    conversation.save(update_fields=["scheduled_at", "duration_minutes", "place", "updated_at"])
    audit_log(actor=actor, action="conversation.scheduled", obj=conversation)
    if conversation.status == S.POSTPONED:
        back = conversation.status_before_postponement or S.PLANNED
        transition(conversation, back, actor=actor, reason=_("New time"))
    after = (conversation.scheduled_at, conversation.duration_minutes, conversation.place)
    if (
        conversation.status in (S.INVITED, S.PREPARED)
        and after != before
        and _invitation_sent(conversation)
    ):
        _bump_sequence(conversation)
        _queue_to_both(conversation, "invitation_update")
    return conversation


@transaction.atomic
def conversation_invite(*, actor: Person, conversation: Conversation) -> Conversation:
    """Invite the employee: the time must be set and ahead."""
    conversation = _lock(conversation)
    require(access.may_manage_conversation(actor, conversation))
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
    """Postpone with a reason. Every postponement is counted: it is the guide's first pitfall."""
    conversation = _lock(conversation)
    require(access.may_manage_conversation(actor, conversation))
    reason = _reason(reason)
    before = conversation.status
    transition(conversation, S.POSTPONED, actor=actor, reason=reason)
    conversation.status_before_postponement = before
    conversation.postponed_count += 1
    conversation.save(update_fields=["status_before_postponement", "postponed_count"])
    return conversation


@transaction.atomic
def conversation_cancel(*, actor: Person, conversation: Conversation, reason: str) -> Conversation:
    """Cancel with a reason. Once invited, both get a calendar cancellation (METHOD:CANCEL)."""
    conversation = _lock(conversation)
    require(access.may_manage_conversation(actor, conversation))
    transition(conversation, S.CANCELLED, actor=actor, reason=_reason(reason))
    if conversation.scheduled_at is not None and _invitation_sent(conversation):
        _bump_sequence(conversation)
        _queue_to_both(conversation, "invitation_cancel")
    return conversation


@transaction.atomic
def conversation_hold(*, actor: Person, conversation: Conversation) -> Conversation:
    """Close the meeting: the conversation is held and the summary can be written."""
    conversation = _lock(conversation)
    require(access.may_manage_conversation(actor, conversation))
    transition(conversation, S.HELD, actor=actor)
    conversation.held_at = timezone.now()
    conversation.save(update_fields=["held_at"])
    SummaryRevision.objects.get_or_create(conversation=conversation, number=1)
    return conversation
