"""Reads for the follow-up: what is in progress, what remains, what is overdue.

An action is followed up once its conversation is signed. It is overdue when it
is still open and its deadline was before today in Europe/Oslo: an action due
today is not overdue. Selectors narrow querysets the access policy has filtered.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.conversations.models import Conversation
from samtale.core.paginator import Paginator
from samtale.org.models import Person

OPEN = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
CLOSED = (Action.Status.DONE, Action.Status.DROPPED)
# Mine tiltak lists this many of the done and dropped actions, the latest first.
CLOSED_SHOWN = 50


def today() -> date:
    return timezone.localdate()


def is_overdue(action: Action, on: date | None = None) -> bool:
    return (
        action.status in OPEN and action.deadline is not None and action.deadline < (on or today())
    )


def agreed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions of signed conversations: the ones that are followed up."""
    return actions.filter(followed=True)


def overdue_q(on: date) -> Q:
    return Q(status__literal_in=OPEN, deadline__lt=on)


@dataclass(frozen=True)
class Filters:
    status: str = "open"  # open, in_progress, not_started, overdue, done, dropped, closed, all
    responsible: str = ""  # employee, leader, both or "" for all
    deadline: str = ""  # overdue, 30, 90, none or "" for all

    def q(self, on: date) -> Q:
        """The filters as one condition, so a query is built with one filter() call."""
        q = Q()
        if self.status == "open":
            q &= Q(status__literal_in=OPEN)
        elif self.status == "overdue":
            q &= overdue_q(on)
        elif self.status == "closed":
            q &= Q(status__in=CLOSED)
        elif self.status in Action.Status.values:
            q &= Q(status=self.status)
        if self.responsible in Action.Responsible.values:
            q &= Q(responsible=self.responsible)
        if self.deadline == "overdue":
            q &= Q(deadline__lt=on)
        elif self.deadline in ("30", "90"):
            q &= Q(deadline__gte=on, deadline__lte=on + timedelta(days=int(self.deadline)))
        elif self.deadline == "none":
            q &= Q(deadline__isnull=True)
        return q

    def apply(self, actions: QuerySet[Action], on: date) -> QuerySet[Action]:
        return actions.filter(self.q(on))


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
    return tuple(
        reverse(name, args=[0]).replace("/0/", "/{pk}/")
        for name in ("person_detail", "follow_up_person")
    )


@dataclass(slots=True)
class ReportRow:
    person: Report
    in_progress: int = 0
    remaining: int = 0
    overdue: int = 0
    nearest_deadline: date | None = None
    last_conversation: object = None  # an aware datetime

    @property
    def attention(self) -> tuple:
        """Overdue first, then the nearest deadline, then open work, then name."""
        return (
            -self.overdue,
            self.nearest_deadline or date.max,
            -(self.in_progress + self.remaining),
            self.person.last_name,
            self.person.first_name,
        )


# The overview in one statement. It is the page a leader opens most, over a table of
# a million actions. One pass over the leader's open agreed actions (from the covering
# index) gives, per employee, the counts the filters let through; the people are those
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
           COUNT(*) FILTER (WHERE status = 'in_progress' AND {filters}) AS in_progress,
           COUNT(*) FILTER (WHERE status = 'not_started' AND {filters}) AS remaining,
           COUNT(*) FILTER (WHERE deadline < %(on)s AND {filters}) AS overdue,
           MIN(deadline) FILTER (WHERE {filters}) AS nearest
    FROM {action}
    WHERE leader_id = (SELECT %(leader)s) AND followed = %(true)s
      AND status IN ('not_started', 'in_progress')
    GROUP BY employee_id
), r AS (
    SELECT p.id, p.first_name, p.last_name, p.job_title, p.is_active,
           a.in_progress, a.remaining, a.overdue, a.nearest
    FROM a JOIN {person} p ON p.id = a.employee_id
    UNION ALL
    SELECT p.id, p.first_name, p.last_name, p.job_title, p.is_active, 0, 0, 0, NULL
    FROM {person} p
    WHERE p.manager_id = (SELECT %(leader)s) AND p.id NOT IN (SELECT employee_id FROM a)
)
SELECT id, first_name, last_name, job_title, in_progress, remaining, overdue, nearest,
       (SELECT MAX(c.held_at) FROM {conversation} c
        WHERE c.leader_id = (SELECT %(leader)s) AND c.employee_id = r.id
          AND c.held_at IS NOT NULL)
FROM r
WHERE is_active = %(true)s AND id <> (SELECT %(leader)s)
"""


def _filters_sql(filters: Filters, on: date) -> tuple[str, dict]:
    """The overview's filters as one SQL condition on the counted actions (values as
    parameters). It narrows what is counted, not who is listed."""
    parts, params = [], {}
    if filters.status == "overdue":
        parts.append("deadline < (SELECT %(on)s)")
    elif filters.status in OPEN:
        parts.append("status = (SELECT %(status)s)")
        params["status"] = filters.status
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


def leader_overview(*, leader_id: int, filters: Filters, on: date) -> list[ReportRow]:
    """Per report: in progress, remaining, overdue, nearest deadline and the last conversation,
    those who need attention first. One query, however many reports and actions there are.

    `leader_id` comes from policy.follow_up_leader(user), which checks the user may see it.
    """
    condition, params = _filters_sql(filters, on)
    sql = OVERVIEW_SQL.format(
        person=Person._meta.db_table,
        action=Action._meta.db_table,
        conversation=Conversation._meta.db_table,
        filters=condition,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"on": on, "leader": leader_id, "true": True, **params})
        rows = [
            ReportRow(
                person=Report(pk, first, last, title),
                in_progress=in_progress,
                remaining=remaining,
                overdue=overdue,
                nearest_deadline=_as_date(nearest),
                last_conversation=_as_datetime(last_held),
            )
            for pk, first, last, title, in_progress, remaining, overdue, nearest, last_held in cursor.fetchall()
        ]
    return sorted(rows, key=lambda r: r.attention)


def actions_listed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions with what a list shows: the goal, the conversation's people, the last update."""
    return (
        actions.select_related("goal__conversation__employee", "goal__conversation__leader")
        .annotate(last_update=Max("updates__at"))
        .order_by("deadline", "pk")
    )


def goal_with_actions(goal: Goal) -> Goal:
    """A goal with its actions in their order, as the previous conversation's agenda shows it."""
    prefetch_related_objects(
        [goal], Prefetch("actions", queryset=Action.objects.order_by("order", "pk"))
    )
    return goal


def action_with_history(actions: QuerySet[Action], pk) -> Action:
    return (
        actions.select_related("goal__conversation__employee", "goal__conversation__leader")
        .prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.select_related("actor"))
        )
        .get(pk=pk)
    )


@dataclass
class PersonActions:
    mine: list[Action] = field(default_factory=list)
    promised: list[Action] = field(default_factory=list)
    my_promises: list[Action] = field(default_factory=list)
    # Done and dropped, of the same three kinds: the latest CLOSED_SHOWN, and how many in all.
    closed: list[Action] = field(default_factory=list)
    closed_count: int = 0


def closed_listed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Done and dropped actions with what a list shows, the most recently changed first."""
    return actions_listed(actions.filter(status__in=CLOSED)).order_by("-updated_at", "-pk")


def person_actions(*, person: Person, actions: QuerySet[Action]) -> PersonActions:
    """My open actions by deadline: mine (alone or with my leader), what my leader promised
    me, and — for a leader — what I promised my employees; then those of them that are done
    or dropped, the latest first. Three queries, however many there are."""
    # Mine as the employee, and what I promised as the leader (not my employees' own).
    theirs_or_promised = Q(employee=person) | Q(
        leader=person, responsible__in=(Action.Responsible.LEADER, Action.Responsible.BOTH)
    )
    listed = list(
        actions_listed(actions.filter(status__literal_in=OPEN).filter(theirs_or_promised))
    )
    result = PersonActions()
    closed = closed_listed(actions.filter(theirs_or_promised))
    result.closed_count = closed.count()
    if result.closed_count:
        result.closed = list(closed[:CLOSED_SHOWN])
    for a in listed:
        if a.employee_id == person.pk:
            if a.responsible in (Action.Responsible.EMPLOYEE, Action.Responsible.BOTH):
                result.mine.append(a)
            else:
                result.promised.append(a)
        else:
            result.my_promises.append(a)
    return result


def overdue_count(*, actions: QuerySet[Action], person: Person, on: date) -> int:
    """How many agreed actions the person is responsible for are past their deadline: theirs
    as the employee (alone or with the leader) and what they promised as the leader."""
    theirs = Q(
        employee=person, responsible__in=(Action.Responsible.EMPLOYEE, Action.Responsible.BOTH)
    )
    promised = Q(
        leader=person, responsible__in=(Action.Responsible.LEADER, Action.Responsible.BOTH)
    )
    return agreed(actions).filter(theirs | promised).filter(overdue_q(on)).count()


def counts_by_leader(
    *, actions: QuerySet[Action], leaders: QuerySet[Person], on: date
) -> list[dict]:
    """Open and overdue agreed actions per leader below: numbers only, for a leader's leader."""
    leaders = list(leaders.order_by("last_name", "first_name"))
    counts = {
        row["leader"]: row
        for row in agreed(actions)
        .filter(leader__in=leaders, status__literal_in=OPEN)
        .values("leader")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(on)))
    }
    return [
        {
            "leader": leader,
            "open": counts.get(leader.pk, {}).get("open", 0),
            "overdue": counts.get(leader.pk, {}).get("overdue", 0),
        }
        for leader in leaders
    ]


# What HR may see of a conversation or an action a pitfall counts: who, with whom, when
# and the status, read as values so no text of theirs is ever loaded.
_PARTIES = (
    "employee__first_name",
    "employee__last_name",
    "employee__unit__name",
    "leader__first_name",
    "leader__last_name",
)


def conversation_facts(conversations: QuerySet[Conversation]) -> QuerySet[dict]:
    """The people, time and status of each conversation, never its content; the earliest
    first (an index order: the list may hold a whole organization's)."""
    return conversations.order_by("scheduled_at", "pk").values(
        "pk", "status", "scheduled_at", "held_at", "postponed_count", *_PARTIES
    )


def action_facts(actions: QuerySet[Action]) -> QuerySet[dict]:
    """The people, deadline, status and last change of each action, never its text; the
    earliest deadline first (an index order: the list may hold a whole organization's)."""
    return actions.order_by("deadline", "pk").values(
        "pk", "status", "deadline", "responsible", "updated_at", *_PARTIES
    )


def facts_page(items: QuerySet, facts, page_number, per_page: int):
    """One page of `facts(items)` for a list that may hold a whole organization's: the
    page's ids are found from the one table, in the facts' order, then only they are joined
    to the people. Three queries (count, ids, facts) at any size and on any page."""
    order = facts(items).query.order_by
    page = Paginator(items.order_by(*order).values_list("pk", flat=True), per_page).get_page(
        page_number
    )
    page.object_list = list(facts(items.model.objects.filter(pk__in=list(page.object_list))))
    return page
