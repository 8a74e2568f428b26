"""A leader's schedule in a round: the windows they give, and the conversations they take
from the scheduling assistant's proposal (selectors.proposal), planned or given a new time
all or none. Like the round's other services (services.py), each takes the acting person,
checks the policy and the rules, runs in one transaction, raises DomainError and audits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core import handoff, holidays
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError, checked
from samtale.core.forms import validate_place
from samtale.guides.selectors import current_version
from samtale.org.models import Person
from samtale.rounds import policy, scheduling, selectors
from samtale.rounds.models import Participant, Round, Window
from samtale.rounds.services import INVITE, OPEN, lock_round, require_open


@transaction.atomic
def window_add(
    *,
    actor: Person,
    round: Round,
    leader: Person,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
) -> Window:
    """A time the leader can hold conversations, at a room or a video link."""
    require(policy.may_schedule(actor, round, leader))
    require_open(round)
    place = place.strip()
    if ends_at <= starts_at:
        raise DomainError(_("The window ends before it begins."), field="end")
    if (ends_at - starts_at).total_seconds() < round.duration_minutes * 60:
        raise DomainError(
            _("A window must give room for one conversation of %(minutes)d minutes.")
            % {"minutes": round.duration_minutes},
            field="end",
        )
    if starts_at < timezone.now():
        raise DomainError(_("The time has already passed. Choose a time ahead."), field="date")
    day = timezone.localdate(starts_at)
    if not round.period_start <= day <= round.period_end:
        raise DomainError(
            _("The window is outside the round's period (%(start)s–%(end)s).")
            % {
                "start": round.period_start.strftime("%d.%m.%Y"),
                "end": round.period_end.strftime("%d.%m.%Y"),
            },
            field="date",
        )
    if off := holidays.day_off(day):
        # The assistant proposes no time on a day off, so a window there would offer none.
        raise DomainError(
            _(
                "%(date)s is a day off (%(name)s): the assistant proposes no time on it. "
                "Choose a working day."
            )
            % {"date": day.strftime("%d.%m.%Y"), "name": off},
            field="date",
        )
    if not place:
        raise DomainError(_("Give a room or a video link."), field="place")
    checked(validate_place, place, field="place")
    overlapping = Window.objects.filter(
        round=round, leader=leader, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise DomainError(_("This window overlaps one you have given already."), field="date")
    window = Window.objects.create(
        round=round, leader=leader, starts_at=starts_at, ends_at=ends_at, place=place
    )
    audit_log(actor=actor, action="round.window_added", obj=round, leader=leader.pk)
    return window


@transaction.atomic
def window_delete(*, actor: Person, window: Window) -> None:
    require(policy.may_schedule(actor, window.round, window.leader))
    audit_log(actor=actor, action="round.window_deleted", obj=window.round, leader=window.leader_id)
    window.delete()


@dataclass(frozen=True)
class Chosen:
    """One conversation the leader takes from the proposal (perhaps moved by hand)."""

    participant_id: int
    start: datetime
    place: str


class ScheduleRefused(DomainError):
    """The schedule breaks a rule: the problems per participant, for the page to mark."""

    def __init__(self, message, *, problems: list[tuple[int, str]]):
        super().__init__(message)
        self.problems = problems


def _waiting_for(
    *, actor: Person, round: Round, leader: Person, chosen: list[Chosen]
) -> dict[int, Participant]:
    """The leader's participants still waiting for a time, by id, once each chosen one is
    among them, chosen once, and its planned conversation (if any) is the actor's to move:
    the page may be old, and another leader's conversation is theirs to move."""
    waiting = {p.pk: p for p, _ in selectors.to_schedule(round=round, leader=leader)}
    gone = [c for c in chosen if c.participant_id not in waiting]
    if gone:
        raise DomainError(
            _(
                "Some of these conversations have been scheduled or moved since the page was "
                "loaded. Nothing was saved; look at the new proposal."
            )
        )
    if len({c.participant_id for c in chosen}) != len(chosen):
        raise DomainError(_("Each conversation can have only one time."))
    for c in chosen:
        existing = waiting[c.participant_id].conversation
        if existing is not None and existing.status in OPEN and existing.leader_id != actor.pk:
            raise DomainError(
                _("Only %(leader)s can give %(name)s's planned conversation a new time.")
                % {"leader": existing.leader, "name": waiting[c.participant_id].person.full_name}
            )
    return waiting


def _check_times(
    *, round: Round, leader: Person, chosen: list[Chosen], waiting: dict[int, Participant]
) -> None:
    """The chosen times as the assistant would have proposed them (scheduling.check): nobody
    double-booked, the leader's break kept, the limit a day held. The times may have been
    moved by hand, so they are checked against what is booked now, a day either side."""
    length = round.duration_minutes
    slots = [
        scheduling.Slot(
            c.participant_id,
            waiting[c.participant_id].person_id,
            leader.pk,
            c.start,
            c.start + timedelta(minutes=length),
            c.place,
        )
        for c in chosen
    ]
    busy = selectors.busy_for(
        person_ids={leader.pk, *(s.employee_id for s in slots)},
        start=min(s.start for s in slots) - timedelta(days=1),
        end=max(s.end for s in slots) + timedelta(days=1),
    )
    rules = selectors.rules_for(round, today=timezone.localdate())
    problems = scheduling.check(slots=slots, busy=busy, rules=rules)
    if problems:
        raise ScheduleRefused(
            _("Nothing was saved: the times marked below clash. Move them and try again."),
            problems=problems,
        )


def _plan(
    *,
    actor: Person,
    round: Round,
    leader: Person,
    chosen: list[Chosen],
    waiting: dict[int, Participant],
) -> list[Conversation]:
    """Each chosen conversation at its time, soonest first, through the conversation
    services (their rules and calendar mail): a planned one given the new time, otherwise a
    new one planned in the round and made the participant's."""
    length = round.duration_minutes
    version = current_version(round.guide)
    assert version is not None  # a guide has a version from its creation on
    conversations = []
    for c in sorted(chosen, key=lambda c: c.start):
        participant = waiting[c.participant_id]
        existing = participant.conversation
        if existing is not None and existing.status in OPEN:
            conversation = lifecycle.conversation_schedule(
                actor=actor,
                conversation=existing,
                scheduled_at=c.start,
                duration_minutes=length,
                place=c.place,
            )
        else:
            conversation = lifecycle.conversation_plan(
                actor=actor,
                employee=participant.person,
                leader=leader,
                guide_version=version,
                scheduled_at=c.start,
                duration_minutes=length,
                place=c.place,
                round=round,
            )
            participant.conversation = conversation
            participant.save(update_fields=["conversation", "updated_at"])
        conversations.append(conversation)
    return conversations


@transaction.atomic
def schedule_accept(
    *, actor: Person, round: Round, leader: Person, chosen: list[Chosen]
) -> list[Conversation]:
    """Plan (or give a new time to) the chosen conversations, all or none.

    Nobody may be double-booked, the leader keeps the break between conversations and
    the daily limit holds; the invitations go out at the round's lead time.
    """
    require(policy.may_schedule(actor, round, leader))
    round = lock_round(round)
    require_open(round)
    if not chosen:
        raise DomainError(_("Choose at least one conversation to schedule."))
    waiting = _waiting_for(actor=actor, round=round, leader=leader, chosen=chosen)
    _check_times(round=round, leader=leader, chosen=chosen, waiting=waiting)
    conversations = _plan(actor=actor, round=round, leader=leader, chosen=chosen, waiting=waiting)
    audit_log(
        actor=actor,
        action="round.schedule_accepted",
        obj=round,
        leader=leader.pk,
        conversations=[c.pk for c in conversations],
    )
    # Those already within the lead time are invited now rather than at the next run.
    handoff.after_commit(INVITE)
    return conversations
