"""Figures from people's answers, per unit, under the anonymity rule (insight.anonymity).

Callers pass what the access policy lets the user count. The database does the counting in
grouped queries (per unit, statement and value; never a row per answer into Python); the
units' figures are summed up the tree here, over a few hundred units.
"""

import operator
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.db.models import Count, F, Q, QuerySet, Value

from samtale.conversations.models import Feedback, LikertAnswer
from samtale.insight.anonymity import shown_in_tree, shown_in_tree_filtered
from samtale.org.models import Unit

# The whole organization: the root above the units without a parent.
ORGANIZATION = "organization"
VALUES = (1, 2, 3, 4, 5)
# The ratings after signing, where they are kept beside the statements.
SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class Tree:
    """The units a user may count, as a tree under ORGANIZATION: each unit's parent (a unit
    whose parent is not among them hangs from the top), its children, and its name."""

    parent: dict
    children: dict
    names: dict

    def __contains__(self, unit) -> bool:
        return unit in self.parent

    def below(self, unit) -> list:
        """The units right below one, by name."""
        return sorted(self.children.get(unit, ()), key=lambda pk: (self.names[pk], pk))

    def up(self, unit):
        return self.parent.get(unit)

    @cached_property
    def frozen(self) -> tuple:
        """The tree's shape, hashable: the key of the rule's results (_rule)."""
        return tuple(self.parent.items())


def unit_tree(units: QuerySet[Unit]) -> Tree:
    """One query: the units' ids, parents and names."""
    parent: dict = {ORGANIZATION: None}
    names: dict = {}
    for pk, up, name in units.values_list("pk", "parent_id", "name"):
        parent[pk] = up if up is not None else ORGANIZATION
        names[pk] = name
    for pk in list(parent):
        if pk != ORGANIZATION and parent[pk] not in parent:
            parent[pk] = ORGANIZATION
    children: dict = defaultdict(list)
    for unit, up in parent.items():
        children[unit]
        if up is not None:
            children[up].append(unit)
    return Tree(parent=parent, children=dict(children), names=names)


def _as_tree(units) -> Tree:
    return units if isinstance(units, Tree) else unit_tree(units)


def summed_up(tree: Tree, own: dict, zero=0) -> dict:
    """Each unit's (and ORGANIZATION's) value with those of every unit below it added: `own`
    maps a unit to what is counted in it alone (numbers, tuples of the same length or
    Counters); a unit not in the tree is counted at the top."""
    at: dict = {}
    for unit, value in own.items():
        key = unit if unit in tree else ORGANIZATION
        at[key] = add(at.get(key, zero), value)
    total: dict = {}

    def add_up(unit) -> None:
        value = at.get(unit, zero)
        for child in tree.children[unit]:
            add_up(child)
            value = add(value, total[child])
        total[unit] = value

    add_up(ORGANIZATION)
    return total


def add(a, b):
    """a + b, for numbers, Counters and tuples of the same length (element by element)."""
    if isinstance(a, tuple):
        return tuple(map(operator.add, a, b))
    return a + b


@dataclass(frozen=True)
class Figure:
    """One statement's answers in one group: how many people answered, how many answers
    had each value (1–5), and their mean."""

    people: int
    counts: tuple[int, ...]

    @property
    def answers(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float:
        return sum(v * n for v, n in zip(VALUES, self.counts, strict=True)) / self.answers


def likert_by_unit(
    *, answers: QuerySet[LikertAnswer], units: QuerySet[Unit] | Tree, k: int
) -> dict[str, dict]:
    """{statement key: {unit id or ORGANIZATION: Figure, for the groups that may be shown}}.

    A unit's group is everyone who answered in it or in a unit below it (by the unit they
    are in now). A group is left out when fewer than k people answered, or when showing it
    would let a smaller group be computed from the others (anonymity.shown_in_tree, for each
    statement, as people may skip one)."""
    return figures_from(raw_likert(answers), tree=_as_tree(units), k=k)


def raw_likert(answers: QuerySet[LikertAnswer]) -> dict:
    """What likert_by_unit counts, before the tree and the rule: {statement: {unit: Counter}}."""
    return raw_answers(
        answers, key=F("statement_key"), value=F("value"), conversation="conversation__"
    )


def satisfaction_by_unit(
    *, feedback: QuerySet[Feedback], units: QuerySet[Unit] | Tree, k: int
) -> dict:
    """How satisfied the employees were with their conversation (the rating, 1–5, asked once
    after signing): {unit id or ORGANIZATION: Figure}, under the same rule as likert_by_unit.
    Those who chose not to answer are not counted."""
    raw = raw_answers(
        feedback.filter(rating__isnull=False),
        key=Value(SATISFACTION),
        value=F("rating"),
        conversation="conversation__",
    )
    return figures_from(raw, tree=_as_tree(units), k=k).get(SATISFACTION, {})


def raw_answers(answers: QuerySet, *, key, value, conversation: str) -> dict:
    """{key: {unit id (or None): Counter}}: per key (an expression: the statement, the year)
    and the unit the person is in now, how many answers had each value ("1" … "5") and how
    many people answered ("people"); the same again per profession group, under keys ending
    in "@" and the group ("3@Sykepleie", "people@"). One grouped query, whatever the number
    of answers."""
    unit_of = f"{conversation}employee__unit_id"
    profession_of = f"{conversation}employee__profession_group"
    answers = answers.annotate(answer_key=key, answer_value=value)
    raw: dict = defaultdict(dict)
    for unit, profession, answer_key, people, *per_value in (
        answers.values_list(unit_of, profession_of, "answer_key")
        .annotate(
            people=Count(f"{conversation}employee", distinct=True),
            **{f"n{v}": Count("pk", filter=Q(answer_value=v)) for v in VALUES},
        )
        .order_by()
    ):
        counts = raw[answer_key].setdefault(unit, Counter())
        # A person is in one profession group: the sum over the groups is distinct too.
        counts["people"] += people
        counts[f"people@{profession}"] += people
        for v, n in zip(VALUES, per_value, strict=True):
            if n:
                counts[str(v)] += n
                counts[f"{v}@{profession}"] += n
    return dict(raw)


def figure_of(counts: Counter, prefix: str = "") -> Figure:
    return Figure(
        people=counts[f"{prefix}people"], counts=tuple(counts[f"{prefix}{v}"] for v in VALUES)
    )


KEYS = ("people", *map(str, VALUES))


def cells_of(own: dict) -> dict:
    """Each unit's own Counter of raw_answers as a tuple (people, n1 … n5): small and quick
    to sum up the tree."""
    keys = KEYS
    zeros = [0] * len(keys)
    return {unit: tuple(map(counts.get, keys, zeros)) for unit, counts in own.items()}


def shown_groups(tree: Tree, own: dict, *, key: str, k: int, profession: str | None = None) -> set:
    """The units whose group (by the count `key` of each unit's own Counter) the anonymity rule
    lets through; a unit outside the tree counts at the top. With a profession group, `own`
    is by_profession's ({unit: {group: (people, n1 … n5)}}) and the result the units shown
    for that group, by the rule applied to the whole tree and every profession group
    together (anonymity.shown_in_tree_filtered), as a viewer may look at each."""
    if profession is None:
        people: dict = {}
        for unit, counts in own.items():
            node = unit if unit in tree else ORGANIZATION
            people[node] = people.get(node, 0) + counts.get(key, 0)
        return _rule(tree.frozen, tuple(people.items()), k)
    by_value: dict = {}
    for unit, groups in own.items():
        node = unit if unit in tree else ORGANIZATION
        for value, counts in groups.items():
            by_value[(node, value)] = by_value.get((node, value), 0) + counts[0]
    return _rule_filtered(tree.frozen, tuple(by_value.items()), k).get(profession, frozenset())


def by_profession(raw: dict) -> dict:
    """raw_answers' counts per profession group ({key: {unit: {group: (people, n1 … n5)}}}):
    what the worker keeps for the page filtered by one."""
    result: dict = {}
    for answer_key, units in raw.items():
        for unit, counts in units.items():
            groups: dict = {}
            for name, n in counts.items():
                if "@" in name:
                    what, group = name.split("@", 1)
                    groups.setdefault(group, [0] * len(KEYS))[KEYS.index(what)] += n
            result.setdefault(answer_key, {})[unit] = {g: tuple(v) for g, v in groups.items()}
    return result


# The rule's results, by the tree, the counts and k: the same for every page drawn from the
# same counts (each statement and year, whichever unit is looked at), which change when the
# worker counts again. A process keeps the latest few thousand.
@lru_cache(maxsize=4096)
def _rule(parent: tuple, people: tuple, k: int) -> frozenset:
    return frozenset(shown_in_tree(dict(parent), dict(people), k=k))


@lru_cache(maxsize=1024)
def _rule_filtered(parent: tuple, cells: tuple, k: int) -> dict:
    own: dict = {}
    for (unit, value), n in cells:
        own.setdefault(unit, {})[value] = n
    return {
        value: frozenset(units)
        for value, units in shown_in_tree_filtered(dict(parent), own, k=k).items()
    }


def figures_from(raw: dict, *, tree: Tree, k: int, profession: str | None = None) -> dict:
    """{key: {unit or ORGANIZATION: Figure}} from raw_answers (or, for one profession group,
    by_profession), summed up the tree, for the groups the rule lets through."""
    result = {}
    zero = (0,) * len(KEYS)
    for answer_key, own in raw.items():
        if profession is None:
            cells = cells_of(own)
        else:
            cells = {unit: groups.get(profession, zero) for unit, groups in own.items()}
        total = summed_up(tree, cells, zero=zero)
        result[answer_key] = {
            unit: Figure(people=total[unit][0], counts=total[unit][1:])
            for unit in shown_groups(tree, own, key="people", k=k, profession=profession)
        }
    return result
