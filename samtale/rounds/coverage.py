"""Who is missing a signed conversation. The rule of the routine: every permanent employee
has a signed conversation at least every SAMTALE_CONVERSATION_INTERVAL_MONTHS months,
measured from the last one each person keeps (org migration 0005); and in an open round,
who has none there. The one definition of "missing a conversation" for the coverage page,
the round list, the leader's and HR's home, Innsikt, its exports and the API."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.org.models import Person, Unit
from samtale.rounds import selectors
from samtale.rounds.models import Participant
from samtale.tenancy import tenant_settings


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


@dataclass
class Coverage:
    interval_months: int
    warning_months: int
    overdue_before: date  # last signed before this: overdue
    close_before: date  # last signed before this (and not overdue): close to it


def coverage_limits(*, today: date) -> Coverage:
    interval = tenant_settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS
    warning = settings.SAMTALE_CONVERSATION_WARNING_MONTHS
    return Coverage(
        interval,
        warning,
        overdue_before=add_months(today, -interval),
        close_before=add_months(today, -(interval - warning)),
    )


def with_last_signed(people: QuerySet[Person]) -> QuerySet[Person]:
    """Active permanent employees, with when their last annual conversation was signed (which
    each person keeps: org migration 0005)."""
    return people.filter(is_active=True, employment_type=Person.EmploymentType.PERMANENT).annotate(
        last_signed=F("last_signed_at")
    )


def _coverage_times(limits: Coverage) -> tuple[datetime, datetime]:
    """The moments a last signature must be after: not to be overdue, not to be close."""
    return (
        timezone.make_aware(datetime.combine(limits.overdue_before, datetime.min.time())),
        timezone.make_aware(datetime.combine(limits.close_before, datetime.min.time())),
    )


def coverage_q(limits: Coverage) -> tuple[Q, Q]:
    """(overdue, close), over with_last_signed(people): measured from the last signed
    conversation, or for someone who has never had one, from their start date. `overdue` is
    the one definition of a person missing a conversation, for the coverage page, the round
    list, Innsikt, its exports and the API."""
    overdue_at, close_at = _coverage_times(limits)
    never = Q(last_signed__isnull=True)
    overdue = Q(last_signed__lt=overdue_at) | (
        never & (Q(start_date__isnull=True) | Q(start_date__lt=limits.overdue_before))
    )
    close = ~overdue & (
        Q(last_signed__lt=close_at) | (never & Q(start_date__lt=limits.close_before))
    )
    return overdue, close


def missing(*, people: QuerySet[Person], today: date) -> QuerySet[Person]:
    """The people missing a conversation (coverage_q), as the coverage page, Innsikt and
    HR's home count them."""
    overdue, _close = coverage_q(coverage_limits(today=today))
    return with_last_signed(people).filter(overdue)


def with_missing(
    reports: QuerySet[Person], *, conversations: QuerySet[Conversation], holder: Person, today: date
) -> QuerySet[Person]:
    """A leader's reports, each with `lacking` (missing a conversation, coverage_q, with none
    planned either among `conversations`: whom to plan one for) and `round_missing` (held by
    this leader in an open round, and without a conversation there: the round's "No
    conversation"), in the one query that lists them."""
    overdue, _close = coverage_q(coverage_limits(today=today))
    planned = conversations.filter(
        ~Q(status__literal_in=Conversation.CLOSED), employee=OuterRef("pk")
    )
    in_round = selectors.counted(
        Participant.objects.filter(
            round__closed_at__isnull=True, holder=holder, person=OuterRef("pk")
        )
    ).filter(selectors.STATES["missing"])
    permanent = Q(is_active=True, employment_type=Person.EmploymentType.PERMANENT)
    # The conversation that is on (the soonest open one, one without a time last): where the
    # leader's list of their employees links to.
    current = planned.order_by(F("scheduled_at").asc(nulls_last=True), "pk")
    return reports.alias(last_signed=F("last_signed_at")).annotate(
        lacking=ExpressionWrapper(
            permanent & overdue & ~Exists(planned), output_field=BooleanField()
        ),
        round_missing=Exists(in_round),
        current_pk=Subquery(current.values("pk")[:1]),
        current_at=Subquery(current.values("scheduled_at")[:1]),
        current_status=Subquery(current.values("status")[:1]),
    )


def units_with_coverage(*, people: QuerySet[Person], today: date) -> list[dict[str, Any]]:
    """The units the people belong to, by name, each with its active people (`headcount`)
    and how many of them miss a conversation (`missing`, coverage_q): one query, for the few
    hundred people below a leader's leader (the whole organization: coverage_by_unit)."""
    overdue, _close = coverage_q(coverage_limits(today=today))
    permanent = Q(employment_type=Person.EmploymentType.PERMANENT)
    return list(
        dict(row)
        for row in people.filter(is_active=True, unit__isnull=False)
        .alias(last_signed=F("last_signed_at"))
        .values("unit_id", "unit__name")
        .annotate(headcount=Count("pk"), missing=Count("pk", filter=permanent & overdue))
        .order_by("unit__name")
    )


def coverage_by_unit(*, people: QuerySet[Person], limits: Coverage) -> list[dict]:
    """Per unit: permanent employees, how many are overdue and how many close to it
    (coverage_q's rules), by unit name. Three queries: the employees per unit, from an
    index alone; the overdue and the close per unit, counted over just those (each person
    keeps when their last annual conversation was signed, and an index finds the old and
    the missing ones); then the units' names. (Both counted in one pass over everyone, the
    two conditions on each of 50,000 people took five times as long as the count.)"""
    overdue, close = coverage_q(limits)
    employees = with_last_signed(people)
    rows = [
        {"unit_id": unit_id, "total": total, "overdue": 0, "close": 0}
        # COUNT(*): the index holds each row's unit, not its id.
        for unit_id, total in employees.values_list("unit_id").annotate(n=Count("*")).order_by()
    ]
    due = (
        employees.filter(overdue | close)
        .values("unit_id")
        .annotate(overdue=Count("pk", filter=overdue), close=Count("pk", filter=close))
        .order_by()
    )
    by_unit = {row["unit_id"]: row for row in rows}
    for counted in due:
        by_unit[counted["unit_id"]].update(counted)
    names = dict(
        Unit.objects.filter(pk__in=[r["unit_id"] for r in rows if r["unit_id"]]).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["unit__name"] = names.get(row["unit_id"])
    return sorted(
        rows, key=lambda r: (r["unit__name"] is None, r["unit__name"] or "", r["unit_id"] or 0)
    )


def coverage_people(
    *, people: QuerySet[Person], limits: Coverage, unit_id: int | None = None, which: str = ""
) -> QuerySet[Person]:
    """The people overdue or close to it (or one of the two), longest overdue first."""
    overdue, close = coverage_q(limits)
    qs = with_last_signed(people).select_related("unit", "manager")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    wanted = {"overdue": overdue, "close": close}.get(which, overdue | close)
    return qs.filter(wanted).order_by(
        F("last_signed").asc(nulls_first=True),
        F("start_date").asc(nulls_first=True),
        "last_name",
        "first_name",
        "pk",
    )


def coverage_status(person: Any, limits: Coverage) -> str:  # a Person with last_signed
    signed = timezone.localdate(person.last_signed) if person.last_signed else None
    reference = signed or person.start_date
    if reference is None or reference < limits.overdue_before:
        return "overdue"
    if reference < limits.close_before:
        return "close"
    return "ok"


def due_date(person: Any, limits: Coverage) -> date | None:  # a Person with last_signed
    """When the person's next conversation is due: the interval after the last signed one,
    or for someone who never had one, after their start date while that is still ahead (a
    new employee). None for someone who never had one and is overdue already: a date made
    of an old start date ("01.01.2000") would be invented, so the page says "now"."""
    signed = timezone.localdate(person.last_signed) if person.last_signed else None
    reference = signed or person.start_date
    if reference is None or (signed is None and reference < limits.overdue_before):
        return None
    return add_months(reference, limits.interval_months)
