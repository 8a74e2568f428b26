"""The anonymity rule: which groups' figures may be shown, so that no group of fewer than k
people who answered can be computed from what is shown, by subtraction or otherwise.

A figure computed from answers (a mean, a distribution) is a sum over the group's answers
divided by its size. Whoever sees the figures of groups G1 … Gm can compute the sums of any
set whose indicator is a linear combination of theirs: a parent minus its shown children,
one filter minus another, this period minus last. Every such combination is constant on
the *atoms*: the sets of people who belong to exactly the same shown groups. So if every
atom inside a shown group has either no one or at least k people, every set a viewer can
compute a figure for has no one or at least k: a group is shown only if, added to those
already shown, it leaves no atom of 1 … k−1 people. A small sibling whose showing would let
the parent minus the others isolate a few is held back with them ("secondary
suppression"). The people in no shown group form no atom: nothing about them can be
computed.

Groups are tried in the order given (the organization before its departments before their
teams, say), so that the broad figures are kept and the fine ones give way.
"""

from collections.abc import Hashable, Iterable, Mapping

from django.conf import settings


def min_group() -> int:
    """k: the fewest who answered for whom a figure is shown (SAMTALE_MIN_GROUP, at least 3)."""
    return max(3, settings.SAMTALE_MIN_GROUP)


def shown(
    groups: Mapping[Hashable, Iterable[Hashable]],
    *,
    k: int,
    order: Iterable[Hashable] | None = None,
) -> set[Hashable]:
    """The keys of the groups whose figures may be shown. `groups` maps a key to the people
    (or answers) in it; `order` is the order to try them in (default: larger first)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    members = {key: frozenset(people) for key, people in groups.items()}
    if order is None:
        order = sorted(members, key=lambda key: -len(members[key]))
    atom_of: dict[Hashable, int] = {}  # person -> atom; those in no shown group have none
    atoms: dict[int, set] = {}
    next_atom = 0
    result: set[Hashable] = set()
    for key in order:
        group = members[key]
        if not group or len(group) < k:
            continue
        # How adding the group would split each atom it touches, and who would be new.
        inside: dict[int, int] = {}
        new = 0
        for person in group:
            atom = atom_of.get(person)
            if atom is None:
                new += 1
            else:
                inside[atom] = inside.get(atom, 0) + 1
        if 0 < new < k:
            continue
        if any(0 < len(atoms[atom]) - n < k or n < k for atom, n in inside.items()):
            continue
        result.add(key)
        for atom, n in inside.items():
            if n == len(atoms[atom]):
                continue  # the whole atom is in the group: it stays as it is
            atoms[next_atom] = {p for p in atoms[atom] if p in group}
            atoms[atom] -= atoms[next_atom]
            for person in atoms[next_atom]:
                atom_of[person] = next_atom
            next_atom += 1
        if new:
            atoms[next_atom] = {p for p in group if p not in atom_of}
            for person in atoms[next_atom]:
                atom_of[person] = next_atom
            next_atom += 1
    return result


def shown_in_tree_filtered(
    parent: Mapping[Hashable, Hashable | None],
    own: Mapping[Hashable, Mapping[Hashable, int]],
    *,
    k: int,
) -> dict[Hashable | None, set[Hashable]]:
    """shown() for a tree of units seen whole and through each filter (a profession group):
    `own` maps a unit to how many answered in it alone, per filter value (every person in one
    value, "" included). A viewer can visit every filter, so the rule is applied to all the
    groups together: {None: the units shown unfiltered, value: those shown filtered by it}.
    The whole tree is tried first (its figures are those of shown_in_tree), then each filter
    in turn, each tree from its roots down, so a filtered figure never takes the place of an
    unfiltered one.

    From counts, in time linear in the tree per filter: the people of one unit and value
    always share their groups, and as the groups of one tree are nested, the groups a unit's
    people of value g are in are fixed by the lowest shown unit above them in the whole tree
    and the lowest in g's tree. Those two name the atom; a test holds this to shown() on the
    same groups."""
    children: dict[Hashable, list] = {unit: [] for unit in parent}
    for unit, up in parent.items():
        if up is not None:
            children[up].append(unit)
    roots = [unit for unit, up in parent.items() if up is None]
    depth: dict[Hashable, int] = {}
    preorder: list = []
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        unit, d = stack.pop()
        depth[unit] = d
        preorder.append(unit)
        stack.extend((child, d + 1) for child in reversed(children[unit]))
    end: dict = {}  # preorder index one past each unit's subtree
    position = {unit: n for n, unit in enumerate(preorder)}
    for unit in reversed(preorder):
        end[unit] = max([position[unit] + 1, *(end[c] for c in children[unit])])

    def subtree(unit) -> list:
        return preorder[position[unit] : end[unit]]

    values = sorted({value for counts in own.values() for value in counts}, key=str)
    weight = {unit: {v: n for v, n in own.get(unit, {}).items() if n > 0} for unit in parent}
    whole = {unit: sum(weight[unit].values()) for unit in parent}
    shown_whole = shown_in_tree(parent, whole, k=k)
    low: dict = {}  # each unit's lowest shown unit at or above it in the whole tree
    for unit in preorder:
        up = parent[unit]
        low[unit] = unit if unit in shown_whole else (low[up] if up is not None else None)
    # The atoms so far, by (lowest shown in the whole tree, value, lowest shown in value's
    # tree); (low, None, None) holds everyone of that unit group not yet split by a filter.
    atom_size: dict = {}
    for unit in parent:
        if low[unit] is not None and whole[unit]:
            key = (low[unit], None, None)
            atom_size[key] = atom_size.get(key, 0) + whole[unit]
    result: dict[Hashable | None, set[Hashable]] = {None: set(shown_whole)}
    for value in values:
        result[value] = set()
        low_value: dict = {}  # lowest shown unit in this value's tree, for each unit
        size = {}
        for unit in reversed(preorder):
            size[unit] = weight[unit].get(value, 0) + sum(size[c] for c in children[unit])
        order = sorted(parent, key=lambda unit: (depth[unit], -size[unit]))
        for unit in order:
            if size[unit] < k:
                continue
            inside: dict = {}
            new = 0
            members = [(v, weight[v].get(value, 0)) for v in subtree(unit)]
            for v, n in members:
                if not n:
                    continue
                above = low_value.get(v)
                if above is not None:
                    atom = (low[v], value, above)
                elif low[v] is not None:
                    atom = (low[v], None, None)
                else:
                    new += n
                    continue
                inside[atom] = inside.get(atom, 0) + n
            if 0 < new < k:
                continue
            if any(0 < atom_size[atom] - n < k or n < k for atom, n in inside.items()):
                continue
            result[value].add(unit)
            for atom, n in inside.items():
                atom_size[atom] -= n
            for v, n in members:
                low_value[v] = unit
                if n:
                    moved = (low[v], value, unit)
                    atom_size[moved] = atom_size.get(moved, 0) + n
    return result


def shown_in_tree(
    parent: Mapping[Hashable, Hashable | None],
    own: Mapping[Hashable, int],
    *,
    k: int,
    order: Iterable[Hashable] | None = None,
) -> set[Hashable]:
    """shown() for the units of a tree, from counts alone: each unit's group is everyone who
    answered in it or in a unit below it; `own` is how many answered in the unit itself.
    The same result as shown() on those groups, without lists of people (a test holds the
    two together). `order` defaults to the tree from its roots down, larger first."""
    children: dict[Hashable, list] = {unit: [] for unit in parent}
    for unit, up in parent.items():
        if up is not None:
            children[up].append(unit)
    size: dict[Hashable, int] = {}

    def total(unit) -> int:
        if unit not in size:
            size[unit] = own.get(unit, 0) + sum(total(child) for child in children[unit])
        return size[unit]

    for unit in parent:
        total(unit)
    if order is None:
        depth = {}
        for unit in parent:
            d, up = 0, parent[unit]
            while up is not None:
                d, up = d + 1, parent[up]
            depth[unit] = d
        order = sorted(parent, key=lambda unit: (depth[unit], -size[unit]))
    result: set[Hashable] = set()
    # How many of each unit's group are in a shown unit at or below it, kept up to date as
    # units are shown (only the units above a newly shown one change).
    covered: dict[Hashable, int] = dict.fromkeys(parent, 0)

    def apart(unit) -> int:
        """Those of the unit's group in no shown unit below it: its atom, once shown."""
        return size[unit] - sum(covered[child] for child in children[unit])

    def show(unit) -> None:
        result.add(unit)
        covered[unit] = size[unit]
        up = parent[unit]
        while up is not None and up not in result:
            covered[up] = sum(covered[child] for child in children[up])
            up = parent[up]

    for unit in order:
        if size[unit] < k:
            continue
        taken = apart(unit)
        above = parent[unit]
        while above is not None and above not in result:
            above = parent[above]
        if above is None:
            if 0 < taken < k:
                continue
        elif taken and (taken < k or 0 < apart(above) - taken < k):
            continue
        show(unit)
    return result
