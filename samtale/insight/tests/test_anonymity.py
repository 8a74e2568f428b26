"""The anonymity rule, against an oracle that knows nothing of atoms: from the figures of the
groups shown, a viewer can compute the sum over any set whose indicator is a rational linear
combination of theirs; no such set may have 1 … k−1 people."""

from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from samtale.insight.anonymity import min_group, shown, shown_in_tree, shown_in_tree_filtered


def _rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix, exactly (Gaussian elimination over the rationals)."""
    rows = [row[:] for row in rows]
    rank, columns = 0, len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def _computable(published: list[frozenset], people: int, subset: frozenset) -> bool:
    """Whether the subset's indicator is in the span of the published groups' indicators."""
    if not published:
        return False
    vectors = [[Fraction(int(p in g)) for p in range(people)] for g in published]
    target = [Fraction(int(p in subset)) for p in range(people)]
    return _rank([*vectors, target]) == _rank(vectors)


groups_strategy = st.integers(min_value=1, max_value=9).flatmap(
    lambda people: st.tuples(
        st.just(people),
        st.lists(
            st.frozensets(st.integers(min_value=0, max_value=people - 1)),
            min_size=1,
            max_size=6,
        ),
    )
)


@settings(max_examples=150, deadline=None)
@given(groups_strategy, st.integers(min_value=2, max_value=4))
def test_no_group_below_k_can_be_computed_from_what_is_shown(case, k):
    people, groups = case
    keys = shown(dict(enumerate(groups)), k=k)
    published = [groups[key] for key in keys]
    for size in range(1, k):
        for subset in combinations(range(people), size):
            assert not _computable(published, people, frozenset(subset)), (published, subset)


def _small_atom(published: list[frozenset], people: int, k: int) -> bool:
    """Whether some people who share exactly the same shown groups (in at least one) are
    fewer than k: counted afresh, from each person's memberships."""
    atoms: dict[tuple, int] = {}
    for person in range(people):
        signature = tuple(person in group for group in published)
        if any(signature):
            atoms[signature] = atoms.get(signature, 0) + 1
    return any(n < k for n in atoms.values())


@settings(max_examples=150, deadline=None)
@given(groups_strategy, st.integers(min_value=2, max_value=4))
def test_a_group_is_held_back_only_when_showing_it_would_leave_a_few_apart(case, k):
    """Not safe by showing nothing: each group held back would, added to those shown, set a
    few people apart. (That is stricter than the subtraction a viewer can do with the shown
    figures alone, on purpose: it stays safe when the union of shown groups is shown too, the
    organization's total, say.)"""
    people, groups = case
    keys = shown(dict(enumerate(groups)), k=k)
    published = [groups[key] for key in keys]
    assert not _small_atom(published, people, k)
    for key, group in enumerate(groups):
        if key not in keys and group:
            assert _small_atom([*published, group], people, k), (published, group)


def _tree(sizes: dict[str, int], children: dict[str, list[str]]) -> dict[str, set]:
    """Groups of a unit tree: each leaf unit's people, each parent the union of its own."""
    people, groups = iter(range(10_000)), {}

    def fill(unit: str) -> set:
        own = {next(people) for _ in range(sizes.get(unit, 0))}
        for child in children.get(unit, []):
            own |= fill(child)
        groups[unit] = own
        return own

    fill("org")
    return groups


def test_a_team_of_k_is_shown_and_one_of_k_minus_one_is_not():
    groups = _tree({"a": 5, "b": 4, "c": 6}, {"org": ["a", "b", "c"]})
    # The team of 6 is held back too: the organization minus the two others would be the 4.
    assert shown(groups, k=5, order=["org", "a", "b", "c"]) == {"org", "a"}
    groups = _tree({"a": 5, "b": 4, "c": 6, "d": 5}, {"org": ["a", "b", "c", "d"]})
    assert shown(groups, k=5, order=["org", "a", "b", "c", "d"]) == {"org", "a", "c"}


def test_a_sibling_is_held_back_when_the_parent_minus_it_would_leave_fewer_than_k():
    # 10 in all: showing the team of 6 would give the other 4 by subtraction.
    groups = _tree({"a": 6, "b": 4}, {"org": ["a", "b"]})
    assert shown(groups, k=5, order=["org", "a", "b"]) == {"org"}
    # The same with 11: both teams are large enough, and the parent minus either is too.
    groups = _tree({"a": 6, "b": 5}, {"org": ["a", "b"]})
    assert shown(groups, k=5, order=["org", "a", "b"]) == {"org", "a", "b"}


def test_a_filter_that_differs_from_another_by_a_few_is_held_back():
    """Nurses in a unit, then nurses who answered this period: 7 and 9 differ by 2."""
    everyone = set(range(30))
    groups = {"unit": everyone, "nurses": set(range(7)), "nurses_or_more": set(range(9))}
    assert shown(groups, k=5, order=["unit", "nurses", "nurses_or_more"]) == {"unit", "nurses"}


def test_k_is_at_least_three(settings):
    settings.SAMTALE_MIN_GROUP = 5
    assert min_group() == 5
    settings.SAMTALE_MIN_GROUP = 2
    assert min_group() == 3


@st.composite
def trees(draw):
    units = draw(st.integers(min_value=1, max_value=8))
    parent = {0: None} | {
        u: draw(st.integers(min_value=0, max_value=u - 1)) for u in range(1, units)
    }
    own = {u: draw(st.integers(min_value=0, max_value=7)) for u in range(units)}
    order = draw(st.permutations(list(range(units))))
    return parent, own, order


@settings(max_examples=300, deadline=None)
@given(trees(), st.integers(min_value=2, max_value=5))
def test_the_rule_for_a_tree_from_counts_is_the_rule_for_its_groups(tree, k):
    parent, own, order = tree
    people, members = iter(range(1_000)), {}
    for unit, n in own.items():
        members[unit] = {next(people) for _ in range(n)}
    groups = {}
    for unit in parent:
        groups[unit] = set()
        for other in parent:
            up = other
            while up is not None and up != unit:
                up = parent[up]
            if up == unit:
                groups[unit] |= members[other]
    assert shown_in_tree(parent, own, k=k, order=order) == shown(groups, k=k, order=order)
    assert shown_in_tree(parent, own, k=k) == shown(groups, k=k, order=_roots_down(parent, groups))


def _roots_down(parent, groups):
    def depth(unit):
        d = 0
        while parent[unit] is not None:
            d, unit = d + 1, parent[unit]
        return d

    return sorted(parent, key=lambda unit: (depth(unit), -len(groups[unit])))


# Cells of people (a unit's people of one profession group), weighed by their number --------


@st.composite
def filtered_trees(draw):
    """A small tree whose units' people fall in two profession groups: {unit: {group: n}}."""
    units = draw(st.integers(min_value=1, max_value=4))
    parent = {0: None} | {
        u: draw(st.integers(min_value=0, max_value=u - 1)) for u in range(1, units)
    }
    own = {u: {g: draw(st.integers(min_value=0, max_value=4)) for g in ("a", "b")} for u in parent}
    return parent, own


def _people_of(parent, own):
    """Each (unit, group) cell as people, and the groups a viewer may see: every unit's
    subtree, whole and for each profession group."""
    ids, cells = iter(range(1_000)), {}
    for unit, counts in own.items():
        for group, n in counts.items():
            cells[(unit, group)] = {next(ids) for _ in range(n)}

    def under(unit, other):
        while other is not None and other != unit:
            other = parent[other]
        return other == unit

    groups = {}
    for unit in parent:
        for value in (None, "a", "b"):
            groups[(value, unit)] = set().union(
                *(
                    people
                    for (other, group), people in cells.items()
                    if under(unit, other) and value in (None, group)
                )
            )
    return groups, sum(len(p) for p in cells.values())


@settings(max_examples=200, deadline=None)
@given(filtered_trees(), st.integers(min_value=2, max_value=4))
def test_a_profession_filter_lets_no_group_below_k_be_computed(tree, k):
    """Seen whole and through each profession group, no set of 1 … k−1 people is in the span
    of the figures shown (the oracle), and the whole tree shows what it shows unfiltered."""
    parent, own = tree
    groups, people = _people_of(parent, own)
    result = shown_in_tree_filtered(parent, own, k=k)
    whole = {unit: sum(counts.values()) for unit, counts in own.items()}
    assert result[None] == shown_in_tree(parent, whole, k=k)
    published = [
        frozenset(groups[(value, unit)]) for value, units in result.items() for unit in units
    ]
    for size in range(1, k):
        for subset in combinations(range(people), size):
            assert not _computable(published, people, frozenset(subset)), (published, subset)


def test_a_profession_group_that_leaves_the_others_few_is_held_back():
    """Six teachers and three nurses in one unit (k = 5): the unit is shown, the teachers are
    not (the unit minus them would give the three nurses), nor the nurses."""
    result = shown_in_tree_filtered({"u": None}, {"u": {"lærer": 6, "sykepleier": 3}}, k=5)
    assert result == {None: {"u"}, "lærer": set(), "sykepleier": set()}
    result = shown_in_tree_filtered({"u": None}, {"u": {"lærer": 6, "sykepleier": 5}}, k=5)
    assert result == {None: {"u"}, "lærer": {"u"}, "sykepleier": {"u"}}


@settings(max_examples=300, deadline=None)
@given(filtered_trees(), st.integers(min_value=2, max_value=5))
def test_the_filtered_rule_from_counts_is_the_rule_for_its_groups(tree, k):
    """shown_in_tree_filtered, from counts, gives what shown() gives on the people: the whole
    tree first, then each profession group's, each from its roots down."""
    parent, own = tree
    units = list(parent)

    def depth(unit):
        d = 0
        while parent[unit] is not None:
            d, unit = d + 1, parent[unit]
        return d

    def under(unit, other):
        while other is not None and other != unit:
            other = parent[other]
        return other == unit

    ids, people = iter(range(1_000)), {}
    for u, counts in own.items():
        for g, n in counts.items():
            people[(u, g)] = {next(ids) for _ in range(n)}
    groups = {}
    for unit in units:
        groups[(None, unit)] = set().union(
            *(people[(v, g)] for v in units if under(unit, v) for g in ("a", "b"))
        )
        for g in ("a", "b"):
            groups[(g, unit)] = set().union(*(people[(v, g)] for v in units if under(unit, v)))
    size = {key: len(members) for key, members in groups.items()}
    order = sorted(
        groups, key=lambda key: (key[0] is not None, str(key[0]), depth(key[1]), -size[key])
    )
    expected = {None: set(), "a": set(), "b": set()}
    for value, unit in shown(groups, k=k, order=order):
        expected[value].add(unit)
    assert shown_in_tree_filtered(parent, own, k=k) == expected
