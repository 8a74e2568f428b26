"""The units a user may count, as a tree, and counts summed up it; and what else the insight
pages read beside the figures: the statements' texts, the profession groups, leaders' names.

Callers pass what the access policy lets the user count. The database does the counting in
grouped queries (insight.status); the units' counts are summed up the tree here, over a few
hundred units. Figures from answers are not counted here: they are published once per
period (insight.publication).
"""

import operator
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from samtale.guides.models import GuideVersion, localized
from samtale.org.models import Person, Unit

# The whole organization: the root above the units without a parent.
ORGANIZATION = "organization"
Node = int | str  # a unit's id, or ORGANIZATION


@dataclass(frozen=True)
class Tree:
    """The units a user may count, as a tree under ORGANIZATION: each unit's parent (a unit
    whose parent is not among them hangs from the top), its children, and its name."""

    parent: dict[Node, Any]
    children: dict[Node, Any]
    names: dict[Node, Any]

    def __contains__(self, unit: Any) -> bool:
        return unit in self.parent

    def below(self, unit: Any) -> list[Any]:
        """The units right below one, by name."""
        return sorted(self.children.get(unit, ()), key=lambda pk: (self.names[pk], pk))

    def every_below(self, unit: Any) -> list[Any]:
        """Every unit below one, at any depth, each right after the unit it is in (by name
        among its siblings): a leader's line as their home page lists it. Each unit once,
        even if bad data makes a cycle."""
        found: list[Any] = []
        seen = {unit}
        waiting = list(reversed(self.below(unit)))
        while waiting:
            child = waiting.pop()
            if child in seen:
                continue
            seen.add(child)
            found.append(child)
            waiting += reversed(self.below(child))
        return found

    def up(self, unit: Any) -> Any:
        return self.parent.get(unit)


def unit_tree(units: QuerySet[Unit]) -> Tree:
    """One query: the units' ids, parents and names."""
    parent: dict[Node, Any] = {ORGANIZATION: None}
    names: dict[Node, Any] = {}
    for pk, up, name in units.values_list("pk", "parent_id", "name"):
        parent[pk] = up if up is not None else ORGANIZATION
        names[pk] = name
    for node in list(parent):
        if node != ORGANIZATION and parent[node] not in parent:
            parent[node] = ORGANIZATION
    children: dict[Node, Any] = defaultdict(list)
    for unit, up in parent.items():
        children[unit]
        if up is not None:
            children[up].append(unit)
    return Tree(parent=parent, children=dict(children), names=names)


def summed_up(tree: Tree, own: dict[Any, Any], zero: Any = 0) -> dict[Node, Any]:
    """Each unit's (and ORGANIZATION's) value with those of every unit below it added: `own`
    maps a unit to what is counted in it alone (numbers, tuples of the same length or
    Counters); a unit not in the tree is counted at the top."""
    at: dict[Node, Any] = {}
    for unit, value in own.items():
        key = unit if unit in tree else ORGANIZATION
        at[key] = add(at.get(key, zero), value)
    total: dict[Node, Any] = {}

    def add_up(unit: Any) -> None:
        value = at.get(unit, zero)
        for child in tree.children[unit]:
            add_up(child)
            value = add(value, total[child])
        total[unit] = value

    add_up(ORGANIZATION)
    return total


def add(a: Any, b: Any) -> Any:
    """a + b, for numbers, Counters and tuples of the same length (element by element)."""
    if isinstance(a, tuple):
        return tuple(map(operator.add, a, b))
    return a + b


def statements() -> dict[str, tuple[str, str]]:
    """Each statement's (text, area), in the reader's language, in the order the templates
    ask them (the templates' versions are few). The area is the statement's group
    (individual, teamwork, organization); "" for one without."""
    texts: dict[str, tuple[str, str]] = {}
    for version in GuideVersion.objects.only("themes").order_by("pk"):
        for statement in version.statements():
            texts.setdefault(
                statement["key"],
                (localized(statement["text"]), localized(statement.get("group"))),
            )
    return texts


# The profession groups, each found by one step down the index of active people's groups
# (person_profession_group), where DISTINCT read all 50,000 entries: 0.3 ms, not 11.
_PROFESSIONS_SQL = """
WITH RECURSIVE found(name) AS (
    SELECT (SELECT profession_group FROM {person} WHERE is_active AND profession_group > ''
            ORDER BY profession_group LIMIT 1)
    UNION ALL
    SELECT (SELECT profession_group FROM {person} WHERE is_active AND profession_group > found.name
            ORDER BY profession_group LIMIT 1)
    FROM found WHERE found.name IS NOT NULL
)
SELECT name FROM found WHERE name IS NOT NULL
"""


def professions() -> list[str]:
    """The profession groups anyone working here is in, by name."""
    sql = _PROFESSIONS_SQL.format(person=connection.ops.quote_name(Person._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [name for (name,) in cursor.fetchall()]


def full_names(person_ids: list[int]) -> dict[int, str]:
    """{person: full name} of these people."""
    return {
        p.pk: p.full_name
        for p in Person.objects.filter(pk__in=person_ids).only("first_name", "last_name")
    }
