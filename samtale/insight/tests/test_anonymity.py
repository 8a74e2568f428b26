"""The anonymity rule, pure (insight.anonymity.decide): whatever groups are published, in one
period and the next, no linear combination of them computes the answers of 1 … k−1
people. Checked by the attacker's solver (publication/solver.py), which knows nothing of atoms."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samtale.insight.anonymity import decide, min_group
from samtale.insight.publication.solver import isolations


def cells_of(sizes: dict) -> dict:
    """{cell: people} where each cell's people are numbered apart: {"a": 3} -> a0, a1, a2."""
    return {cell: {f"{cell}{i}" for i in range(n)} for cell, n in sizes.items()}


def test_a_group_of_k_is_published_and_one_of_k_minus_one_is_not():
    people = cells_of({"a": 5, "b": 4})
    shown = decide(people, published=[], candidates=[("A", ["a"]), ("B", ["b"])], k=5)
    assert shown == {"A"}


def test_a_sibling_is_held_back_when_the_parent_minus_it_would_leave_fewer_than_k():
    people = cells_of({"a": 6, "b": 3})
    shown = decide(
        people, published=[], candidates=[("top", ["a", "b"]), ("A", ["a"]), ("B", ["b"])], k=5
    )
    assert shown == {"top"}  # A would give top − A = the three of b


def test_a_year_that_adds_fewer_than_k_to_its_round_is_held_back():
    """Finding 1 in small: the round (5 people) is published when it closes; the year
    counts those 5 and 2 outside the round: year − round would be 2 people."""
    people = cells_of({"in_round": 5, "outside": 2})
    round_figure = decide(people, published=[], candidates=[("round", ["in_round"])], k=5)
    assert round_figure == {"round"}
    year = decide(
        people, published=[["in_round"]], candidates=[("year", ["in_round", "outside"])], k=5
    )
    assert year == set()
    # With 5 outside the round the year adds a group of 5: published.
    people = cells_of({"in_round": 5, "outside": 5})
    year = decide(
        people, published=[["in_round"]], candidates=[("year", ["in_round", "outside"])], k=5
    )
    assert year == {"year"}


def test_one_person_in_two_cells_is_one_person():
    """Someone who moved in the middle of a year has answers in both teams: the two teams
    together have 5 people, not 6, and a team of 3 beside them is one of 3."""
    people = {"a": {"p", "q", "r"}, "b": {"p", "s", "t"}}
    assert decide(people, published=[], candidates=[("both", ["a", "b"])], k=6) == set()
    assert decide(people, published=[], candidates=[("both", ["a", "b"])], k=5) == {"both"}
    # Both published, b is both − a: the answers of p (in b), s and t. Three people.
    shown = decide(people, published=[], candidates=[("both", ["a", "b"]), ("a", ["a"])], k=3)
    assert shown == {"both", "a"}
    shown = decide(people, published=[], candidates=[("both", ["a", "b"]), ("a", ["a"])], k=4)
    assert shown == {"both"}


def test_answers_outside_a_group_by_someone_inside_it_still_count_as_someone():
    """p answered in x (in the group) and in y (outside it): cutting the atom {x, y} leaves
    y, one person's answers, apart; the group is held back."""
    people = {"x": {"p", "q", "r", "s", "t"}, "y": {"p"}}
    shown = decide(people, published=[["x", "y"]], candidates=[("g", ["x"])], k=5)
    assert shown == set()


def test_k_is_at_least_three(settings):
    settings.SAMTALE_MIN_GROUP = 1
    assert min_group() == 3
    settings.SAMTALE_MIN_GROUP = 7
    assert min_group() == 7
    with pytest.raises(ValueError):
        decide({}, published=[], candidates=[], k=0)


# Random cells and groups, published in two periods --------------------------------------


@st.composite
def cases(draw):
    """Cells with their people (a person may be in several), and two batches of candidate
    groups (a period published, then the next decided beside it)."""
    n_people = draw(st.integers(min_value=3, max_value=14))
    n_cells = draw(st.integers(min_value=1, max_value=7))
    people = {
        f"c{c}": set(
            draw(st.lists(st.integers(0, n_people - 1), min_size=1, max_size=6, unique=True))
        )
        for c in range(n_cells)
    }
    cells = sorted(people)
    group = st.lists(st.sampled_from(cells), min_size=1, max_size=n_cells, unique=True)
    first = draw(st.lists(group, max_size=5))
    second = draw(st.lists(group, max_size=5))
    return people, first, second


def _answers(people: dict) -> dict:
    """One answer per person and cell: (cell, person) -> person."""
    return {(cell, p): p for cell, who in people.items() for p in who}


def _as_answers(cells: list, people: dict) -> set:
    return {(cell, p) for cell in cells for p in people[cell]}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(min_value=2, max_value=5))
def test_nothing_published_in_two_periods_lets_fewer_than_k_be_computed(case, k):
    people, first, second = case
    before = decide(people, published=[], candidates=list(enumerate(first)), k=k)
    published = [first[i] for i in sorted(before)]
    after = decide(people, published=published, candidates=list(enumerate(second)), k=k)
    published += [second[i] for i in sorted(after)]
    figures = [_as_answers(g, people) for g in published]
    assert isolations(_answers(people), figures, k=k) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(min_value=2, max_value=5))
def test_a_group_is_held_back_only_when_it_would_leave_an_atom_of_a_few(case, k):
    """Not over-cautious: each group held back had fewer than k people, or would, added to
    what was published before it, leave a set of 1 … k−1 people that no published figure
    tells apart (an atom: counted here directly, from the answers' memberships)."""
    people, first, _second = case
    shown = decide(people, published=[], candidates=list(enumerate(first)), k=k)
    published: list = []
    for i, group in enumerate(first):
        if i in shown:
            published.append(group)
            continue
        if len({p for cell in group for p in people[cell]}) < k:
            continue
        trial = [*published, group]
        memberships: dict = {}
        for cell in people:
            key = tuple(j for j, g in enumerate(trial) if cell in g)
            if key:
                memberships.setdefault(key, set()).update(people[cell])
        assert any(0 < len(who) < k for who in memberships.values()), (group, published)
