"""Changes to rounds. Each service takes the acting person, checks the access policy
and the domain's rules, runs in one transaction, raises DomainError with a message
for the user (and changes nothing), and writes an audit entry.

The conversations of a round are planned and moved (booking.py: a leader's schedule)
through the conversation services, so their lifecycle rules, the policy and the calendar
mail all hold.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import Conversation
from samtale.core import access
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.guides.models import Guide
from samtale.guides.selectors import current_version
from samtale.org.models import Person, Unit
from samtale.rounds import policy, selectors
from samtale.rounds.models import Participant, Round
from samtale.rounds.signals import round_closed

# The worker's task that sends the invitations due (rounds.jobs).
INVITE = "rounds.invite_due"

S = Conversation.Status
# A conversation still ahead: its leader moves or cancels it, the round does not.
OPEN = (S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED)

# The round's scheduling settings and what they may be.
LIMITS = {
    "duration_minutes": (10, 240),
    "buffer_minutes": (0, 120),
    "max_per_day": (1, 6),
    "lead_days": (1, 60),
    "min_days_ahead": (1, 60),
    "max_days_ahead": (1, 90),
    "reminder_days": (1, 30),
}


def _round_field(name: str) -> Field[Any, Any]:
    field = Round._meta.get_field(name)
    assert isinstance(field, Field)  # a setting is a column of the round's own
    return field


def _check_settings(values: dict[str, Any]) -> None:
    for key, (low, high) in LIMITS.items():
        value = values[key]
        if value is None or not low <= value <= high:
            raise DomainError(
                _("“%(field)s” must be from %(min)d to %(max)d.")
                % {"field": _round_field(key).verbose_name, "min": low, "max": high},
                field=key,
            )
    if values["max_days_ahead"] < values["min_days_ahead"]:
        raise DomainError(
            _("The last day to propose cannot come before the first."), field="max_days_ahead"
        )
    if values["reminder_days"] > values["lead_days"]:
        raise DomainError(
            _("The reminder cannot come before the invitation."), field="reminder_days"
        )


def _check_period(period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise DomainError(_("The period ends before it begins."), field="period_end")
    if period_end < timezone.localdate():
        raise DomainError(_("The period is already over. Choose dates ahead."), field="period_end")


def _default_holder(person: Person) -> Person | None:
    """The line manager holds the conversation, as the routine says."""
    manager = person.manager
    if manager is None or not manager.is_active or manager.pk == person.pk:
        return None
    return manager


def lock_round(round: Round) -> Round:
    """The round, locked for the change (rounds.booking too)."""
    return Round.objects.select_for_update().get(pk=round.pk)


def require_open(round: Round) -> None:
    """A closed round changes no more until it is opened again (rounds.booking too)."""
    if not round.is_open:
        raise DomainError(_("The round is closed. Open it again to change it."))


@transaction.atomic
def round_create(
    *,
    actor: Person,
    name: str,
    period_start: date,
    period_end: date,
    kind: str,
    guide: Guide,
    units: list[Unit],
    **settings: Any,
) -> Round:
    """Create a round with every active permanent employee of the units (and below) as a
    participant, each held by their line manager. A leader's round takes only the
    people in their own line. A setting not given takes the routine's default (Round)."""
    require(policy.may_create_round(actor))
    settings = {key: settings.get(key, _round_field(key).default) for key in LIMITS}
    name = name.strip()
    if not name:
        raise DomainError(_("Give the round a name."), field="name")
    _check_period(period_start, period_end)
    _check_settings(settings)
    if kind not in Round.Kind.values:
        raise DomainError(_("Choose the type of round."), field="kind")
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if guide.retired_at is not None or current_version(guide) is None:
        raise DomainError(_("This template is retired. Choose another."), field="guide")
    if not units:
        raise DomainError(_("Choose at least one unit."), field="units")
    people = list(
        policy.round_people_for(actor)
        .filter(
            unit_id__in=selectors.unit_tree_ids(units),
            employment_type=Person.EmploymentType.PERMANENT,
        )
        .select_related("manager")
    )
    if not people:
        raise DomainError(
            _("No permanent employee in these units reports to you.")
            if not access.roles_for(actor).is_hr
            else _("These units have no active permanent employees."),
            field="units",
        )
    round = Round.objects.create(
        name=name,
        period_start=period_start,
        period_end=period_end,
        kind=kind,
        guide=guide,
        created_by=actor,
        **settings,
    )
    round.units.set(units)
    Participant.objects.bulk_create(
        Participant(round=round, person=p, holder=_default_holder(p)) for p in people
    )
    audit_log(actor=actor, action="round.created", obj=round, participants=len(people))
    # Conversations already planned for the period count in the round.
    participants_link(actor=actor, round=round)
    return round


@transaction.atomic
def round_update(
    *, actor: Person, round: Round, name: str, period_start: date, period_end: date, **settings: Any
) -> Round:
    """Rename, change the period and the scheduling settings. The type, the template and
    the units stay as the round was created: its conversations are planned with them."""
    round = lock_round(round)
    require(policy.may_manage_round(actor, round))
    require_open(round)
    name = name.strip()
    if not name:
        raise DomainError(_("Give the round a name."), field="name")
    if period_end < period_start:
        raise DomainError(_("The period ends before it begins."), field="period_end")
    _check_settings(settings)
    round.name, round.period_start, round.period_end = name, period_start, period_end
    for key, value in settings.items():
        setattr(round, key, value)
    round.save()
    audit_log(actor=actor, action="round.updated", obj=round)
    # A longer period may take in conversations planned outside the round.
    participants_link(actor=actor, round=round)
    return round


@transaction.atomic
def round_set_open(*, actor: Person, round: Round, open: bool) -> Round:
    """Close a round (no more invitations, reminders or notices), or open it again."""
    round = lock_round(round)
    require(policy.may_manage_round(actor, round))
    round.closed_at = None if open else (round.closed_at or timezone.now())
    round.save(update_fields=["closed_at"])
    audit_log(actor=actor, action="round.opened" if open else "round.closed", obj=round)
    if not open:
        # The insight app publishes what the round's answers give (rounds.signals).
        round_closed.send(sender=Round, round=round)
    return round


@transaction.atomic
def participant_add(*, actor: Person, round: Round, person: Person) -> Participant:
    """Add someone (a temporary employee, say), or take back someone removed."""
    round = lock_round(round)
    require(policy.may_manage_round(actor, round))
    require_open(round)
    if not policy.round_people_for(actor).filter(pk=person.pk).exists():
        raise DomainError(_("You cannot add this person to a round."), field="person")
    participant = Participant.objects.filter(round=round, person=person).first()
    if participant is not None and participant.included:
        raise DomainError(
            _("%(name)s is already in the round.") % {"name": person.full_name}, field="person"
        )
    if participant is None:
        participant = Participant(round=round, person=person, holder=_default_holder(person))
    participant.included, participant.removed_reason = True, ""
    participant.added_manually = True
    participant.save()
    audit_log(actor=actor, action="round.participant_added", obj=round, person=person.pk)
    participants_link(actor=actor, round=round, person_ids=[person.pk])
    participant.refresh_from_db()
    return participant


def participants_link(
    *, actor: Person | None, round: Round, person_ids: list[int] | None = None
) -> int:
    """Make the conversations planned outside any round that count in this one
    (selectors.outside_conversations) the round's own: each participant without a
    conversation (of `person_ids`, or all) gets theirs, held by the leader who holds it, and
    the conversation gets the round. So the round's counts (kept by triggers from the
    participants), its lists, HR's figures of the round and the scheduling assistant, which
    then proposes no second conversation, all see it. Of several, the earliest counts.
    Called where either side appears: a round created, a participant added, a period
    changed, a conversation planned or moved (rounds.receivers). Returns how many."""
    if not round.is_open:
        return 0
    waiting = selectors.without_conversation(round)
    if person_ids is not None:
        waiting = waiting.filter(person_id__in=person_ids)
    found = (
        selectors.outside_conversations(round=round)
        .filter(employee_id__in=waiting.values("person_id"))
        .order_by(F("at").asc(nulls_last=True), "pk")
        .only("pk", "employee_id", "leader_id", "status")
    )
    first: dict[int, Conversation] = {}
    for conversation in found:
        first.setdefault(conversation.employee_id, conversation)
    if not first:
        return 0
    # Locked, and read again as they are now; in batches, within any database's limit on
    # parameters. Only the participant rows: the conversation is the nullable side of a join.
    people = list(first)
    participants = [
        participant
        for start in range(0, len(people), 500)
        for participant in waiting.filter(person_id__in=people[start : start + 500])
        .select_for_update(of=("self",))
        .order_by()
    ]
    now = timezone.now()
    for participant in participants:
        conversation = first[participant.person_id]
        participant.conversation = conversation
        participant.holder_id = conversation.leader_id
        participant.updated_at = now
    Participant.objects.bulk_update(
        participants,
        ["conversation", "holder", "updated_at"],
        batch_size=500,
    )
    linked = [first[p.person_id].pk for p in participants]
    for start in range(0, len(linked), 500):
        Conversation.objects.filter(pk__in=linked[start : start + 500]).update(round=round)
    audit_log(
        actor=actor,
        action="round.conversations_linked",
        obj=round,
        conversations=linked,
        people=sorted(p.person_id for p in participants),
    )
    return len(participants)


def _open_conversation(participant: Participant) -> Conversation | None:
    conversation = participant.conversation
    return conversation if conversation is not None and conversation.status in OPEN else None


@transaction.atomic
def participant_remove(*, actor: Person, participant: Participant, reason: str) -> Participant:
    """Take someone out of the round, with a reason (leave, left, a separate agreement)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    require(policy.may_manage_round(actor, participant.round))
    require_open(participant.round)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    if not participant.included:
        raise DomainError(_("This person is already removed from the round."))
    planned = _open_conversation(participant)
    if planned is not None:
        raise DomainError(
            _(
                "%(name)s has a conversation planned with %(leader)s. The leader cancels it "
                "first; then the person can be removed."
            )
            % {"name": participant.person.full_name, "leader": planned.leader}
        )
    participant.included, participant.removed_reason = False, reason
    participant.save(update_fields=["included", "removed_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="round.participant_removed",
        obj=participant.round,
        person=participant.person_id,
    )
    return participant


def _check_holder(actor: Person, holder: Person) -> None:
    if not policy.holders_for(actor).filter(pk=holder.pk).exists():
        raise DomainError(_("Choose a leader who may hold these conversations."), field="holder")


@transaction.atomic
def participant_holder_set(
    *, actor: Person, participant: Participant, holder: Person
) -> Participant:
    """Move one conversation to another leader, before it is planned."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    require(policy.may_manage_round(actor, participant.round))
    require_open(participant.round)
    _check_holder(actor, holder)
    if holder.pk == participant.person_id:
        raise DomainError(_("Nobody holds their own conversation."), field="holder")
    planned = _open_conversation(participant)
    if planned is not None:
        raise DomainError(
            _("The conversation is already planned with %(leader)s. Only its leader can cancel it.")
            % {"leader": planned.leader},
            field="holder",
        )
    participant.holder = holder
    participant.save(update_fields=["holder", "updated_at"])
    audit_log(
        actor=actor,
        action="round.holder_set",
        obj=participant.round,
        person=participant.person_id,
        holder=holder.pk,
    )
    return participant


@dataclass
class Shared:
    moved: int
    kept: int  # already planned with their leader: left as they are


@transaction.atomic
def participants_share(
    *,
    actor: Person,
    round: Round,
    holder: Person,
    unit: Unit | None = None,
    profession_group: str = "",
) -> Shared:
    """Give the conversations of a department (and the units below it) and/or a profession
    group to one leader: how a large unit shares its conversations between leaders."""
    round = lock_round(round)
    require(policy.may_manage_round(actor, round))
    require_open(round)
    if unit is None and not profession_group:
        raise DomainError(_("Choose a department or a profession group."), field="unit")
    _check_holder(actor, holder)
    matching = selectors.counted(round.participants.all()).exclude(person=holder)
    if unit is not None:
        matching = matching.filter(person_unit_id__in=selectors.unit_tree_ids([unit]))
    if profession_group:
        matching = matching.filter(person__profession_group=profession_group)
    planned = matching.filter(conversation__status__in=OPEN)
    movable = matching.exclude(pk__in=planned.values("pk"))
    kept = planned.count()
    # Exactly these move, and the log names them: it records every change of who holds a
    # conversation. In batches, within any database's limit on parameters.
    moving = list(movable.exclude(holder=holder).values_list("pk", "person_id"))
    now, moved = timezone.now(), 0
    for start in range(0, len(moving), 500):
        batch = [pk for pk, _person in moving[start : start + 500]]
        moved += Participant.objects.filter(pk__in=batch).update(holder=holder, updated_at=now)
    if moved == 0 and kept == 0 and not movable.exists():
        raise DomainError(_("Nobody in the round matches this choice."), field="unit")
    audit_log(
        actor=actor,
        action="round.shared",
        obj=round,
        holder=holder.pk,
        unit=unit.pk if unit else None,
        profession_group=profession_group,
        moved=moved,
        people=sorted(person for _pk, person in moving),
    )
    return Shared(moved=moved, kept=kept)
