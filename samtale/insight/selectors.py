"""Figures from people's answers, per unit, under the anonymity rule (insight.anonymity).

Callers pass what the access policy lets the user count. The database does the counting in
grouped queries (per unit, statement and value; never a row per answer into Python); the
units' figures are summed up the tree here, over a few hundred units.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Value

from samtale.conversations.models import Feedback, LikertAnswer
from samtale.insight.anonymity import shown_in_tree
from samtale.org.models import Unit

# The whole organization: the root above the units without a parent.
ORGANIZATION = "organization"
VALUES = (1, 2, 3, 4, 5)


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
    *, answers: QuerySet[LikertAnswer], units: QuerySet[Unit], k: int
) -> dict[str, dict]:
    """{statement key: {unit id or ORGANIZATION: Figure, for the groups that may be shown}}.

    A unit's group is everyone who answered in it or in a unit below it (by the unit they
    are in now). A group is left out when fewer than k people answered, or when showing it
    would let a smaller group be computed from the others (anonymity.shown_in_tree, for each
    statement, as people may skip one)."""
    return _by_unit(
        answers,
        key=F("statement_key"),
        value=F("value"),
        conversation="conversation__",
        units=units,
        k=k,
    )


def satisfaction_by_unit(*, feedback: QuerySet[Feedback], units: QuerySet[Unit], k: int) -> dict:
    """How satisfied the employees were with their conversation (the rating, 1–5, asked once
    after signing): {unit id or ORGANIZATION: Figure}, under the same rule as likert_by_unit.
    Those who chose not to answer are not counted."""
    return _by_unit(
        feedback.filter(rating__isnull=False),
        key=Value("satisfaction"),
        value=F("rating"),
        conversation="conversation__",
        units=units,
        k=k,
    ).get("satisfaction", {})


def _by_unit(answers: QuerySet, *, key, value, conversation: str, units, k: int) -> dict:
    """The figures of answers per key and unit; see likert_by_unit."""
    parent: dict = {ORGANIZATION: None}
    for pk, up in units.values_list("pk", "parent_id"):
        parent[pk] = up if up is not None else ORGANIZATION
    for pk in list(parent):  # a unit whose parent the user may not count hangs from the top
        if pk != ORGANIZATION and parent[pk] not in parent:
            parent[pk] = ORGANIZATION
    unit_of = f"{conversation}employee__unit_id"
    answers = answers.annotate(answer_key=key, answer_value=value)
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0] * len(VALUES)))
    for unit, answer_key, answer_value, n in (
        answers.values_list(unit_of, "answer_key", "answer_value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if answer_value in VALUES:  # people without a unit (or one not shown) count at the top
            counts[answer_key][unit if unit in parent else ORGANIZATION][answer_value - 1] += n
    people: dict[str, dict] = defaultdict(dict)
    for unit, answer_key, n in (
        answers.values_list(unit_of, "answer_key")
        .annotate(n=Count(f"{conversation}employee", distinct=True))
        .order_by()
    ):
        group = unit if unit in parent else ORGANIZATION
        people[answer_key][group] = people[answer_key].get(group, 0) + n
    children: dict = defaultdict(list)
    for unit, up in parent.items():
        if up is not None:
            children[up].append(unit)
    result = {}
    for answer_key, own in people.items():
        total_people, total_counts = _summed_up(children, own, counts[answer_key])
        result[answer_key] = {
            unit: Figure(people=total_people[unit], counts=tuple(total_counts[unit]))
            for unit in shown_in_tree(parent, own, k=k)
        }
    return result


def _summed_up(children: dict, people: dict, counts: dict) -> tuple[dict, dict]:
    """Each unit's people and answer counts with those of every unit below it."""
    total_people: dict = {}
    total_counts: dict = {}

    def add_up(unit) -> None:
        n, sums = people.get(unit, 0), list(counts.get(unit, [0] * len(VALUES)))
        for child in children[unit]:
            add_up(child)
            n += total_people[child]
            sums = [a + b for a, b in zip(sums, total_counts[child], strict=True)]
        total_people[unit], total_counts[unit] = n, sums

    add_up(ORGANIZATION)
    return total_people, total_counts
