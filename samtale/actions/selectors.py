"""Reads for the follow-up: what is in progress, what remains, what is overdue.

An action is followed up once its conversation is signed. It is overdue when it
is still open and its deadline was before today in Europe/Oslo: an action due
today is not overdue. Selectors narrow querysets the access policy has filtered.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.utils import timezone

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.conversations.models import Conversation, held_or_planned_at_sql
from samtale.core.paginator import Paginator
from samtale.org.models import Person

OPEN = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS)
CLOSED = (Action.Status.DONE, Action.Status.DROPPED)
# Mine tiltak lists this many of the done and dropped actions, the latest first.
CLOSED_SHOWN = 50
CLOSED_FIELDS = ("text", "responsible", "deadline", "status", "updated_at")
# What a leader promised their employees, on My actions (the follow-up page lists them all).
PROMISES_SHOWN = 20


def today() -> date:
    return timezone.localdate()


def is_overdue(action: Action, on: date | None = None) -> bool:
    return (
        action.status in OPEN and action.deadline is not None and action.deadline < (on or today())
    )


# Who answers for an action on each side: the employee's own (alone or with the leader), and
# what the leader promised (alone or with the employee).
EMPLOYEE_ANSWERS = (Action.Responsible.EMPLOYEE, Action.Responsible.BOTH)
LEADER_ANSWERS = (Action.Responsible.LEADER, Action.Responsible.BOTH)
# The reminded actions the home page lists, the latest reminder first.
REMINDED_SHOWN = 5


def agreed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions of signed conversations: the ones that are followed up."""
    return actions.filter(followed=True)


def carried_on_to(action: Action) -> Action | None:
    """The action that continues this one in a later, signed conversation, if any: where it
    is followed up now (actions.services.action_carry_over)."""
    return (
        Action.objects.filter(carried_from=action, followed=True)
        .select_related("goal__conversation")
        .first()
    )


def overdue_q(on: date) -> Q:
    """The one definition of an overdue action, for every page, digest, export and the API:
    open, and past its deadline."""
    return Q(status__literal_in=OPEN, deadline__lt=on)


def overdue_by_unit(*, actions: QuerySet[Action], on: date) -> dict[int, int]:
    """Overdue actions (overdue_q) of signed conversations, per the employee's unit id."""
    return dict(
        agreed(actions)
        .filter(overdue_q(on))
        .values_list("employee__unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def untouched_q(now: Any) -> Q:
    """The one definition of an action nobody follows up: open, and not updated for
    STALE_ACTION_DAYS (HR's pitfall, the leader's nudge and Innsikt count it alike)."""
    return Q(
        status__literal_in=OPEN, updated_at__lt=now - timedelta(days=settings.STALE_ACTION_DAYS)
    )


# Where an agreed action stands, for every count and label of the follow-up: the overview's
# cards, the leaders below, the home page, the digests, HR's pitfalls and the API's
# `overdue`. Each action is in exactly one bucket: an open action past its deadline is
# overdue, and not also in progress or not started.
OVERDUE = "overdue"
IN_PROGRESS, NOT_STARTED = Action.Status.IN_PROGRESS.value, Action.Status.NOT_STARTED.value
DONE, DROPPED = Action.Status.DONE.value, Action.Status.DROPPED.value
BUCKETS = (OVERDUE, IN_PROGRESS, NOT_STARTED, DONE, DROPPED)
# The open ones, in the order the pages show their counts.
OPEN_BUCKETS = (OVERDUE, IN_PROGRESS, NOT_STARTED)


def bucket_of(action: Action, on: date | None = None) -> str:
    """The one bucket an action is in (BUCKETS)."""
    return OVERDUE if is_overdue(action, on) else action.status


def bucket_q(bucket: str, on: date) -> Q:
    """bucket_of as a condition, to count or list a bucket in a query."""
    if bucket == OVERDUE:
        return overdue_q(on)
    if bucket in OPEN:
        return Q(status=bucket) & (Q(deadline__isnull=True) | Q(deadline__gte=on))
    return Q(status=bucket)


def bucket_counts(actions: QuerySet[Action], on: date, *, by: str | None = None) -> dict[Any, Any]:
    """How many of `actions` are in each open bucket (OPEN_BUCKETS), in one query: a dict,
    or with `by` (a field) a dict of them per value of that field."""
    counted = actions.filter(status__literal_in=OPEN)
    aggregates = {bucket: Count("pk", filter=bucket_q(bucket, on)) for bucket in OPEN_BUCKETS}
    if by is None:
        return counted.aggregate(**aggregates)
    return {row.pop(by): row for row in counted.values(by).annotate(**aggregates).order_by()}


@dataclass(frozen=True)
class Filters:
    # open, a bucket (overdue, in_progress, not_started, done, dropped), closed, all
    status: str = "open"
    responsible: str = ""  # employee, leader, both or "" for all
    deadline: str = ""  # overdue, 30, 90, none or "" for all

    def q(self, on: date) -> Q:
        """The filters as one condition, so a query is built with one filter() call."""
        q = Q()
        if self.status == "open":
            q &= Q(status__literal_in=OPEN)
        elif self.status in BUCKETS:
            q &= bucket_q(self.status, on)
        elif self.status == "closed":
            q &= Q(status__in=CLOSED)
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


def actions_listed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Actions with what a list shows: the goal, the conversation's people, the last update.

    The last update is looked up for the rows shown (a subquery), not grouped over all of
    them: grouped, a page of the latest 50 of a leader's 500 joined and grouped all 500,
    and counting them needed a query around the grouping."""
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-at").values("at")[:1]
    return (
        actions.select_related("goal__conversation__employee", "goal__conversation__leader")
        .annotate(last_update=Subquery(latest))
        .order_by("deadline", "pk")
    )


def goal_with_actions(goal: Goal) -> Goal:
    """A goal with its actions in their order, as the previous conversation's agenda shows it."""
    prefetch_related_objects(
        [goal], Prefetch("actions", queryset=Action.objects.order_by("order", "pk"))
    )
    return goal


def action_with_history(actions: QuerySet[Action], pk: Any) -> Action:
    return (
        actions.select_related(
            "goal__conversation__employee", "goal__conversation__leader", "leader"
        )
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.select_related("actor", "leader_from", "leader_to"),
            )
        )
        .get(pk=pk)
    )


@dataclass
class PersonActions:
    mine: list[Action] = field(default_factory=list)
    promised: list[Action] = field(default_factory=list)
    # What a leader promised their employees: the first PROMISES_SHOWN, and how many in all.
    my_promises: list[Action] = field(default_factory=list)
    my_promises_count: int = 0
    # Done and dropped, of the same three kinds: the latest CLOSED_SHOWN, and how many in all.
    closed: list[Action] = field(default_factory=list)
    closed_count: int = 0


def closed_listed(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Done and dropped actions with what a list shows, the most recently changed first."""
    return actions_listed(actions.filter(status__in=CLOSED)).order_by("-updated_at", "-pk")


def person_actions(*, person: Person, actions: QuerySet[Action]) -> PersonActions:
    """My open actions by deadline: mine (alone or with my leader), what my leader promised
    me, and — for a leader — the first PROMISES_SHOWN of what I promised my employees, and
    how many; then those of them that are done or dropped, the latest first. Five queries,
    however many there are: a leader of many reads a page of their promises, not all."""
    # Mine as the employee, and what I promised as the leader (not my employees' own).
    promised = Q(
        leader=person, responsible__in=(Action.Responsible.LEADER, Action.Responsible.BOTH)
    )
    open_ = actions.filter(status__literal_in=OPEN)
    result = PersonActions()
    for a in actions_listed(open_.filter(employee=person)):
        if a.responsible in EMPLOYEE_ANSWERS:
            result.mine.append(a)
        else:
            result.promised.append(a)
    # What the leader reminded me of and nobody has touched since comes first (a stable sort:
    # by deadline within each part).
    result.mine.sort(key=lambda a: not a.reminder_pending)
    my_promises = open_.filter(promised).exclude(employee=person)
    result.my_promises_count = my_promises.count()
    if result.my_promises_count:
        result.my_promises = _first_listed(my_promises, n=PROMISES_SHOWN, order=("deadline", "pk"))
    closed = actions.filter(Q(employee=person) | promised).filter(status__in=CLOSED)
    result.closed_count = closed.count()
    if result.closed_count:
        # Their table shows the action's own fields only: nothing joined.
        result.closed = list(
            closed.order_by("-updated_at", "-pk").only(*CLOSED_FIELDS)[:CLOSED_SHOWN]
        )
    return result


def reminded_actions(*, person: Person, actions: QuerySet[Action]) -> list[Action]:
    """The person's open actions that their leader reminded them of and that nobody has
    touched since (Action.reminder_pending), the latest reminder first: the home page shows
    them before anything else. The first REMINDED_SHOWN, in one query."""
    return list(
        agreed(actions)
        .filter(
            employee=person,
            status__literal_in=OPEN,
            responsible__in=EMPLOYEE_ANSWERS,
            reminded_at__isnull=False,
            reminded_at__gte=F("updated_at"),
        )
        .select_related("leader")
        .order_by("-reminded_at", "pk")[:REMINDED_SHOWN]
    )


def _first_listed(actions: QuerySet[Action], *, n: int, order: tuple[str, ...]) -> list[Action]:
    """The first n of the actions in this order, with what a list shows: picked from the
    actions alone, then joined to their goals, conversations and people. (As one query the
    planner joined all of a leader's 500 before it sorted them and kept 50.)"""
    first = actions.order_by(*order).values("pk")[:n]
    return list(actions_listed(actions.filter(pk__in=first)).order_by(*order))


def overdue_theirs(*, actions: QuerySet[Action], person: Person, on: date) -> QuerySet[Action]:
    """The agreed actions the person is responsible for that are past their deadline: theirs
    as the employee (alone or with the leader) and what they promised as the leader."""
    theirs = Q(employee=person, responsible__in=EMPLOYEE_ANSWERS)
    promised = Q(leader=person, responsible__in=LEADER_ANSWERS)
    return agreed(actions).filter(theirs | promised).filter(overdue_q(on))


def counts_by_leader(
    *, actions: QuerySet[Action], leaders: QuerySet[Person], on: date
) -> list[dict[str, Any]]:
    """Agreed open actions per leader below, by bucket (OPEN_BUCKETS, as the cards count
    them): numbers only, for a leader's leader."""
    in_order = list(leaders.order_by("last_name", "first_name"))
    counts = bucket_counts(agreed(actions).filter(leader__in=in_order), on, by="leader")
    none = dict.fromkeys(OPEN_BUCKETS, 0)
    return [{"leader": leader, **counts.get(leader.pk, none)} for leader in in_order]


# What HR may see of a conversation or an action a pitfall counts: who, with whom, when
# and the status, read as values so no text of theirs is ever loaded.
_PARTIES = (
    "employee__first_name",
    "employee__last_name",
    "employee__unit__name",
    "leader__first_name",
    "leader__last_name",
)


def conversation_facts(
    conversations: QuerySet[Conversation],
) -> QuerySet[Conversation, dict[str, Any]]:
    """The people, time and status of each conversation, never its content; the earliest
    first (an index order: the list may hold a whole organization's)."""
    facts: QuerySet[Conversation, dict[str, Any]] = conversations.order_by(
        "scheduled_at", "pk"
    ).values(
        "pk",
        "status",
        "postponed_count",
        *_PARTIES,
        held_or_planned_at=held_or_planned_at_sql(),
    )
    return facts


def action_facts(actions: QuerySet[Action]) -> QuerySet[Action, dict[str, Any]]:
    """The people, deadline, status and last change of each action, never its text; the
    earliest deadline first (an index order: the list may hold a whole organization's)."""
    facts: QuerySet[Action, dict[str, Any]] = actions.order_by("deadline", "pk").values(
        "pk", "status", "deadline", "responsible", "updated_at", *_PARTIES
    )
    return facts


def facts_page(items: QuerySet[Any], facts: Any, page_number: Any, per_page: int) -> Page[Any]:
    """One page of `facts(items)` for a list that may hold a whole organization's: the
    page's ids are found from the one table, in the facts' order, then only they are joined
    to the people. Three queries (count, ids, facts) at any size and on any page."""
    order = facts(items).query.order_by
    page = Paginator(items.order_by(*order).values_list("pk", flat=True), per_page).get_page(
        page_number
    )
    page.object_list = list(facts(items.model.objects.filter(pk__in=list(page.object_list))))
    return page


def served_goals(
    *, conversations: QuerySet[Conversation], year: int, on: date
) -> dict[int, dict[str, Any]]:
    """Per workplace goal of `year` (priorities), what the signed ones of `conversations`
    (actions.policy.served_goals_counted_for) agreed for it: how many goals serve it
    (n_goals), and their followed actions in all, done and overdue on `on` (n_actions,
    n_done, n_overdue). One statement."""
    followed = Q(actions__followed=True)
    rows = (
        Goal.objects.filter(
            serves__year=year,
            conversation__in=conversations.filter(status=Conversation.Status.SIGNED),
        )
        .values("serves_id")
        .annotate(
            n_goals=Count("pk", distinct=True),
            n_actions=Count("actions", filter=followed, distinct=True),
            n_done=Count("actions", filter=followed & Q(actions__status=DONE), distinct=True),
            n_overdue=Count(
                "actions",
                filter=followed & Q(actions__status__in=OPEN, actions__deadline__lt=on),
                distinct=True,
            ),
        )
        .order_by()
    )
    return {row["serves_id"]: dict(row) for row in rows}
