"""The leader's follow-up overview: each of their reports' actions counted by bucket in one
query (OVERVIEW_SQL, over the covering index on Action), filtered as the overview's form
chose (selectors.Filters). Over the actions the access policy lets the leader follow up."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.urls import reverse

from samtale.actions.models import Action
from samtale.actions.selectors import IN_PROGRESS, NOT_STARTED, OPEN_BUCKETS, OVERDUE, Filters
from samtale.conversations.models import Conversation
from samtale.org.models import Person


class Report(NamedTuple):
    """The person on a card: only what the card shows."""

    pk: int
    first_name: str
    last_name: str
    job_title: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self) -> str:
        return _report_paths()[0].format(pk=int(self.pk))

    @property
    def actions_url(self) -> str:
        """The report's actions in the overview (a fragment for htmx, or a page)."""
        return _report_paths()[1].format(pk=int(self.pk))


@cache
def _report_paths() -> tuple[str, str]:
    # Reversed once: the overview links twenty cards on every load.
    person, follow_up = (
        reverse(name, args=[0]).replace("/0/", "/{pk}/")
        for name in ("person_detail", "follow_up_person")
    )
    return person, follow_up


@dataclass(slots=True)
class ReportRow:
    """One report's card: their open actions by bucket (OPEN_BUCKETS: each counted once)."""

    person: Report
    overdue: int = 0
    in_progress: int = 0
    not_started: int = 0
    nearest_deadline: date | None = None
    last_conversation: object = None  # an aware datetime

    @property
    def open(self) -> int:
        return self.overdue + self.in_progress + self.not_started

    @property
    def attention(self) -> tuple:
        """Overdue first, then the nearest deadline, then open work, then name."""
        return (
            -self.overdue,
            self.nearest_deadline or date.max,
            -self.open,
            self.person.last_name,
            self.person.first_name,
        )


# The open buckets among open actions (the overview reads no others), as bucket_q has them.
BUCKET_SQL = {
    OVERDUE: "deadline < (SELECT %(on)s)",
    IN_PROGRESS: "status = 'in_progress' AND (deadline IS NULL OR deadline >= (SELECT %(on)s))",
    NOT_STARTED: "status = 'not_started' AND (deadline IS NULL OR deadline >= (SELECT %(on)s))",
}

# The overview in one statement. It is the page a leader opens most, over a table of
# a million actions. One pass over the leader's open agreed actions (from the covering
# index) gives, per employee, the counts the filters let through, by bucket (bucket_q,
# written in SQL: BUCKET_SQL; a test holds the two together); the people are those
# employees and the leader's direct reports without open actions; the last conversation is
# one index lookup per person. It reads exactly the scope that samtale.core.access defines
# for a leader's follow-up (follow_up_reports, actions_led_by); a test holds the two together.
#
# Every value compared with a column is written `(SELECT %(value)s)`. PostgreSQL then
# cannot tailor a plan to one leader, so after its first few executions it keeps one
# generic plan for all leaders instead of planning anew on every load; planning took
# longer than running the query. The plan is the same: the indexes on leader_id.
OVERVIEW_SQL = """
WITH a AS (
    SELECT employee_id,
           COUNT(*) FILTER (WHERE {overdue} AND {filters}) AS overdue,
           COUNT(*) FILTER (WHERE {in_progress} AND {filters}) AS in_progress,
           COUNT(*) FILTER (WHERE {not_started} AND {filters}) AS not_started,
           MIN(deadline) FILTER (WHERE {filters}) AS nearest
    FROM {action}
    WHERE leader_id = (SELECT %(leader)s) AND followed = %(true)s
      AND status IN ('not_started', 'in_progress')
      {employee}
    GROUP BY employee_id
), r AS (
    SELECT p.id, p.first_name, p.last_name, p.job_title, p.is_active,
           a.overdue, a.in_progress, a.not_started, a.nearest
    FROM a JOIN {person} p ON p.id = a.employee_id
    UNION ALL
    SELECT p.id, p.first_name, p.last_name, p.job_title, p.is_active, 0, 0, 0, NULL
    FROM {person} p
    WHERE {people} AND p.id NOT IN (SELECT employee_id FROM a)
)
SELECT id, first_name, last_name, job_title, overdue, in_progress, not_started, nearest,
       (SELECT MAX(c.held_at) FROM {conversation} c
        WHERE c.leader_id = (SELECT %(leader)s) AND c.employee_id = r.id
          AND c.held_at IS NOT NULL)
FROM r
WHERE is_active = %(true)s AND id <> (SELECT %(leader)s)
"""


def _filters_sql(filters: Filters, on: date) -> tuple[str, dict]:
    """The overview's filters as one SQL condition on the counted actions (values as
    parameters). It narrows what is counted, not who is listed."""
    parts: list[str] = []
    params: dict[str, object] = {}
    if filters.status in OPEN_BUCKETS:
        parts.append(f"({BUCKET_SQL[filters.status]})")
    if filters.responsible in Action.Responsible.values:
        parts.append("responsible = (SELECT %(responsible)s)")
        params["responsible"] = filters.responsible
    if filters.deadline == "overdue":
        parts.append("deadline < (SELECT %(on)s)")
    elif filters.deadline in ("30", "90"):
        parts.append("deadline >= (SELECT %(on)s) AND deadline <= (SELECT %(until)s)")
        params["until"] = on + timedelta(days=int(filters.deadline))
    elif filters.deadline == "none":
        parts.append("deadline IS NULL")
    return " AND ".join(parts) or "TRUE", params


def _as_date(value) -> date | None:
    # SQLite hands aggregates back as text; PostgreSQL as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_datetime(value):
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def leader_overview(
    *, leader_id: int, filters: Filters, on: date, employee_id: int | None = None
) -> list[ReportRow]:
    """Per report: overdue, in progress, not started (OPEN_BUCKETS), nearest deadline and the
    last conversation, those who need attention first. One query, however many reports and
    actions there are. With `employee_id`, that one person's card alone, whoever their
    manager is (report_row).

    `leader_id` comes from policy.follow_up_leader(user), which checks the user may see it.
    """
    condition, params = _filters_sql(filters, on)
    params |= {"on": on, "leader": leader_id, "true": True}
    one = {"employee": "", "people": "p.manager_id = (SELECT %(leader)s)"}
    if employee_id is not None:
        params["employee"] = employee_id
        one = {
            "employee": "AND employee_id = (SELECT %(employee)s)",
            "people": "p.id = (SELECT %(employee)s)",
        }
    sql = OVERVIEW_SQL.format(
        person=Person._meta.db_table,
        action=Action._meta.db_table,
        conversation=Conversation._meta.db_table,
        filters=condition,
        **one,
        **BUCKET_SQL,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [
            ReportRow(
                person=Report(pk, first, last, title),
                overdue=overdue,
                in_progress=in_progress,
                not_started=not_started,
                nearest_deadline=_as_date(nearest),
                last_conversation=_as_datetime(last_held),
            )
            for pk, first, last, title, overdue, in_progress, not_started, nearest, last_held in cursor.fetchall()
        ]
    return sorted(rows, key=lambda r: r.attention)


def report_row(*, leader_id: int, employee_id: int, filters: Filters, on: date) -> ReportRow | None:
    """One person's card of the leader's overview, as leader_overview counts it (None for
    someone who left, or the leader themselves)."""
    rows = leader_overview(leader_id=leader_id, filters=filters, on=on, employee_id=employee_id)
    return rows[0] if rows else None
