"""The anonymity rule, pure: which groups' figures may be published so that no group of fewer
than k people who answered can be computed from them, by subtraction or otherwise.

The answers are gathered in *cells*: answers that belong to exactly the same candidate
groups (the same period, unit, profession group, line and leader when they were given).
A figure is a sum over the answers of the cells in its group. Whoever sees the figures of
groups G1 … Gm can compute the sum over any set whose indicator is a linear combination of
theirs: a parent minus its shown children, a year minus its round, a filter minus no
filter. Every such combination is constant on the *atoms*: the sets of cells that belong to
exactly the same published groups. So if every atom holds no one or at least k people,
every set a viewer can compute a figure for holds no one or at least k.

A group is published only if, added to those already published, it leaves no atom of 1 …
k−1 people: neither the part of an atom inside it, nor the part outside, nor its cells that
were in no published group before. A group that would let another be cut down to a few is
held back ("complementary suppression"); the groups are tried in the order given, so the
broad figures are kept and the fine ones give way. People are counted as people: someone
with answers in two cells of one atom (moved in the middle of a year, or with two
conversations) is one person, in the part they are in and, if some of their answers are
outside it, in that part too.

insight.publication builds the cells and the groups from the database, and keeps what is
published; this module only decides.
"""

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping

from samtale.tenancy import tenant_settings


def min_group() -> int:
    """k: the fewest who answered for whom a figure is shown (SAMTALE_MIN_GROUP, at least 3)."""
    return max(3, tenant_settings.SAMTALE_MIN_GROUP)


class Atoms:
    """The atoms of a set of published groups over the cells, and the check that one more
    group keeps every atom at 0 or at least k people."""

    def __init__(self, people: Mapping[Hashable, Collection[Hashable]]) -> None:
        self.people = people  # cell -> the people with answers in it
        self.atom_of: dict[Hashable, int] = {}
        self.cells: dict[int, set] = {}
        self.counts: dict[int, Counter] = {}  # atom -> {person: cells of the atom they are in}
        self._next = 0

    def _count(self, cells: Iterable[Hashable]) -> Counter:
        counted: Counter = Counter()
        for cell in cells:
            counted.update(self.people[cell])
        return counted

    def _split(self, group: Collection[Hashable]) -> tuple[list, dict[int, list]]:
        """The group's cells in no atom yet, and those in each atom."""
        new: list[Hashable] = []
        inside: dict[int, list[Hashable]] = {}
        for cell in group:
            atom = self.atom_of.get(cell)
            if atom is None:
                new.append(cell)
            else:
                inside.setdefault(atom, []).append(cell)
        return new, inside

    def allows(self, group: Collection[Hashable], k: int) -> bool:
        """Whether the group can be published: at least k people in it, and every atom it
        cuts left with no one or at least k on each side."""
        if len(self._count(group)) < k:
            return False
        new, inside = self._split(group)
        if 0 < len(self._count(new)) < k:
            return False
        for atom, cells in inside.items():
            within = self._count(cells)
            if len(within) < k:
                return False
            if len(cells) == len(self.cells[atom]):
                continue  # the whole atom is in the group: it stays as it is
            whole = self.counts[atom]
            outside = sum(1 for person, n in whole.items() if n > within.get(person, 0))
            if 0 < outside < k:
                return False
        return True

    def add(self, group: Collection[Hashable]) -> None:
        """Publish the group: the atoms it cuts are split in two."""
        new, inside = self._split(group)
        for atom, cells in inside.items():
            if len(cells) == len(self.cells[atom]):
                continue
            self._new_atom(cells)
            self.cells[atom].difference_update(cells)
            self.counts[atom].subtract(self._count(cells))
            self.counts[atom] = +self.counts[atom]
        if new:
            self._new_atom(new)

    def _new_atom(self, cells: list) -> None:
        atom, self._next = self._next, self._next + 1
        self.cells[atom] = set(cells)
        self.counts[atom] = self._count(cells)
        for cell in cells:
            self.atom_of[cell] = atom


def decide(
    people: Mapping[Hashable, Collection[Hashable]],
    *,
    published: Iterable[Collection[Hashable]],
    candidates: Iterable[tuple[Hashable, Collection[Hashable]]],
    k: int,
) -> set[Hashable]:
    """The keys of the candidate groups that may be published, tried in the order given, on
    top of the groups published before (`published`, each a collection of cells). `people`
    maps every cell any of them covers to the people with answers in it."""
    if k < 1:
        raise ValueError("k must be at least 1")
    atoms = Atoms(people)
    for group in published:
        atoms.add(group)
    shown: set[Hashable] = set()
    for key, group in candidates:
        if group and atoms.allows(group, k):
            atoms.add(group)
            shown.add(key)
    return shown
