"""When both parties of a conversation are free for it: the times the page proposing
another time suggests (`free_times`), and the rules a time proposed must keep
(`time_fault`): ahead, a working day (core.holidays: no weekend or public holiday), within
working hours, and clear of both parties' other conversations and of what their own
calendars hold (samtale.calendars, where connected)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samtale.calendars import selectors as calendars
from samtale.conversations.models import Conversation
from samtale.core import holidays

# Working hours: a conversation starts at 08:00 at the earliest and ends by 16:00.
WORK_START, WORK_END = time(8, 0), time(16, 0)
# The starts suggested each working day, and how far ahead they are looked for.
SLOTS = (time(9, 0), time(10, 30), time(12, 30), time(14, 0))
SUGGEST_DAYS = 21


def _busy_conversations(conversation: Conversation, start: datetime, end: datetime) -> list:
    """(start, end, {its two people}) of either party's other booked conversations in the
    window."""
    ids = [conversation.employee_id, conversation.leader_id]
    rows = (
        Conversation.objects.filter(Q(employee_id__in=ids) | Q(leader_id__in=ids))
        .filter(status__in=Conversation.BOOKED, scheduled_at__lt=end)
        .filter(scheduled_at__gt=start - timedelta(hours=4))
        .exclude(pk=conversation.pk)
        .values_list("scheduled_at", "duration_minutes", "employee_id", "leader_id")
    )
    return [
        (at, at + timedelta(minutes=minutes), {e, le})
        for at, minutes, e, le in rows
        if at is not None  # never None: the query asks for a time
    ]


class Busy:
    """What holds both parties between two moments: their other conversations and their
    own calendars' busy times, read once for the whole window."""

    def __init__(self, conversation: Conversation, start: datetime, end: datetime) -> None:
        self.conversation = conversation
        self.booked = _busy_conversations(conversation, start, end)
        self.calendars = calendars.busy_times(
            person_ids=[conversation.employee_id, conversation.leader_id], start=start, end=end
        )
        # The conversation's own time is held in the calendars once accepted: not a clash.
        own = conversation.scheduled_at
        self.own = (own, own + timedelta(minutes=conversation.duration_minutes)) if own else None

    def who(self, start: datetime, end: datetime) -> str:
        """The name of a party who is busy then, or ""."""
        c = self.conversation
        for s, e, ids in self.booked:
            if s < end and start < e:
                return (c.employee if c.employee_id in ids else c.leader).full_name
        for person in (c.employee, c.leader):
            for interval in self.calendars.clashes(person.pk, start, end):
                if self.own and self.own[0] <= interval.start and interval.end <= self.own[1]:
                    continue
                return person.full_name
        return ""


def time_fault(start: datetime, *, minutes: int, busy: Busy, now: datetime) -> str:
    """Why `start` cannot be proposed, in a sentence, or "" when it can."""
    local = timezone.localtime(start)
    end = start + timedelta(minutes=minutes)
    shown = formats.date_format(local, "SHORT_DATETIME_FORMAT")
    if start <= now:
        return _("%(time)s has already passed. Choose a time ahead.") % {"time": shown}
    if off := holidays.day_off(local.date()):
        return _("%(time)s is not a working day (%(name)s). Choose a weekday.") % {
            "time": shown,
            "name": off,
        }
    last = datetime.combine(local.date(), WORK_END, tzinfo=local.tzinfo)
    if local.time() < WORK_START or end > last:
        return _(
            "%(time)s is outside working hours: the conversation must start at %(start)s at "
            "the earliest and end by %(end)s."
        ) % {
            "time": shown,
            "start": WORK_START.strftime("%H:%M"),
            "end": WORK_END.strftime("%H:%M"),
        }
    if busy.conversation.scheduled_at == start:
        return _("%(time)s is the time the conversation has already.") % {"time": shown}
    if name := busy.who(start, end):
        return _("%(name)s is busy at %(time)s. Choose another time.") % {
            "name": name,
            "time": shown,
        }
    return ""


def free_times(*, conversation: Conversation, now: datetime, count: int = 6) -> list[datetime]:
    """Up to `count` times ahead when both parties are free for the conversation's length,
    on working days within SUGGEST_DAYS, at most two a day: the page's suggestions."""
    today: date = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    window_end = datetime.combine(today + timedelta(days=SUGGEST_DAYS + 1), time.min, tzinfo=zone)
    busy = Busy(conversation, now, window_end)
    minutes = conversation.duration_minutes
    found: list[datetime] = []
    for offset in range(SUGGEST_DAYS + 1):
        day, on_day = today + timedelta(days=offset), 0
        for slot in SLOTS:
            start = datetime.combine(day, slot, tzinfo=zone)
            if on_day < 2 and not time_fault(start, minutes=minutes, busy=busy, now=now):
                found.append(start)
                on_day += 1
            if len(found) == count:
                return found
    return found
