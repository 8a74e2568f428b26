"""An attacker's solver, written apart from the rule it checks (insight.anonymity): given
every figure one viewer can fetch, as the sets of answers each sums over, is there a set of
answers of 1 … k−1 people whose sum is a linear combination of those figures? If so, the
viewer can compute that small group's answers by adding and subtracting what they see.

It works on the answers themselves, not on atoms: the answers that lie in exactly the same
fetched figures cannot be told apart by any combination, so any set a combination gives is
a union of such classes; it tries every union of classes with fewer than k people, and asks
exact (rational) linear algebra whether its indicator lies in the span of the figures'.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction

MAX_CLASSES = 14  # small classes tried together at most (the examples stay below this)


def _echelon(rows: list[list[Fraction]]) -> list[tuple[int, list[Fraction]]]:
    """The rows in reduced echelon form, as (pivot column, row)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        row = _reduce(row, basis)
        pivot = next((i for i, x in enumerate(row) if x), None)
        if pivot is None:
            continue
        scale = row[pivot]
        row = [x / scale for x in row]
        basis = [
            (p, [a - b[p] * c for a, c in zip(b, row, strict=True)]) if b[pivot] else (p, b)
            for p, b in basis
        ]
        basis.append((pivot, row))
    return basis


def _reduce(vector: list[Fraction], basis) -> list[Fraction]:
    vector = list(vector)
    for pivot, row in basis:
        if vector[pivot]:
            factor = vector[pivot]
            vector = [a - factor * b for a, b in zip(vector, row, strict=True)]
    return vector


def isolations(
    owner: Mapping[Hashable, Hashable],
    figures: Iterable[Iterable[Hashable]],
    *,
    k: int,
) -> list[set]:
    """Every set of answers with 1 … k−1 people (by `owner`: answer -> person) that a linear
    combination of the figures (each the set of answers it sums over) computes exactly."""
    figures = [set(f) for f in figures]
    signature: dict = defaultdict(list)
    for answer in owner:
        key = tuple(i for i, f in enumerate(figures) if answer in f)
        if key:  # an answer in no figure is in no combination
            signature[key].append(answer)
    classes = list(signature.values())
    people = [{owner[a] for a in members} for members in classes]
    matrix = [[Fraction(int(members[0] in f)) for members in classes] for f in figures]
    basis = _echelon(matrix)
    small = [i for i, p in enumerate(people) if len(p) < k]
    if len(small) > MAX_CLASSES:
        raise ValueError(f"{len(small)} small classes: too many to try every union")
    found: list[set] = []

    def spanned(chosen: list[int]) -> bool:
        vector = [Fraction(int(i in chosen)) for i in range(len(classes))]
        return not any(_reduce(vector, basis))

    def walk(start: int, chosen: list[int], who: set) -> None:
        for i in range(start, len(small)):
            union = who | people[small[i]]
            if len(union) >= k:
                continue
            picked = [*chosen, small[i]]
            if spanned(picked):
                found.append({a for j in picked for a in classes[j]})
            walk(i + 1, picked, union)

    walk(0, [], set())
    return found
