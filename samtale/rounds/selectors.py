"""Reads of rounds: progress, who still needs a time, what people are busy with (who is
missing a signed conversation: coverage.py). Callers pass querysets the access policy has filtered;
the counts are aggregate queries, so a page costs the same for 10 or 10,000 people."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.calendars import selectors as calendars
from samtale.conversations.models import Conversation, held_or_planned_at_sql
from samtale.org.models import Person, Unit
from samtale.rounds import progress as progress_rule
from samtale.rounds import scheduling
from samtale.rounds.models import Participant, Round, RoundCount, Window

S = Conversation.Status
BOOKED = Conversation.BOOKED
DONE = (S.HELD, S.SUMMARY_AGREED, S.SIGNED)

# Where a participant's conversation is, for progress and filters (the round's words), read
# from the status the participant keeps of it ("": no conversation).
STATE_OF_STATUS = {
    "": "missing",
    S.CANCELLED: "missing",
    S.PLANNED: "planned",
    S.INVITED: "invited",
    S.PREPARED: "invited",
    S.HELD: "held",
    S.SUMMARY_AGREED: "held",
    S.SIGNED: "signed",
    S.POSTPONED: "postponed",
}
STATES = {
    state: Q(conversation_status__in=[s for s, of in STATE_OF_STATUS.items() if of == state])
    for state in ("missing", "planned", "invited", "held", "signed", "postponed")
}
# Needs a (new) time: nothing planned, cancelled, postponed, or planned without a time.
NEEDS_TIME = (
    Q(conversation__isnull=True)
    | Q(conversation__status__in=[S.CANCELLED, S.POSTPONED])
    | Q(conversation__status=S.PLANNED, conversation__scheduled_at__isnull=True)
)


def state_of(participant: Participant) -> str:
    return STATE_OF_STATUS[participant.conversation_status]


def status_word(participant: Participant) -> str:
    """The participant's conversation's status as its parties read it (Conversation.Status),
    or that there is none."""
    status = participant.conversation_status
    return str(S(status).label if status else _("No conversation"))


def counted(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants who count: included, and still working here."""
    return participants.filter(included=True, person_active=True)


class Rows(Sequence[Any]):
    """A sorted list whose rows are made only when read (a page of them, say)."""

    def __init__(self, items: list[Any], make: Any) -> None:
        self._items, self._make = items, make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(item) for item in self._items[index]]
        return self._make(self._items[index])


COUNTS = ("total", *STATES)
UNIT_ROW = ("person__unit_id", "person__unit__name", *COUNTS)
LEADER_ROW = ("holder_id", "holder__first_name", "holder__last_name", *COUNTS)


@dataclass
class ProgressSums:
    """A round's counts summed in all, per leader and per unit ([total, *STATES] each;
    None: nobody holds it, no unit), from the rows `counted` (RoundCount, n > 0)."""

    counted: QuerySet[RoundCount]
    totals: dict[str, int]
    by_unit: dict[int | None, list[int]]
    by_leader: dict[int | None, list[int]]


def progress_sums(counts: QuerySet[RoundCount]) -> ProgressSums:
    """One query, however many participants: the round's counts per leader, unit and
    status, which database triggers keep as participants change (RoundCount), summed here
    per leader, per unit and in all. `counts` is what the access policy lets the user see
    of the round."""
    keys = COUNTS
    column = {status: keys.index(state) for status, state in STATE_OF_STATUS.items()}
    totals = [0] * len(keys)
    by_unit: defaultdict[int | None, list[int]] = defaultdict(lambda: [0] * len(keys))
    by_leader: defaultdict[int | None, list[int]] = defaultdict(lambda: [0] * len(keys))
    counted_ = counts.filter(n__gt=0)
    rows = counted_.values_list("holder_id", "unit_id", "status", "n").order_by()
    for holder_id, unit_id, status, n in rows:
        state = column[status]
        for sums in (totals, by_unit[unit_id or None], by_leader[holder_id or None]):
            sums[0] += n  # 0: nobody holds it, no unit
            sums[state] += n
    return ProgressSums(counted_, dict(zip(keys, totals, strict=True)), by_unit, by_leader)


def progress_tables(
    sums: ProgressSums,
    *,
    pace: progress_rule.Pace | None = None,
    reminded_in: Round | None = None,
    behind_only: bool = False,
) -> dict[str, Any]:
    """The rows per leader and per unit by name (no unit, nobody holds it: last), made when
    read (thousands of leaders: a page at a time); two queries, the names. Each says if it
    is behind (progress.py, by `pace`), a leader's when last reminded in `reminded_in`;
    `behind_only`: only those behind."""
    names = progress_rule.leader_names(sums.counted.values("holder_id"), reminded_in=reminded_in)
    unit_names = dict(
        Unit.objects.filter(pk__in=sums.counted.values("unit_id")).values_list("pk", "name")
    )
    mark = progress_rule.mark_behind
    by_unit, by_leader = (
        progress_rule.rows_behind(by, keys=COUNTS, pace=pace) if behind_only else by
        for by in (sums.by_unit, sums.by_leader)
    )
    units = sorted(
        (pk is None, unit_names.get(pk or 0) or "", pk or 0, pk, r) for pk, r in by_unit.items()
    )
    leaders = sorted(
        (pk is None, *reversed(names.get(pk or 0, ("", "", None))[:2]), pk or 0, pk, row)
        for pk, row in by_leader.items()
    )
    return {
        "by_unit": Rows(
            units,
            lambda u: mark(dict(zip(UNIT_ROW, (u[3], u[1] or None, *u[4]), strict=True)), pace),
        ),
        "by_leader": Rows(
            leaders,
            lambda r: (
                mark(dict(zip(LEADER_ROW, (r[4], r[2], r[1], *r[5]), strict=True)), r[4] and pace)
                | {"reminded_at": names.get(r[4], (None,) * 3)[2]}
            ),
        ),
    }


def progress(
    *, counts: QuerySet[RoundCount], participants: QuerySet[Participant]
) -> dict[str, Any]:
    """Totals, per unit and per leader: planned, invited, held, signed, postponed, missing.
    Four queries, however many participants: progress_sums, progress_tables, and how many
    were removed. `counts` and `participants` are what the access policy lets the user see
    of the round."""
    sums = progress_sums(counts)
    return {
        "totals": sums.totals,
        **progress_tables(sums),
        "holder_ids": frozenset(sums.by_leader),
        "removed": participants.filter(included=False).count(),
    }


def _round_sum(**filters: Any) -> Coalesce:
    """The sum of a round's counts (RoundCount: participants who count), 0 for none."""
    rows = (
        RoundCount.objects.filter(round_id=OuterRef("pk"), **filters)
        .order_by()
        .values("round_id")
        .annotate(s=Sum("n"))
        .values("s")
    )
    return Coalesce(Subquery(rows), 0)


def round_list(*, rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with how many take part and how many have signed, in one query: summed from
    the counts the triggers keep (RoundCount), not counted over the participants, so the
    list costs the same for a round of 40 or 40,000."""
    return rounds.annotate(
        n_participants=_round_sum(), n_signed=_round_sum(status=S.SIGNED)
    ).order_by("closed_at", "-period_start", "-pk")


def participant_list(
    *, participants: QuerySet[Participant], state: str = "", holder_id: int | None = None
) -> QuerySet[Participant]:
    qs = participants.select_related("person__unit", "holder", "conversation")
    if state == "removed":
        qs = qs.filter(included=False)
    elif state in STATES:
        qs = counted(qs).filter(STATES[state])
    elif state == "no_holder":
        qs = counted(qs).filter(holder__isnull=True)
    if holder_id:
        qs = qs.filter(holder_id=holder_id)
    return qs.order_by("person__last_name", "person__first_name", "pk")


def kind_held(round: Round) -> str:
    """The kind of conversation a round holds: annual, or the check-ins of a series."""
    return Conversation.Kind.CHECK_IN if round.is_series else Conversation.Kind.ANNUAL


def without_conversation(round: Round) -> QuerySet[Participant]:
    """The round's participants (taken in) with no conversation, or only a cancelled one."""
    return round.participants.filter(included=True).filter(
        Q(conversation__isnull=True) | Q(conversation__status=S.CANCELLED)
    )


def outside_conversations(*, round: Round) -> QuerySet[Conversation]:
    """Conversations planned outside any round that are a participant's conversation in this
    one all the same: of the kind the round holds, not cancelled, held or planned
    (held_or_planned_at) on a day of the round's period, or without a time yet while the
    period lasts; annotated `at`, that time. With a participant's own (Participant.
    conversation) this is the one definition of "a participant's conversation in the round":
    services.participants_link makes them the round's own, so its counts, lists, schedule
    and HR's figures all read them the same way."""
    start = scheduling.day_start(round.period_start)
    end = scheduling.day_start(round.period_end + timedelta(days=1))
    dated = Q(at__gte=start, at__lt=end)
    if round.period_end >= timezone.localdate():
        dated |= Q(at__isnull=True)
    return (
        Conversation.objects.filter(round__isnull=True, kind=kind_held(round))
        .exclude(status=S.CANCELLED)
        .annotate(at=held_or_planned_at_sql())
        .filter(dated)
    )


def next_due(round: Round, conversation: Conversation) -> date | None:
    """A check-in series: the day the next check-in is due after a held one."""
    interval = round.interval()
    last = conversation.scheduled_at or conversation.held_at
    if interval is None or last is None:
        return None
    return timezone.localdate(last) + interval


def to_schedule(
    *, round: Round, leader: Person | None = None
) -> list[tuple[Participant, date | None]]:
    """Participants whose conversation needs a time, with the earliest day it may have
    (a check-in series: when the next one is due)."""
    needs = NEEDS_TIME | Q(conversation__status__in=DONE) if round.is_series else NEEDS_TIME
    qs = (
        counted(round.participants.all())
        .filter(holder__isnull=False)
        .filter(needs)
        .select_related("person", "holder", "conversation")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    if leader is not None:
        qs = qs.filter(holder=leader)
    result = []
    for participant in qs:
        earliest = None
        conversation = participant.conversation
        if conversation is not None and conversation.status in DONE:
            earliest = next_due(round, conversation)
            if earliest is None or earliest > round.period_end:
                continue  # the series is complete for this person
        result.append((participant, earliest))
    return result


def busy_for(*, person_ids: set[int], start: datetime, end: datetime) -> list[scheduling.Busy]:
    """What these people already have booked between `start` and `end`, either party."""
    rows = (
        Conversation.objects.filter(
            Q(employee_id__in=person_ids) | Q(leader_id__in=person_ids),
            status__in=BOOKED,
            scheduled_at__isnull=False,
            scheduled_at__lt=end,
            scheduled_at__gt=start - timedelta(hours=5),
        )
        .values_list("employee_id", "leader_id", "scheduled_at", "duration_minutes")
        .order_by("scheduled_at", "pk")
    )
    busy = []
    for employee_id, leader_id, at, minutes in rows:
        assert at is not None  # the query asks for a time
        until = at + timedelta(minutes=minutes)
        if employee_id in person_ids:
            busy.append(scheduling.Busy(employee_id, at, until))
        if leader_id in person_ids:
            busy.append(scheduling.Busy(leader_id, at, until, leads=True))
    return busy


def rules_for(round: Round, *, today: date) -> scheduling.Rules:
    """The round's rules, with the days ahead kept inside the round's period."""
    first = max(round.min_days_ahead, (round.period_start - today).days)
    last = min(round.max_days_ahead, (round.period_end - today).days)
    return scheduling.Rules(
        duration_minutes=round.duration_minutes,
        buffer_minutes=round.buffer_minutes,
        max_per_day=round.max_per_day,
        min_days_ahead=first,
        max_days_ahead=last,
    )


@dataclass
class Proposal:
    rules: scheduling.Rules
    first_day: date
    last_day: date
    slots: list[scheduling.Slot]
    unplaced: list[scheduling.Unplaced]
    participants: dict[int, Participant]
    # Whose own calendars were read (their busy times kept clear of), and whose could not be
    # (planned without them: the page says so).
    calendars_read: int = 0
    unread: list[calendars.Unread] = field(default_factory=list)

    @property
    def in_period(self) -> bool:
        return self.first_day <= self.last_day


def proposal(*, round: Round, leader: Person, today: date) -> Proposal:
    """The assistant's proposal for one leader's conversations in a round."""
    rules = rules_for(round, today=today)
    first_day = today + timedelta(days=rules.min_days_ahead)
    last_day = today + timedelta(days=rules.max_days_ahead)
    waiting = to_schedule(round=round, leader=leader)
    participants = {p.pk: p for p, _ in waiting}
    if first_day > last_day:
        return Proposal(rules, first_day, last_day, [], [], participants)
    windows = [
        scheduling.Window(w.leader_id, w.starts_at, w.ends_at, w.place)
        for w in round.windows.filter(leader=leader, ends_at__gt=timezone.now())
    ]
    needs = [scheduling.Need(p.pk, p.person_id, p.holder_id, earliest) for p, earliest in waiting]
    start, end = scheduling.day_start(first_day), scheduling.day_start(last_day + timedelta(days=1))
    people = {leader.pk, *(p.person_id for p, _ in waiting)}
    busy = busy_for(person_ids=people, start=start, end=end)
    # What the leader's and the employees' own calendars hold (samtale.calendars): busy like
    # another conversation, but not counted toward the leader's limit a day.
    external = (
        calendars.busy_times(person_ids=people, start=start, end=end)
        if needs and windows
        else calendars.BusyTimes()
    )
    busy += [
        scheduling.Busy(person_id, interval.start, interval.end)
        for person_id, intervals in external.intervals.items()
        for interval in intervals
    ]
    slots, unplaced = scheduling.propose(
        windows=windows, participants=needs, busy=busy, rules=rules, today=today
    )
    return Proposal(
        rules,
        first_day,
        last_day,
        slots,
        unplaced,
        participants,
        calendars_read=len(external.intervals),
        unread=external.unread,
    )


def calendar_clashes(
    *, round: Round, leader: Person, chosen: list[tuple[int, datetime]], today: date
) -> tuple[list[int], list[calendars.Unread]]:
    """Of the slots a leader accepts (participant, start), perhaps moved by hand, those the
    leader's or the employee's own calendar holds; and whose calendars could not be read.
    Read for the proposal's days (and the slots'), so the proposal's read is used again."""
    if not chosen:
        return [], []
    length = timedelta(minutes=round.duration_minutes)
    rules = rules_for(round, today=today)
    first = scheduling.day_start(today + timedelta(days=rules.min_days_ahead))
    last = scheduling.day_start(today + timedelta(days=rules.max_days_ahead + 1))
    employees = dict(
        round.participants.filter(pk__in=[pk for pk, _ in chosen]).values_list("pk", "person_id")
    )
    found = calendars.busy_times(
        person_ids={leader.pk, *employees.values()},
        start=min(first, *(at for _, at in chosen)),
        end=max(last, *(at + length for _, at in chosen)),
    )
    hit = [
        pk
        for pk, at in chosen
        if found.clashes(leader.pk, at, at + length)
        or (pk in employees and found.clashes(employees[pk], at, at + length))
    ]
    return hit, found.unread


def scheduled(*, round: Round, leader: Person) -> QuerySet[Participant]:
    """The leader's participants with a time set, soonest first."""
    return (
        counted(round.participants.filter(holder=leader))
        .filter(conversation__status__in=BOOKED, conversation__scheduled_at__isnull=False)
        .select_related("person", "conversation")
        .order_by("conversation__scheduled_at", "pk")
    )


def windows_of(*, round: Round, leader: Person) -> QuerySet[Window]:
    return round.windows.filter(leader=leader, ends_at__gt=timezone.now()).order_by("starts_at")


def round_unit_ids(round: Round) -> set[int]:
    """The round's units and every unit below them; read once per round object."""
    if "_unit_tree_ids" not in round.__dict__:
        round.__dict__["_unit_tree_ids"] = unit_tree_ids(round.units.all())
    return cast(set[int], round.__dict__["_unit_tree_ids"])


def round_holders(*, round: Round, holders: QuerySet[Person]) -> QuerySet[Person]:
    """Of `holders`, the leaders of the round's units and those who hold in it already: the
    ones a conversation of the round can be given to."""
    units = round_unit_ids(round)
    holding = round.participants.filter(holder__isnull=False).values("holder_id")
    return holders.filter(Q(unit_id__in=units) | Q(pk__in=holding))


UNIT_TREE_SQL = """
WITH RECURSIVE tree(id) AS ({units} UNION SELECT u.id FROM org_unit u JOIN tree ON u.parent_id = tree.id)
SELECT id FROM tree
"""


def unit_tree_ids(units: Any) -> set[int]:
    """The units (a queryset or a list) and every unit below them, in one query."""
    if not isinstance(units, QuerySet):
        units = Unit.objects.filter(pk__in=[u.pk for u in units])
    sql, params = units.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(UNIT_TREE_SQL.format(units=sql), params)
        return {row[0] for row in cursor.fetchall()}


def addable_people(*, round: Round, people: QuerySet[Person]) -> QuerySet[Person]:
    """People of the round's units (temporary employees among them) not in it yet."""
    inside = round.participants.filter(included=True).values("person_id")
    units = round_unit_ids(round)
    return (
        people.filter(unit_id__in=units, is_active=True)
        .exclude(pk__in=inside)
        .select_related("unit")
        .order_by("last_name", "first_name")
    )


# The profession groups of a round's counted participants, one step per group: the next
# group name after the last one found (ORDER BY … LIMIT 1, which walks the index where MIN
# would join everything), read from the index person_profession_group within
# the units the round's counts name (0: no unit), so a round of 40,000 people costs a step
# per group, not a join through all of them.
PROFESSION_GROUPS_SQL = """
WITH RECURSIVE groups(name) AS (
    SELECT (SELECT p.profession_group FROM org_person p
            WHERE p.is_active AND p.profession_group > ''
              AND COALESCE(p.unit_id, 0) IN (SELECT c.unit_id FROM rounds_roundcount c
                                             WHERE c.round_id = %(round)s AND c.n > 0)
              AND EXISTS (SELECT 1 FROM rounds_participant r
                          WHERE r.round_id = %(round)s AND r.person_id = p.id AND r.included)
            ORDER BY p.profession_group LIMIT 1)
    UNION ALL
    SELECT (SELECT p.profession_group FROM org_person p
            WHERE p.is_active AND p.profession_group > groups.name
              AND COALESCE(p.unit_id, 0) IN (SELECT c.unit_id FROM rounds_roundcount c
                                             WHERE c.round_id = %(round)s AND c.n > 0)
              AND EXISTS (SELECT 1 FROM rounds_participant r
                          WHERE r.round_id = %(round)s AND r.person_id = p.id AND r.included)
            ORDER BY p.profession_group LIMIT 1)
    FROM groups WHERE groups.name IS NOT NULL
)
SELECT name FROM groups WHERE name IS NOT NULL
"""


def profession_groups(*, round: Round) -> list[str]:
    """The profession groups of the round's participants who count, in order."""
    with connection.cursor() as cursor:
        cursor.execute(PROFESSION_GROUPS_SQL, {"round": round.pk})
        return [row[0] for row in cursor.fetchall()]
