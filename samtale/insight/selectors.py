"""Figures from people's answers, per unit, under the anonymity rule (insight.anonymity).

Callers pass what the access policy lets the user count. The database does the counting in
grouped queries (per unit, statement and value; never a row per answer into Python); the
units' figures are summed up the tree here, over a few hundred units.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Value

from samtale.conversations.models import Feedback, LikertAnswer
from samtale.insight.anonymity import shown_in_tree, shown_in_tree_filtered
from samtale.org.models import Unit

# The whole organization: the root above the units without a parent.
ORGANIZATION = "organization"
VALUES = (1, 2, 3, 4, 5)


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
        return tuple(x + y for x, y in zip(a, b, strict=True))
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
        key=Value("satisfaction"),
        value=F("rating"),
        conversation="conversation__",
    )
    return figures_from(raw, tree=_as_tree(units), k=k).get("satisfaction", {})


def raw_answers(answers: QuerySet, *, key, value, conversation: str) -> dict:
    """{key: {unit id (or None): Counter}}: per key (an expression: the statement, the year)
    and the unit the person is in now, how many answers had each value ("1" … "5") and how
    many people answered ("people"); the same again per profession group, under keys ending
    in "@" and the group ("3@Sykepleie", "people@"). Two grouped queries, whatever the number
    of answers."""
    unit_of = f"{conversation}employee__unit_id"
    profession_of = f"{conversation}employee__profession_group"
    answers = answers.annotate(answer_key=key, answer_value=value)
    raw: dict = defaultdict(dict)
    for unit, profession, answer_key, answer_value, n in (
        answers.values_list(unit_of, profession_of, "answer_key", "answer_value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if answer_value in VALUES:
            counts = raw[answer_key].setdefault(unit, Counter())
            counts[str(answer_value)] += n
            counts[f"{answer_value}@{profession}"] += n
    for unit, profession, answer_key, n in (
        answers.values_list(unit_of, profession_of, "answer_key")
        .annotate(n=Count(f"{conversation}employee", distinct=True))
        .order_by()
    ):
        counts = raw[answer_key].setdefault(unit, Counter())
        counts["people"] += n  # a person is in one profession group: the sum is distinct too
        counts[f"people@{profession}"] += n
    return dict(raw)


def professions_in(raw: dict, prefix: str = "") -> list[str]:
    """The profession groups counted in raw_answers' Counters (with `prefix` before the keys,
    as status keeps them: "sat:")."""
    marker = f"{prefix}people@"
    return sorted(
        {
            key.removeprefix(marker)
            for units in raw.values()
            for counts in units.values()
            for key in counts
            if key.startswith(marker)
        }
    )


def filtered(own: dict, profession: str, prefix: str = "") -> dict:
    """Each unit's own Counter of raw_answers for one profession group only."""
    keys = ("people", *map(str, VALUES))
    return {
        unit: Counter({f"{prefix}{key}": counts[f"{prefix}{key}@{profession}"] for key in keys})
        for unit, counts in own.items()
    }


def figure_of(counts: Counter, prefix: str = "") -> Figure:
    return Figure(
        people=counts[f"{prefix}people"], counts=tuple(counts[f"{prefix}{v}"] for v in VALUES)
    )


def shown_groups(tree: Tree, own: dict, *, key: str, k: int, profession: str | None = None) -> set:
    """The units whose group (by the count `key` of each unit's own Counter) the anonymity rule
    lets through; a unit outside the tree counts at the top. With a profession group: the
    units shown for that group, by the rule applied to the whole tree and every profession
    group together (anonymity.shown_in_tree_filtered), as a viewer may look at each."""
    if profession is None:
        people: dict = {}
        for unit, counts in own.items():
            node = unit if unit in tree else ORGANIZATION
            people[node] = people.get(node, 0) + counts[key]
        return shown_in_tree(tree.parent, people, k=k)
    by_value: dict = {}
    marker = f"{key}@"
    for unit, counts in own.items():
        node = unit if unit in tree else ORGANIZATION
        cell = by_value.setdefault(node, Counter())
        for name, n in counts.items():
            if name.startswith(marker):
                cell[name.removeprefix(marker)] += n
    return shown_in_tree_filtered(tree.parent, by_value, k=k).get(profession, set())


def figures_from(raw: dict, *, tree: Tree, k: int, profession: str | None = None) -> dict:
    """{key: {unit or ORGANIZATION: Figure}} from raw_answers, summed up the tree, for the
    groups the rule lets through; only those of one profession group when one is given."""
    result = {}
    for answer_key, own in raw.items():
        counted = own if profession is None else filtered(own, profession)
        total = summed_up(tree, counted, zero=Counter())
        result[answer_key] = {
            unit: figure_of(total[unit])
            for unit in shown_groups(tree, own, key="people", k=k, profession=profession)
        }
    return result
