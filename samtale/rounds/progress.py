"""The one definition of "behind" in a round, for the round's page, the list of rounds, the
homes and the reminder to the leaders behind (reminders.py).

A leader (or a unit) is behind in an open round when fewer of their participants have had
their conversation (held or signed) than the share of the round's time gone says they
should have: held < floor(participants × days gone ÷ days in the period). Counted by the
day, the first day of the period counting as gone once it is over; before the period
begins nobody is behind, and in a closed round nobody is either (it is over)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import DateTimeField, OuterRef, Q, QuerySet, Subquery, Sum, Value

from samtale.conversations.models import Conversation
from samtale.org.models import Person
from samtale.rounds.models import LeaderReminder, Round, RoundCount

S = Conversation.Status
# A conversation that is held: held, its summary agreed, or signed (selectors.STATES).
DONE = (S.HELD, S.SUMMARY_AGREED, S.SIGNED)


@dataclass(frozen=True)
class Pace:
    """How far through its period an open round is: `gone` of `days` days."""

    gone: int
    days: int

    def expected(self, total: int) -> int:
        """How many of `total` participants should have had their conversation by now."""
        return total * self.gone // self.days if self.days else 0

    def is_behind(self, *, total: int, done: int) -> bool:
        """Fewer held (or signed) than the share of the round's time gone: the definition."""
        return done < self.expected(total)

    @property
    def percent(self) -> int:
        return 100 * self.gone // self.days if self.days else 0


def round_pace(round: Round, *, today: date) -> Pace | None:
    """The round's pace today, or None when nobody can be behind in it (it is closed)."""
    if not round.is_open:
        return None
    days = (round.period_end - round.period_start).days + 1
    gone = min(max((today - round.period_start).days, 0), days)
    return Pace(gone=gone, days=days)


def done_of(row: dict) -> int:
    """Held or signed, of a row of the round's counts (selectors.progress_tables)."""
    return row["held"] + row["signed"]


def mark_behind(row: dict, pace: Pace | None) -> dict:
    """A row of counts (a leader's, a unit's) with `done`, `expected` and `behind`; `pace`
    None (a closed round, the row of nobody's conversations): never behind."""
    done = done_of(row)
    expected = pace.expected(row["total"]) if pace else 0
    return row | {"done": done, "expected": expected, "behind": done < expected}


def rows_behind(by: dict, *, keys: tuple, pace: Pace | None) -> dict:
    """Of rows of counts ([total, …] in the order of `keys`) by leader or unit, those behind;
    the row of no leader or no unit (None) never: there is nobody to remind."""
    return {
        pk: row
        for pk, row in by.items()
        if pk is not None and mark_behind(dict(zip(keys, row, strict=True)), pace)["behind"]
    }


def leader_names(holder_ids: QuerySet, *, reminded_in: Round | None) -> dict[int, list[Any]]:
    """The leaders' (first name, last name, last reminded in the round or None), by id: one
    query, the reminder read with the names (reminders.py)."""
    last = LeaderReminder.objects.filter(round=reminded_in, leader=OuterRef("pk"))
    leaders = Person.objects.filter(pk__in=holder_ids).order_by()
    if reminded_in is not None:
        leaders = leaders.annotate(at=Subquery(last.order_by("-sent_at").values("sent_at")[:1]))
    else:
        leaders = leaders.annotate(at=Value(None, output_field=DateTimeField()))
    return {pk: row for pk, *row in leaders.values_list("pk", "first_name", "last_name", "at")}


def leader_sums(counts: QuerySet[RoundCount]) -> QuerySet:
    """Per round and leader (nobody holds it: 0): participants who count, and held or signed.
    One grouped query over the counts the triggers keep, however many participants."""
    return (
        counts.filter(n__gt=0)
        .exclude(holder_id=0)
        .values("round_id", "holder_id")
        .annotate(total=Sum("n"), done=Sum("n", filter=Q(status__in=DONE)))
        .order_by()
    )


def leaders_behind(*, rounds: list[Round], today: date) -> dict[int, set[int]]:
    """The leaders behind in each of `rounds` (round id: leader ids), in one query."""
    paces = {r.pk: pace for r in rounds if (pace := round_pace(r, today=today)) is not None}
    found: dict[int, set[int]] = {pk: set() for pk in paces}
    if not paces:
        return found
    for row in leader_sums(RoundCount.objects.filter(round_id__in=list(paces))):
        if paces[row["round_id"]].is_behind(total=row["total"], done=row["done"] or 0):
            found[row["round_id"]].add(row["holder_id"])
    return found


def behind_counts(*, rounds: list[Round], today: date) -> dict[int, int]:
    """How many leaders are behind in each of `rounds` (round id: n; leaders_behind, counted
    in the database): HR's home and the list of rounds show the number only, and reading
    every leader's sums into Python to count them took 3 to 8 times as long (a round of
    2,420 leaders, 50,000 people). One query."""
    paces = {r.pk: pace for r in rounds if (pace := round_pace(r, today=today)) is not None}
    found = dict.fromkeys(paces, 0)
    if not paces or not any(pace.days for pace in paces.values()):
        return found
    sums = leader_sums(RoundCount.objects.filter(round_id__in=list(paces)))
    sql, params = sums.query.sql_with_params()
    # Pace.expected in SQL: total × gone ÷ days, rounded down (integers divide so in both
    # databases, and none is negative).
    gone = " ".join(f"WHEN {pk:d} THEN {pace.gone:d}" for pk, pace in paces.items())
    days = " ".join(f"WHEN {pk:d} THEN {pace.days:d}" for pk, pace in paces.items() if pace.days)
    with connections[sums.db].cursor() as cursor:
        cursor.execute(
            f"SELECT s.round_id, COUNT(*) FROM ({sql}) s"  # noqa: S608 - compiled SQL, integers
            f" WHERE COALESCE(s.done, 0) < s.total * (CASE s.round_id {gone} END)"
            f" / (CASE s.round_id {days} END) GROUP BY s.round_id",
            params,
        )
        found |= dict(cursor.fetchall())
    return found
