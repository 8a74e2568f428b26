"""Undoing an import: for UNDO_DAYS after it was applied, what it changed can be put back.

Before the import writes, `snapshot` reads the fields it may change of everyone (or every
unit) it touches; after, `record` keeps, for each of them, the fields that changed with
their values before and after, and which ones it created. `restore` puts back a field only
where it still has the value the import gave it: a change made by hand since wins, and is
counted as kept. The people (or units) the import created are deactivated, never deleted:
they may have conversations by now.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from samtale.org.imports import people
from samtale.org.models import Person, Unit

UNDO_DAYS = 30

# What an import may change, by kind: the model (Person or Unit) and the fields compared
# before and after.
TRACKED: dict[str, tuple[Any, tuple[str, ...]]] = {
    # The fields the file sets, and what follows from it (the line manager, whether one is
    # active and since when, the national identity number where the archive is keyed by it).
    "people": (
        Person,
        (*people.FIELDS, "manager_id", "national_id", "is_active", "deactivated_at"),
    ),
    "units": (Unit, ("name", "kind", "parent_id", "is_active")),
}
# Fields no two may share: put back only where nobody else has the value now.
UNIQUE = ("email", "national_id")


def undo_until(applied_at: datetime) -> datetime:
    return applied_at + timedelta(days=UNDO_DAYS)


def snapshot(kind: str, pks) -> dict[int, dict]:
    model, fields = TRACKED[kind]
    return {row["pk"]: row for row in model.objects.filter(pk__in=list(pks)).values("pk", *fields)}


def record(kind: str, before: dict[int, dict], created_keys) -> dict:
    """What the import changed, to keep on the batch (JSON): before and after of each field
    that changed, and the pks of what it created (found by employee number or unit code)."""
    model, _fields = TRACKED[kind]
    after = snapshot(kind, before)
    changed = {}
    for pk, old in before.items():
        new = after.get(pk, {})
        diff = {k: [old[k], new.get(k)] for k in old if k != "pk" and old[k] != new.get(k)}
        if diff:
            changed[str(pk)] = diff
    key = "employee_number" if kind == "people" else "code"
    created = list(
        model.objects.filter(**{f"{key}__in": list(created_keys)}).values_list("pk", flat=True)
    )
    return {"changed": changed, "created": created}


def manager_changes(undo: dict) -> dict[int, tuple[int | None, int | None]]:
    """The line managers an import changed, from its record: pk -> (before, after)."""
    return {
        int(pk): tuple(diff["manager_id"])
        for pk, diff in undo.get("changed", {}).items()
        if "manager_id" in diff
    }


@dataclass
class Restored:
    restored: int = 0  # people (units) with at least one field put back
    kept: int = 0  # fields changed by hand since, left as they are
    deactivated: int = 0  # of those the import created
    emails: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk -> (old, new)
    activity: list[int] = field(default_factory=list)  # pks whose is_active changed
    # pk -> (line manager pk before the undo, after it)
    managers: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)

    def counts(self) -> dict:
        return {
            "restored": self.restored,
            "kept": self.kept,
            "deactivated": self.deactivated,
        }


def _same(now, then) -> bool:
    """Whether a field still has the value the import gave it. A time kept as JSON has lost
    its microseconds (DjangoJSONEncoder writes milliseconds)."""
    if isinstance(now, datetime) and isinstance(then, datetime):
        return abs(now - then) < timedelta(milliseconds=1)
    return now == then


def restore(kind: str, undo: dict) -> Restored:
    """Put back what the import changed (see the module). The caller holds the transaction."""
    model, _fields = TRACKED[kind]
    result = Restored()
    changes = {int(pk): diff for pk, diff in undo.get("changed", {}).items()}
    current = snapshot(kind, changes)
    now = timezone.now()
    for pk, diff in changes.items():
        row = current.get(pk)
        if row is None:
            continue
        values = {}
        for name, (old, new) in diff.items():
            column = model._meta.get_field(name)
            if not _same(row[name], column.to_python(new)):
                result.kept += 1
                continue
            values[name] = column.to_python(old)
        for name in UNIQUE:
            if (
                values.get(name)
                and model.objects.filter(~Q(pk=pk), **{name: values[name]}).exists()
            ):
                values.pop(name)
                result.kept += 1
        if not values:
            continue
        if "is_active" in values and "deactivated_at" not in values and kind == "people":
            values["deactivated_at"] = None if values["is_active"] else now
        if "email" in values:
            result.emails[pk] = (row["email"], values["email"])
        if "is_active" in values:
            result.activity.append(pk)
        if "manager_id" in values:
            result.managers[pk] = (row["manager_id"], values["manager_id"])
        if kind == "people":
            values["updated_at"] = now
        model.objects.filter(pk=pk).update(**values)
        result.restored += 1
    created = model.objects.filter(pk__in=undo.get("created", []), is_active=True)
    if kind == "units":
        # A unit someone was moved into since stays: deactivating it would strand them.
        created = created.exclude(people__is_active=True)
    pks = list(created.values_list("pk", flat=True))
    fields: dict[str, object] = {"is_active": False}
    if kind == "people":
        fields |= {"deactivated_at": now, "updated_at": now}
    result.deactivated = model.objects.filter(pk__in=pks).update(**fields)
    result.activity += pks
    return result
