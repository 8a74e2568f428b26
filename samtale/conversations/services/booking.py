"""The rules of a conversation's time, for planning and moving it: a length within bounds and
a time ahead; never double-booked; the guide's "at most one or two a day" and days off,
which the leader may set aside on purpose (DomainWarning); and one open annual conversation
per employee and leader (AlreadyPlanned)."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samtale.conversations.models import MAX_PER_DAY, Conversation
from samtale.core import holidays
from samtale.core.errors import DomainError, DomainWarning
from samtale.org.models import Person

S = Conversation.Status
MIN_MINUTES, MAX_MINUTES = 10, 240
# Conversations that hold a time in someone's calendar.
BOOKED = Conversation.BOOKED
# An annual conversation is open until it is signed or cancelled: one at a time per pair.
CLOSED = Conversation.CLOSED


class AlreadyPlanned(DomainError):
    """The employee already has an open annual conversation with this leader: `conversation`."""

    def __init__(
        self, message: Any, *, conversation: Conversation, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.conversation = conversation


def check_time(scheduled_at: datetime | None, duration_minutes: int) -> None:
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


def check_free(
    *,
    people: list[Person],
    scheduled_at: datetime,
    duration_minutes: int,
    exclude_pk: Any = None,
    reader: Person | None = None,
) -> None:
    """Never double-book: neither the employee nor the leader may have another conversation
    (as either party) that overlaps this one. The refusal speaks to `reader` as "you" when
    it is their own calendar."""
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
        other_at = other.scheduled_at  # never None: the query asks for a time
        if other_at is None or other_at + timedelta(minutes=other.duration_minutes) <= scheduled_at:
            continue
        busy = next(p for p in people if p.pk in (other.employee_id, other.leader_id))
        when = {"name": busy.full_name, "time": _short(other_at)}
        if reader is not None and busy.pk == reader.pk:
            said = _("You already have a conversation at %(time)s. Choose another time.")
        else:
            said = _("%(name)s already has a conversation at %(time)s. Choose another time.")
        raise DomainError(said % when, field="scheduled_at")


def _short(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def max_per_day(round: Any) -> int:
    """A leader's limit of conversations a day: the round's, or the routine's default
    (the guide: "at most one or two a day"), as the round's scheduler counts."""
    return round.max_per_day if round is not None else MAX_PER_DAY


def _day_start(day: Any) -> datetime:
    """The local day's midnight (the scheduler's day: rounds.scheduling.day_start)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def check_day(
    *,
    leader: Person,
    scheduled_at: datetime,
    limit: int,
    confirmed: bool,
    exclude_pk: Any = None,
    mind_days_off: bool = False,
) -> None:
    """The guide's limit a day, counted as the round's scheduler counts it: the booked
    conversations the leader holds on that local day; and, where the leader picks the day
    by hand (`mind_days_off`: the plan and schedule pages), a day off (a weekend or a
    public holiday, core.holidays: a nursing home works them, a school does not). Past the
    limit, or on a day off, the leader must confirm."""
    if confirmed:
        return
    day = timezone.localdate(scheduled_at)
    if mind_days_off and (off := holidays.day_off(day)):
        raise DomainWarning(
            _("%(day)s is a day off (%(name)s).")
            % {"day": formats.date_format(day, "SHORT_DATE_FORMAT"), "name": off},
            field="scheduled_at",
        )
    count = (
        Conversation.objects.filter(
            leader=leader,
            status__in=BOOKED,
            scheduled_at__gte=_day_start(day),
            scheduled_at__lt=_day_start(day + timedelta(days=1)),
        )
        .exclude(pk=exclude_pk)
        .count()
    )
    if count >= limit:
        raise DomainWarning(
            ngettext(
                "%(name)s already has %(count)d conversation on %(day)s, and the guide "
                "advises at most %(limit)d a day.",
                "%(name)s already has %(count)d conversations on %(day)s, and the guide "
                "advises at most %(limit)d a day.",
                count,
            )
            % {
                "name": leader.full_name,
                "count": count,
                "day": formats.date_format(day, "SHORT_DATE_FORMAT"),
                "limit": limit,
            },
            field="scheduled_at",
        )


def check_one_annual(*, employee: Person, leader: Person, kind: str) -> None:
    """One open annual conversation at a time for the same employee and leader."""
    if kind != Conversation.Kind.ANNUAL:
        return
    existing = (
        Conversation.objects.filter(employee=employee, leader=leader, kind=kind)
        .exclude(status__literal_in=CLOSED)
        .order_by("pk")
        .first()
    )
    if existing is None:
        return
    details = str(S(existing.status).label)
    if existing.scheduled_at is not None:
        details = f"{details}, {_short(existing.scheduled_at)}"
    raise AlreadyPlanned(
        _(
            "%(employee)s already has an open annual conversation with %(leader)s "
            "(%(details)s). There is one annual conversation at a time: move, finish or "
            "cancel that one first."
        )
        % {"employee": employee.full_name, "leader": leader.full_name, "details": details},
        conversation=existing,
        field="employee",
    )


def check_booking(
    *,
    people: list[Person],
    scheduled_at: datetime | None,
    duration_minutes: int,
    round: Any,
    confirmed: bool,
    mind_days_off: bool,
    exclude_pk: Any = None,
    day_chosen: bool = True,
    reader: Person | None = None,
) -> None:
    """Every rule of a time, in order: its length and that it is ahead; then, with a time,
    that the two are free (said to `reader` as "you" where it is their calendar), and the
    leader's day (`people[1]`) when the day is newly chosen (a move within the same day was
    confirmed, or allowed, when the day was chosen)."""
    check_time(scheduled_at, duration_minutes)
    if scheduled_at is None:
        return
    check_free(
        people=people,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        exclude_pk=exclude_pk,
        reader=reader,
    )
    if day_chosen:
        check_day(
            leader=people[1],
            scheduled_at=scheduled_at,
            limit=max_per_day(round),
            confirmed=confirmed,
            exclude_pk=exclude_pk,
            mind_days_off=mind_days_off,
        )
