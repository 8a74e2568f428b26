"""Writing the workplace's priority goals: each change asks the policy, keeps the goals of a
unit and year in order, and is audited."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Unit
from samtale.priorities import policy
from samtale.priorities.models import Priority

FIELDS = ("kind", "title", "description", "parent")


def years_open() -> range:
    """The years whose goals may be written: last year (to mend it), this and next."""
    this = timezone.localdate().year
    return range(this - 1, this + 2)


def _check(*, year: int, unit: Unit | None, kind: str, title: str, parent: Priority | None) -> None:
    if year not in years_open():
        raise DomainError(_("Goals are written for last year, this year or next."), field="year")
    if kind not in Priority.Kind.values:
        raise DomainError(_("Choose goal or focus area."), field="kind")
    if not title.strip():
        raise DomainError(_("Write the goal."), field="title")
    if len(title) > 200:
        raise DomainError(_("Write the goal in at most 200 characters."), field="title")
    if parent is not None and (parent.unit_id is not None or parent.year != year):
        raise DomainError(
            _("Choose one of the organization's goals for the same year."), field="parent"
        )
    if unit is None and parent is not None:
        raise DomainError(_("The organization's own goals serve no other goal."), field="parent")


@transaction.atomic
def priority_add(
    *,
    actor: Any,
    year: int,
    unit: Unit | None,
    title: str,
    kind: str = Priority.Kind.GOAL,
    description: str = "",
    parent: Priority | None = None,
) -> Priority:
    require(policy.may_write_unit(actor, unit))
    _check(year=year, unit=unit, kind=kind, title=title, parent=parent)
    last = Priority.objects.filter(unit=unit, year=year).aggregate(last=Max("order"))["last"]
    priority = Priority.objects.create(
        year=year,
        unit=unit,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        parent=parent,
        order=(last or 0) + 1,
        created_by=actor,
    )
    audit_log(actor=actor, action="priority.add", obj=priority, year=year)
    return priority


@transaction.atomic
def priority_update(*, actor: Any, priority: Priority, **fields: Any) -> Priority:
    require(policy.may_write_unit(actor, priority.unit))
    values = {name: fields.get(name, getattr(priority, name)) for name in FIELDS}
    _check(
        year=priority.year,
        unit=priority.unit,
        kind=values["kind"],
        title=values["title"],
        parent=values["parent"],
    )
    changed = [name for name, value in values.items() if getattr(priority, name) != value]
    if not changed:
        return priority
    for name in changed:
        value = values[name]
        setattr(priority, name, value.strip() if isinstance(value, str) else value)
    priority.save()
    audit_log(actor=actor, action="priority.update", obj=priority, fields=sorted(changed))
    return priority


@transaction.atomic
def priority_delete(*, actor: Any, priority: Priority) -> None:
    require(policy.may_write_unit(actor, priority.unit))
    audit_log(actor=actor, action="priority.delete", obj=priority, year=priority.year)
    priority.delete()


@transaction.atomic
def priorities_copy(*, actor: Any, unit: Unit | None, year: int) -> list[Priority]:
    """Last year's goals of the unit as this year's, for a leader to adjust: only into a
    year that has none yet. A goal that served an organization's goal serves the one of the
    same title this year, if there is one."""
    require(policy.may_write_unit(actor, unit))
    if Priority.objects.filter(unit=unit, year=year).exists():
        raise DomainError(_("This year already has goals: change them instead."))
    earlier = list(Priority.objects.filter(unit=unit, year=year - 1).select_related("parent"))
    if not earlier:
        raise DomainError(_("There are no goals from last year to copy."))
    parents = {
        p.title: p for p in Priority.objects.filter(unit__isnull=True, year=year).order_by("order")
    }
    copies = [
        priority_add(
            actor=actor,
            year=year,
            unit=unit,
            kind=p.kind,
            title=p.title,
            description=p.description,
            parent=parents.get(p.parent.title) if p.parent else None,
        )
        for p in earlier
    ]
    return copies
