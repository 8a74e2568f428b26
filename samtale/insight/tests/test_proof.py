"""The proof with every period (insight.publication.proof): the solver agrees with trying
every union by hand, a period is kept with its certificate, one the rule would have let a
small group through is not kept, and HR and the operators see what was checked."""

from datetime import timedelta
from fractions import Fraction
from itertools import combinations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samtale.core import health
from samtale.insight import health as insight_health
from samtale.insight.models import Publication
from samtale.insight.publication import publish
from samtale.insight.publication.solver import solve
from samtale.insight.tests.test_published_groups import YEAR, answered

# Checked by hand --------------------------------------------------------------------------


def _in_span(vector: list, rows: list[list]) -> bool:
    """Whether the vector is a rational combination of the rows (rank unchanged)."""

    def rank(matrix):
        matrix = [[Fraction(x) for x in row] for row in matrix]
        found, column = 0, 0
        width = len(matrix[0]) if matrix else 0
        while found < len(matrix) and column < width:
            pivot = next((i for i in range(found, len(matrix)) if matrix[i][column]), None)
            if pivot is None:
                column += 1
                continue
            matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
            for i in range(len(matrix)):
                if i != found and matrix[i][column]:
                    factor = matrix[i][column] / matrix[found][column]
                    matrix[i] = [
                        a - factor * b for a, b in zip(matrix[i], matrix[found], strict=True)
                    ]
            found += 1
            column += 1
        return found

    return rank(rows) == rank([*rows, vector])


def _by_hand(classes: list, figures: list, k: int) -> list[set]:
    """Every union of classes of 1 … k−1 people whose indicator the figures span."""
    rows = [[int(c in f) for c in range(len(classes))] for f in figures]
    small = [c for c, who in enumerate(classes) if 0 < len(who) < k]
    found = []
    for size in range(1, len(small) + 1):
        for chosen in combinations(small, size):
            if len(frozenset().union(*(classes[c] for c in chosen))) >= k:
                continue
            if _in_span([int(c in chosen) for c in range(len(classes))], rows):
                found.append(set(chosen))
    return found


@st.composite
def systems(draw):
    n_people = draw(st.integers(2, 12))
    classes = draw(
        st.lists(
            st.frozensets(st.integers(0, n_people - 1), min_size=1, max_size=5),
            min_size=1,
            max_size=8,
        )
    )
    figures = draw(
        st.lists(st.sets(st.integers(0, len(classes) - 1), min_size=1), min_size=1, max_size=6)
    )
    return classes, figures, draw(st.integers(2, 5))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_the_solver_finds_what_trying_every_union_by_hand_finds(system):
    """Someone is found exactly when trying every union by hand finds someone; each set
    found is one of those; and every one by hand is a union of sets found."""
    classes, figures, k = system
    found = solve(classes, figures, k=k).found
    by_hand = _by_hand(classes, figures, k)
    assert bool(found) == bool(by_hand)
    assert all(s in by_hand for s in found)
    for s in by_hand:
        assert s == set().union(*(f for f in found if f <= s))


def test_a_parent_minus_its_shown_children_is_found():
    """The demo's school: a unit of 14 whose two teams of 7 and 6 are shown: one person."""
    teams = [frozenset(range(7)), frozenset(range(7, 13)), frozenset({13})]
    solved = solve(teams, [{0, 1, 2}, {0}, {1}], k=5)
    assert solved.found == [{2}] and solved.smallest == 6


# Publishing with the proof ---------------------------------------------------------------


def test_a_period_is_kept_with_what_its_proof_checked(org):
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4, 4])
    publication = publish.publish_due()[0]
    proof = publication.proof
    assert proof["found"] == 0 and proof["k"] == 5
    # The statement's figures: the organization, the enterprise and both teams (the first
    # two sum the same answers: one class each team), HR's all.
    assert proof["figures"] >= 4 and proof["hr_figures"] == proof["figures"]
    assert (proof["rows"], proof["columns"]) == (4, 2) and proof["smallest"] == 5


def test_a_period_the_solver_finds_someone_in_is_not_published(
    org, monkeypatch, _no_period_refused_by_the_proof
):
    """Were the rule to let every group through (here: told to), the team of four beside its
    sibling could be computed from the enterprise: the proof refuses the period, nothing
    is kept, it stays due and the tenant's health says so."""
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4])

    def everything(people, *, published, candidates, k):
        return {key for key, _cells in candidates}

    monkeypatch.setattr(publish, "decide", everything)
    assert publish.publish_due() == []
    assert not Publication.objects.exists()
    assert [str(p) for p in publish.due()] == [f"year {YEAR}"]
    refused = _no_period_refused_by_the_proof.seen
    assert len(refused) == 1 and "groups of fewer than 5 computable" in refused[0]
    refused.clear()
    _ok, checks = health.tenant_health()
    assert checks["insight"] == "unpublished"


def test_hr_sees_the_certificate_under_the_status_analysis(client_for, people, org):
    answered(org, org["a"], [1, 2, 3, 4, 5])
    publish.publish_due()
    page = client_for("hr").get("/innsikt/", {"year": YEAR}).content.decode()
    assert "Kontrollert da tallene ble publisert" in page
    assert "ingen gruppe på færre enn 5 kan regnes ut" in page


def test_the_operators_see_that_the_latest_proof_passed_and_no_figure_of_it(org):
    """The health record goes to the control database and the operators' page: which period
    and that its proof passed, never what it counted (figures, system, smallest group)."""
    answered(org, org["a"], [1, 2, 3, 4, 5])
    (publication,) = publish.publish_due()
    assert publication.proof["figures"] > 0 and publication.proof["smallest"] >= 5
    record = health.tenant_health_record()
    assert record.checks["insight"] == "ok"
    note = record.notes["proof"]
    assert set(note) == {"kind", "number", "published_at", "proved"}
    assert (note["kind"], note["number"], note["proved"]) == ("year", YEAR, True)


@pytest.mark.parametrize("hours", [1, 3])
def test_a_period_is_late_only_when_the_worker_has_had_its_hour(org, hours):
    """A year that ended an hour ago is not late yet; three hours, it is."""
    answered(org, org["a"], [1, 2, 3, 4, 5])
    start_of_year = timezone.make_aware(timezone.datetime(YEAR + 1, 1, 1))
    answer = insight_health.publication_check(start_of_year + timedelta(hours=hours))
    assert answer == ("ok" if hours == 1 else "unpublished")
