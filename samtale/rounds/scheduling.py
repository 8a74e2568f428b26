"""The scheduling assistant: proposes a time for each conversation that needs one.

A pure function over plain values (no database), so property-based tests can try
it with any windows and people. The rules, from the guide and the round:

- a conversation lasts `duration_minutes`, and a leader has `buffer_minutes`
  free before and after each one;
- at most `max_per_day` conversations per leader per local day (the guide:
  ideally one, at most two), so the first pass gives each leader one a day and
  later passes add more only where the windows are not enough;
- every slot lies inside one of the leader's windows, and its local dates
  (Europe/Oslo) between today + `min_days_ahead` and today + `max_days_ahead`
  (the guide: invite 1–2 weeks ahead), on a working day (no weekend or public holiday,
  core.holidays: a window given on one is not used);
- nobody is double-booked: not the leader, not the employee, counting what they
  already have (`busy`) and what this proposal has placed.

Whoever cannot be placed is listed with the reason, so the page can say what to do.
All arithmetic is in UTC; the local day is only used to count and to bound.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samtale.core.holidays import is_working_day

OSLO = ZoneInfo("Europe/Oslo")

# Why a participant got no slot.
NO_HOLDER = "no_holder"  # nobody holds the conversation yet
NOT_DUE = "not_due"  # a check-in series: the next one is due after the days proposed
NO_WINDOWS = "no_windows"  # the leader has no window in the days proposed
WINDOWS_FULL = "windows_full"  # the windows are full (length, break, the daily limit)
EMPLOYEE_BUSY = "employee_busy"  # the leader has room, but the employee is busy then

# What is wrong with a schedule the leader has changed.
LEADER_OVERLAP = "leader_overlap"
EMPLOYEE_OVERLAP = "employee_overlap"
TOO_MANY_A_DAY = "too_many_a_day"


@dataclass(frozen=True)
class Rules:
    duration_minutes: int = 90
    buffer_minutes: int = 15
    max_per_day: int = 2
    min_days_ahead: int = 7
    max_days_ahead: int = 14
    # Proposed times start on this grid, counted from the window's start.
    step_minutes: int = 15
    # Only on working days (core.holidays): no weekend, no public holiday.
    working_days_only: bool = True


@dataclass(frozen=True)
class Window:
    leader_id: int
    start: datetime
    end: datetime
    place: str = ""


@dataclass(frozen=True)
class Need:
    """A participant whose conversation needs a time, and who holds it."""

    participant_id: int
    employee_id: int
    leader_id: int | None
    earliest: date | None = None  # a series: not before the next check-in is due


@dataclass(frozen=True)
class Busy:
    """A time someone is taken (another conversation); `leads`: they hold it, so it
    counts toward their daily limit."""

    person_id: int
    start: datetime
    end: datetime
    leads: bool = False


@dataclass(frozen=True)
class Slot:
    participant_id: int
    employee_id: int
    leader_id: int
    start: datetime
    end: datetime
    place: str = ""


@dataclass(frozen=True)
class Unplaced:
    participant_id: int
    employee_id: int
    leader_id: int | None
    reason: str


def local_day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def day_start(day: date) -> datetime:
    """Local midnight as a UTC instant."""
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


class _Book:
    """Who is taken when, and how many conversations each leader holds each day."""

    def __init__(self, busy: list[Busy]) -> None:
        self.taken: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.per_day: Counter[tuple[int, date]] = Counter()
        for b in busy:
            start, end = _utc(b.start), _utc(b.end)
            if end <= start:
                continue
            self.taken[b.person_id].append((start, end))
            if b.leads:
                self.per_day[(b.person_id, local_day(start))] += 1

    def conflict(self, person_id: int, start: datetime, end: datetime, gap: timedelta):
        """The end of the latest interval that clashes (with `gap` around it), or None."""
        clash = None
        for s, e in self.taken.get(person_id, ()):
            if start < e + gap and s < end + gap and (clash is None or e + gap > clash):
                clash = e + gap
        return clash

    def add(self, slot: Slot) -> None:
        interval = (_utc(slot.start), _utc(slot.end))
        self.taken[slot.leader_id].append(interval)
        self.taken[slot.employee_id].append(interval)
        self.per_day[(slot.leader_id, local_day(slot.start))] += 1


def _align(start: datetime, target: datetime, step: timedelta) -> datetime:
    """The first time on the grid from `start` that is not before `target`."""
    if target <= start:
        return start
    steps = -(-(target - start) // step)  # ceiling division of timedeltas
    return start + steps * step


def _may_use(day: date, rules: Rules) -> bool:
    return not rules.working_days_only or is_working_day(day)


def _find(
    need: Need,
    windows: list[Window],
    book: _Book,
    rules: Rules,
    *,
    first: datetime,
    last: datetime,
    limit: int,
    mind_employee: bool = True,
) -> Slot | None:
    leader_id = need.leader_id
    if leader_id is None:  # none: plan() passes those with a holder only
        return None
    length = timedelta(minutes=rules.duration_minutes)
    gap = timedelta(minutes=rules.buffer_minutes)
    step = timedelta(minutes=max(1, rules.step_minutes))
    earliest = max(first, day_start(need.earliest)) if need.earliest else first
    for window in windows:
        low, high = max(_utc(window.start), earliest), min(_utc(window.end), last)
        grid_start = _utc(window.start)
        t = _align(grid_start, low, step)
        while t + length <= high:
            end = t + length
            day = local_day(t)
            if book.per_day[(leader_id, day)] >= limit or not _may_use(day, rules):
                t = _align(grid_start, day_start(day + timedelta(days=1)), step)
                continue
            clash = book.conflict(leader_id, t, end, gap)
            if clash is None and mind_employee:
                # The same break for the employee: they may lead conversations of their own.
                clash = book.conflict(need.employee_id, t, end, gap)
            if clash is not None:
                t = _align(grid_start, max(clash, t + step), step)
                continue
            return Slot(need.participant_id, need.employee_id, leader_id, t, end, window.place)
    return None


def propose(
    *,
    windows: list[Window],
    participants: list[Need],
    busy: list[Busy],
    rules: Rules,
    today: date,
) -> tuple[list[Slot], list[Unplaced]]:
    """A time for each participant, or the reason there is none. Deterministic."""
    first_day = today + timedelta(days=rules.min_days_ahead)
    last_day = today + timedelta(days=rules.max_days_ahead)
    first, last = day_start(first_day), day_start(last_day + timedelta(days=1))
    by_leader: dict[int, list[Window]] = defaultdict(list)
    for w in sorted(windows, key=lambda w: (_utc(w.start), _utc(w.end), w.place, w.leader_id)):
        by_leader[w.leader_id].append(w)
    book = _Book(busy)
    order = sorted(participants, key=lambda n: (n.leader_id or 0, n.participant_id))
    waiting = [
        n
        for n in order
        if n.leader_id is not None
        and n.employee_id != n.leader_id
        and not (n.earliest and n.earliest > last_day)
        and rules.duration_minutes > 0
    ]
    slots: list[Slot] = []
    # One a day per leader first (the guide's ideal); more only where needed.
    for limit in range(1, rules.max_per_day + 1):
        still = []
        for need in waiting:
            leader_windows = by_leader[need.leader_id] if need.leader_id is not None else []
            slot = _find(need, leader_windows, book, rules, first=first, last=last, limit=limit)
            if slot is None:
                still.append(need)
            else:
                book.add(slot)
                slots.append(slot)
        waiting = still
    placed = {s.participant_id for s in slots}
    unplaced = []
    for need in order:
        if need.participant_id in placed:
            continue
        unplaced.append(
            Unplaced(
                need.participant_id,
                need.employee_id,
                need.leader_id,
                _reason(need, by_leader, book, rules, first=first, last=last, last_day=last_day),
            )
        )
    slots.sort(key=lambda s: (s.leader_id, s.start, s.participant_id))
    return slots, unplaced


def _reason(need: Need, by_leader, book: _Book, rules: Rules, *, first, last, last_day) -> str:
    if need.leader_id is None or need.employee_id == need.leader_id:
        return NO_HOLDER
    if need.earliest and need.earliest > last_day:
        return NOT_DUE
    windows = by_leader.get(need.leader_id, [])
    if not any(
        _utc(w.start) < last and _utc(w.end) > first and _may_use(local_day(w.start), rules)
        for w in windows
    ):
        return NO_WINDOWS
    if rules.max_per_day > 0 and _find(
        need,
        windows,
        book,
        rules,
        first=first,
        last=last,
        limit=rules.max_per_day,
        mind_employee=False,
    ):
        return EMPLOYEE_BUSY
    return WINDOWS_FULL


def check(*, slots: list[Slot], busy: list[Busy], rules: Rules) -> list[tuple[int, str]]:
    """What is wrong with a schedule (as the leader has changed it): (participant, problem).

    The leader may move any slot, also outside the windows; nobody may be double-booked,
    the leader keeps the break between conversations, and the daily limit holds.
    """
    problems: list[tuple[int, str]] = []
    gap = timedelta(minutes=rules.buffer_minutes)
    ordered = sorted(slots, key=lambda s: (_utc(s.start), s.participant_id))
    for slot in ordered:
        others = _Book(busy)
        for other in ordered:
            if other is not slot:
                others.add(other)
        start, end = _utc(slot.start), _utc(slot.end)
        if others.conflict(slot.leader_id, start, end, gap) is not None:
            problems.append((slot.participant_id, LEADER_OVERLAP))
        elif others.conflict(slot.employee_id, start, end, gap) is not None:
            problems.append((slot.participant_id, EMPLOYEE_OVERLAP))
    per_day = _Book(busy).per_day
    for slot in ordered:
        key = (slot.leader_id, local_day(slot.start))
        per_day[key] += 1
        if per_day[key] > rules.max_per_day:
            problems.append((slot.participant_id, TOO_MANY_A_DAY))
    return problems
