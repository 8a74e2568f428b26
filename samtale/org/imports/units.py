"""Units from an HR export, matched by unit code: the whole tree, or units to add and update.

For a full list, units missing from the file are deactivated (never deleted), which is
refused while they still have active people: move the people first.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.org.imports.common import (
    BasePlan,
    Column,
    Mapped,
    Problems,
    find_cycles,
    map_columns,
    text,
)
from samtale.org.imports.reader import Table
from samtale.org.models import Unit

COLUMNS = (
    Column("code", "Enhetskode", ("enhet", "enhetsnr", "kode", "unit code", "code"), True),
    Column("name", "Enhetsnavn", ("navn", "name", "unit name"), True),
    Column("kind", "Nivå", ("niva", "enhetstype", "type", "level", "kind"), True),
    Column(
        "parent_code",
        "Overordnet enhetskode",
        ("overordnet", "overordnet enhet", "parent", "parent code"),
    ),
)

KINDS = {
    "virksomhet": Unit.Kind.ENTERPRISE,
    "enterprise": Unit.Kind.ENTERPRISE,
    "avdeling": Unit.Kind.DEPARTMENT,
    "department": Unit.Kind.DEPARTMENT,
    "team": Unit.Kind.TEAM,
    "gruppe": Unit.Kind.TEAM,
}


@dataclass
class Plan(BasePlan):
    # unit code -> code of its parent (or None)
    parents: dict[str, str | None] = field(default_factory=dict)


def plan(table: Table, *, full: bool = True) -> Plan:
    """Check every row and work out what applying the file would change. `full`: the file
    is every unit, and the units missing from it are deactivated."""
    problems = Problems()
    mapped = map_columns(table, COLUMNS, problems)
    result = Plan(problems=problems, ignored_columns=mapped.ignored, rows=len(mapped.rows))
    if problems:
        return result
    records, row_of = _read(mapped, result)
    _check_tree(records, row_of, mapped.headers, result)
    existing: dict[str, dict[str, Any]] = {
        u["code"]: dict(u)
        for u in Unit.objects.annotate(
            active_people=Count("people", filter=Q(people__is_active=True))
        ).values("pk", "code", "name", "kind", "is_active", "parent__code", "active_people")
    }
    for code, record in records.items():
        current = existing.get(code)
        if current is None:
            result.create[code] = record
            continue
        changed = any(current[k] != v for k, v in record.items())
        if changed or current["parent__code"] != result.parents[code]:
            result.update[code] = record | {"pk": current["pk"]}
        else:
            result.unchanged += 1
    if full:
        _deactivate_missing(existing, records, mapped.headers, result)
    return result


def _read(mapped: Mapped, result: Plan) -> tuple[dict[str, dict], dict[str, int]]:
    """Each row's cells checked: what it sets by unit code, and the row of each code.
    A row without a code, or with one already read, is nobody's."""
    h, problems = mapped.headers, result.problems
    records: dict[str, dict] = {}
    row_of: dict[str, int] = {}
    for number, raw in mapped.rows:
        code = text(raw.get("code"))
        if not code:
            problems.add(number, h["code"], _("The unit code is missing."))
            continue
        if len(code) > 40:
            problems.add(number, h["code"], _("At most 40 characters."))
            continue
        if code in row_of:
            problems.add(
                number,
                h["code"],
                _("The unit code is also on row %(row)d.") % {"row": row_of[code]},
            )
            continue
        row_of[code] = number
        name = text(raw.get("name"))
        if not name:
            problems.add(number, h["name"], _("This field is required."))
        kind_text = text(raw.get("kind")).lower()
        kind = KINDS.get(kind_text)
        if kind is None:
            problems.add(
                number,
                h["kind"],
                _("“%(value)s” is not a level. Write “virksomhet”, “avdeling” or “team”.")
                % {"value": kind_text}
                if kind_text
                else _("The level is missing. Write “virksomhet”, “avdeling” or “team”."),
            )
        parent = text(raw.get("parent_code")) or None
        if parent == code:
            problems.add(number, h["parent_code"], _("A unit cannot be its own parent."))
            parent = None
        result.parents[code] = parent
        records[code] = {"name": name[:200], "kind": kind, "is_active": True}
    return records, row_of


def _check_tree(
    records: dict[str, dict], row_of: dict[str, int], h: dict[str, str], result: Plan
) -> None:
    """Every parent is in the file and a level above its unit; only enterprises at the
    top; no circles."""
    problems = result.problems
    for code, parent in result.parents.items():
        record = records[code]
        if parent is None:
            if record["kind"] not in (None, Unit.Kind.ENTERPRISE):
                problems.add(
                    row_of[code],
                    h["parent_code"],
                    _("Only an enterprise can be at the top; name the parent unit."),
                )
        elif parent not in records:
            problems.add(
                row_of[code],
                h["parent_code"],
                _("No unit in the file has the code “%(code)s”.") % {"code": parent},
            )
        elif (
            record["kind"]
            and records[parent]["kind"]
            and Unit.LEVELS[record["kind"]] <= Unit.LEVELS[records[parent]["kind"]]
        ):
            problems.add(
                row_of[code],
                h["kind"],
                _("A %(kind)s cannot lie under a %(parent_kind)s.")
                % {
                    "kind": Unit.Kind(record["kind"]).label.lower(),
                    "parent_kind": Unit.Kind(records[parent]["kind"]).label.lower(),
                },
            )
    cycles = find_cycles({k: v for k, v in result.parents.items() if v})
    for code in sorted(cycles, key=lambda code: row_of[code]):
        problems.add(row_of[code], h["parent_code"], _("The parent units go in a circle."))


def _deactivate_missing(
    existing: dict[str, dict], records: dict[str, dict], h: dict[str, str], result: Plan
) -> None:
    """The active units a full list leaves out are deactivated: a problem while they still
    have active people."""
    for code, current in existing.items():
        if code in records or not current["is_active"]:
            continue
        if current["active_people"]:
            result.problems.add(
                1,
                h["code"],
                _(
                    "The unit “%(name)s” (%(code)s) is not in the file but still has %(count)d "
                    "active people. Keep it in the file, or move the people first."
                )
                % {"name": current["name"], "code": code, "count": current["active_people"]},
            )
        result.deactivate.append(current["pk"])
        result.deactivate_names.append(f"{current['name']} ({code})")


def apply(result: Plan) -> None:
    """Write the plan. The caller holds the transaction: all of it or none of it."""
    now = timezone.now()
    Unit.objects.bulk_create(
        [Unit(code=code, **record) for code, record in result.create.items()], batch_size=1000
    )
    ids = dict(Unit.objects.values_list("code", "pk"))
    changed = []
    for code, record in result.update.items():
        unit = Unit(pk=record["pk"], code=code, updated_at=now)
        for key in ("name", "kind", "is_active"):
            setattr(unit, key, record[key])
        changed.append(unit)
    Unit.objects.bulk_update(changed, ["name", "kind", "is_active", "updated_at"], batch_size=1000)
    touched = set(result.create) | set(result.update)
    Unit.objects.bulk_update(
        [
            Unit(pk=ids[code], parent_id=ids[parent] if parent else None)
            for code, parent in result.parents.items()
            if code in touched
        ],
        ["parent_id"],
        batch_size=1000,
    )
    if result.deactivate:
        Unit.objects.filter(pk__in=result.deactivate).update(is_active=False, updated_at=now)
