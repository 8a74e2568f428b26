"""An attacker's solver, written apart from the rule it checks (insight.anonymity): given
every figure that can be fetched, as the sets of answers each sums over, is there a set of
answers of 1 … k−1 people whose sum is a linear combination of those figures? If so, whoever
fetches them can compute that small group's answers by adding and subtracting.

It works on the answers, not on atoms. Answers that lie in exactly the same figures cannot be
told apart by any combination (a *class*); a set a combination gives is a union of classes,
and one of fewer than k people is a union of classes of fewer than k people each (the *small*
classes). Exact rational algebra, in integers:

1. The figures' rows are brought to echelon form with the large classes' columns first. The
   rows that lead in a small class's column are then zero on every large class, and span W,
   every combination that sums over small classes only (publish.py's proof keeps its size).
2. A 0/1 vector of W is fixed by its values at W's pivots (reduced echelon form): every
   choice of pivots whose classes hold fewer than k people is summed and checked, within
   each group of pivots whose rows share columns (a set found is one group's; a union of
   sets found in two groups is not listed again).

The tests use it on random organizations (test_anonymity, test_fetch); publishing runs it
over every figure of a period and the periods beside it (publication.proof)."""

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd

# The most pivots of W sharing columns that are searched together: more would take too long.
MAX_PIVOTS = 40


class TooLarge(Exception):
    """W has more dimensions than the search tries: the figures must be told apart otherwise."""


@dataclass
class Solved:
    """What the solver did: the sets of fewer than k people it computed (the answers of
    each), the figures and classes it solved for, the largest system (rows × columns), the
    dimension of W and the smallest number of people in a figure."""

    found: list = field(default_factory=list)
    figures: int = 0
    classes: int = 0
    system: tuple = (0, 0)
    small_span: int = 0
    smallest: int | None = None


def _normalized(row: dict) -> dict:
    """The row over the gcd of its entries, its leading entry positive."""
    divisor = 0
    for value in row.values():
        divisor = gcd(divisor, value)
        if divisor == 1:
            break
    lead = row[min(row)]
    if lead < 0:
        divisor = -divisor
    if divisor != 1:
        row = {c: v // divisor for c, v in row.items()}
    return row


def _echelon(rows: Iterable[dict]) -> dict[int, dict]:
    """{leading column: row}, each row reduced by those before it (columns are ints: the
    smaller leads)."""
    pivots: dict[int, dict] = {}
    for source in rows:
        row = dict(source)
        heap = list(row)
        heapq.heapify(heap)
        while heap:
            lead = heapq.heappop(heap)
            value = row.get(lead)
            if not value:
                continue
            pivot = pivots.get(lead)
            if pivot is None:
                row = {c: v for c, v in row.items() if v}
                pivots[lead] = _normalized(row)
                break
            top = pivot[lead]
            if top != 1:  # scale the row so that the pivot divides it
                row = {c: v * top for c, v in row.items()}
                value *= top
            factor = value // top
            for column, v in pivot.items():
                was = row.get(column)
                if was is None:
                    row[column] = -factor * v
                    heapq.heappush(heap, column)
                else:
                    row[column] = was - factor * v
    return pivots


def _reduced(basis: dict[int, dict]) -> dict[int, dict]:
    """Reduced echelon form, over the rationals: each pivot 1, and 0 in every other row."""
    rows = {p: {c: Fraction(v, r[p]) for c, v in r.items()} for p, r in basis.items()}
    for p in sorted(rows, reverse=True):
        pivot = rows[p]
        for q in rows:
            if q != p and rows[q].get(p):
                factor = rows[q][p]
                merged = dict(rows[q])
                for c, v in pivot.items():
                    merged[c] = merged.get(c, 0) - factor * v
                rows[q] = {c: v for c, v in merged.items() if v}
    return rows


def solve(
    classes: Sequence[frozenset],
    figures: Iterable[Iterable[int]],
    *,
    k: int,
) -> Solved:
    """The unions of classes of 1 … k−1 people that some combination of the figures sums
    over. `classes` holds the people of each class; each figure is the classes it sums
    over (a figure must be a union of classes)."""
    figures = [sorted(set(f)) for f in figures]
    small = [i for i, who in enumerate(classes) if 0 < len(who) < k]
    large = [i for i, who in enumerate(classes) if len(who) >= k or not who]
    column = {c: n for n, c in enumerate([*large, *small])}
    first_small = len(large)
    rows = sorted(({column[c]: 1 for c in f} for f in figures if f), key=len)
    basis = _echelon(rows)
    span = {p: r for p, r in basis.items() if p >= first_small}
    result = Solved(
        figures=len(figures),
        classes=len(classes),
        system=(len(rows), len(classes)),
        small_span=len(span),
        smallest=min(
            (len(set().union(*(classes[c] for c in f))) for f in figures if f), default=None
        ),
    )
    if not span:
        return result
    reduced = _reduced(span)
    by_column = {n: c for c, n in column.items()}
    for pivots in _components(reduced):
        if len(pivots) > MAX_PIVOTS:
            raise TooLarge(f"{len(pivots)} combinations over small classes: too many to try")
        result.found += [
            {by_column[c] for c in found}
            for found in _small_sets(pivots, reduced, classes, by_column, k)
        ]
    return result


def _components(reduced: dict[int, dict]) -> list[list[int]]:
    """W's pivots in groups that share no column: a 0/1 vector of W is one of each group's
    (their supports are apart), so a set of fewer than k people lies within one group, and
    each group is searched alone."""
    owner: dict[int, int] = {}  # column -> the first pivot seen with it
    parent = {p: p for p in reduced}

    def root(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for p, row in reduced.items():
        for c in row:
            q = owner.setdefault(c, p)
            parent[root(p)] = root(q)
    groups: dict = defaultdict(list)
    for p in reduced:
        groups[root(p)].append(p)
    return [sorted(g) for g in groups.values()]


def _small_sets(pivots: list[int], reduced: dict, classes, by_column, k: int) -> list[set]:
    """The 0/1 combinations of these pivots' rows whose classes hold fewer than k people (a
    0/1 vector of W is the sum of the rows of the pivots where it is 1)."""
    found = []

    def walk(start: int, chosen: list[int], who: frozenset) -> None:
        for i in range(start, len(pivots)):
            union = who | classes[by_column[pivots[i]]]
            if len(union) >= k:
                continue
            picked = [*chosen, pivots[i]]
            total: dict = defaultdict(Fraction)
            for p in picked:
                for c, v in reduced[p].items():
                    total[c] += v
            support = [c for c, v in total.items() if v]
            if all(total[c] == 1 for c in support):
                people = frozenset().union(*(classes[by_column[c]] for c in support))
                if len(people) < k:
                    found.append(set(support))
            walk(i + 1, picked, union)

    walk(0, [], frozenset())
    return found


def isolations(
    owner: Mapping[Hashable, Hashable],
    figures: Iterable[Iterable[Hashable]],
    *,
    k: int,
) -> list[set]:
    """The sets of answers with 1 … k−1 people (by `owner`: answer -> person) that a linear
    combination of the figures (each the set of answers it sums over) computes exactly
    (solve: none when there are none, else each within a group of classes)."""
    figures = [set(f) for f in figures]
    signature: dict = defaultdict(list)
    for answer in owner:
        key = tuple(i for i, f in enumerate(figures) if answer in f)
        if key:  # an answer in no figure is in no combination
            signature[key].append(answer)
    members = list(signature.values())
    classes = [frozenset(owner[a] for a in m) for m in members]
    index = {a: n for n, m in enumerate(members) for a in m}
    sets = [{index[a] for a in f if a in index} for f in figures]
    solved = solve(classes, sets, k=k)
    return [{a for c in found for a in members[c]} for found in solved.found]
