"""Everything one viewer can fetch, solved for what it reveals: the attack on the figures from
answers, repeated against random organizations.

For each viewer (HR, every leader who has the status analysis) the test walks the status
analysis through the API for every year and round, drilling down to every unit they can
reach, HR's answers page as CSV for every unit and profession group, and HR's competence
plans through the API for every unit and year (the competence needs agreed, issue 48;
every other reader of a plan reads some of the units' groups HR reads). Each figure it
gets is matched with the answers it must sum, from the test's own ledger of who answered
what, where and when (school.Answer): the number of people and the mean must agree, so the
figure is known to cover exactly those answers. The attacker's solver (publication/solver.py) then
tries every way of adding and subtracting them: no set of answers of 1 … k−1 people may come
out. Hypothesis draws the organizations: team sizes, who answers and how, rounds that close
in the year or after it, moves between teams, late answers after a round closed.
"""

import csv
import io
import os
from collections import defaultdict
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samtale.api.tests.helpers import api_as
from samtale.insight.anonymity import min_group
from samtale.insight.policy import may_see_status
from samtale.insight.publication import publish
from samtale.insight.publication.solver import isolations
from samtale.insight.tests.school import at, closed_round, make_school, moved, signed
from samtale.org.models import Unit

# Called as leaders and employees with keys of their own.
pytestmark = pytest.mark.usefixtures("keys_for_everyone")

# Random organizations per run: a few in the test suite (each of CI's two database runs
# draws its own), many in `make bench-solver`, where the search is the point.
EXAMPLES = int(os.environ.get("SAMTALE_SOLVER_EXAMPLES", "4"))
# What the runs found, for the closing figures (printed with -s).
RUN = {"examples": 0, "largest": 0, "figures": 0, "plans": 0, "isolated": 0}


@pytest.fixture(scope="module", autouse=True)
def _what_the_runs_found():
    yield
    if RUN["examples"]:
        print(
            f"\nsolver: {RUN['examples']} random organizations (up to {RUN['largest']} people), "
            f"up to {RUN['figures']} figures fetched by one viewer, {RUN['plans']} competence "
            f"plans with figures in all; isolated: {RUN['isolated']}"
        )


def _subtree(unit: int | None) -> set | None:
    """The unit and those below it (None: every unit)."""
    if unit is None:
        return None
    parent = dict(Unit.objects.values_list("pk", "parent_id"))
    below = {unit}
    changed = True
    while changed:
        changed = False
        for pk, up in parent.items():
            if up in below and pk not in below:
                below.add(pk)
                changed = True
    return below


def _in_period(answer, *, year: int | None, round) -> bool:
    if round is not None:
        return answer.round == round.pk and answer.at <= round.closed_at
    return timezone.localtime(answer.at).year == year


def members(s, measure, *, year=None, round=None, unit=None, leader=None, profession=None):
    """The answers a figure sums, by the ledger: the period, where the answer was given (the
    unit's subtree, a leader's line) and the profession group of the one who gave it."""
    units = _subtree(unit)
    professions = {p.pk: p.profession_group for p in (*s.a, *s.b)}
    return {
        n
        for n, a in enumerate(s.ledger)
        if a.measure == measure
        and _in_period(a, year=year, round=round)
        and (units is None or a.unit in units)
        and (leader is None or leader in a.line)
        and (profession is None or professions.get(a.person) == profession)
    }


def _check(s, found: set, people: int, mean: float | None, measure: str):
    answers = [s.ledger[n] for n in found]
    assert len({a.person for a in answers}) == people, (measure, people, answers)
    if mean is not None:
        assert round(sum(a.value for a in answers) / len(answers), 2) == round(mean, 2)


def _status_figures(s, viewer) -> list[tuple[str, set]]:
    """(measure, answers) of every figure from answers the viewer reads in the status
    analysis through the API: every year and round, every unit they can drill down to."""
    api = api_as(viewer, ["read"])
    leader = None if viewer.is_hr else viewer.pk
    years = sorted({timezone.localtime(a.at).year for a in s.ledger})
    periods = [{"year": y} for y in years] + [{"round": r.pk} for r in s.rounds]
    figures = []
    for when in periods:
        year = when.get("year")
        round = next((r for r in s.rounds if r.pk == when.get("round")), None)
        todo: list[Any] = [None]
        seen: set[Any] = set()
        while todo:
            unit = todo.pop()
            if unit in seen:
                continue
            seen.add(unit)
            response = api.get("/insight/status", **when, **({"unit": unit} if unit else {}))
            if response.status_code == 404:  # a round the viewer's line is not in
                assert round is not None and unit is None, response.content
                break
            body = response.json()
            rows = [(body["node"]["unit"], body["node"]["figures"])]
            rows += [(r["unit"], r["figures"]) for r in body["below"]]
            for ref, got in rows:
                at_unit = ref["id"] if ref else None
                if ref:
                    todo.append(ref["id"])
                if got["satisfaction_people"] is not None:
                    found = members(
                        s, "satisfaction", year=year, round=round, unit=at_unit, leader=leader
                    )
                    _check(s, found, got["satisfaction_people"], got["satisfaction_mean"], "sat")
                    figures.append(("satisfaction", found))
                if got["goals_achieved_percent"] is not None:
                    found = members(s, "goals", year=year, unit=at_unit, leader=leader)
                    achieved = sum(1 for n in found if s.ledger[n].value == "achieved")
                    assert round_(100 * achieved / len(found)) == got["goals_achieved_percent"]
                    assert got["goals_rated"] == len(found)
                    figures.append(("goals", found))
    return figures


def round_(x):
    return round(x)


def _answers_page_figures(s, viewer) -> list[tuple[str, set]]:
    """(measure, answers) of every figure HR reads on the answers page, as CSV, for every
    year, unit and profession group."""
    client = Client()
    client.force_login(viewer)
    units = {u.name: u.pk for u in Unit.objects.all()}
    figures = []
    years = sorted({timezone.localtime(a.at).year for a in s.ledger})
    for profession in (None, "Lærer", "Assistent"):
        for unit in [None, *units.values()]:
            for year in years:
                query: dict[str, Any] = {"year": year, "format": "csv"}
                if unit:
                    query["enhet"] = unit
                if profession:
                    query["yrke"] = profession
                text = client.get(reverse("likert_results"), query).content.decode("utf-8-sig")
                rows = list(csv.reader(io.StringIO(text), delimiter=";"))
                for row in rows[1:]:
                    y, statement, area, name, people, mean = row[:6]
                    if not people or area == statement:
                        continue  # withheld (a note), or an area: a sum of statements shown
                    measure = (
                        "satisfaction"
                        if statement == "Hvor fornøyd med samtalen"
                        else "likert:" + statement
                    )
                    at_unit = units.get(name)
                    found = members(s, measure, year=int(y), unit=at_unit, profession=profession)
                    _check(s, found, int(people), float(mean.replace(",", ".")), measure)
                    figures.append((measure, found))
    return figures


def _plan_figures(s, viewer) -> list[tuple[str, set]]:
    """(measure, answers) of every competence plan the viewer reads through the API: the
    organization's and every unit's, every year; a plan summing its rounds' figures sums
    their answers."""
    api = api_as(viewer, ["read"])
    figures = []
    years = sorted({timezone.localtime(a.at).year for a in s.ledger})
    for unit in [None, *Unit.objects.values_list("pk", flat=True)]:
        for year in years:
            body = api.get("/competence-plan", year=year, **({"unit": unit} if unit else {}))
            body = body.json()
            if body["withheld"] or not body["rows"] or body["rows"][0]["agreed"] is None:
                continue
            if body["rounds"]:
                found = set()
                for name in body["rounds"]:
                    round = next(r for r in s.rounds if r.name == name)
                    found |= members(s, "competence", round=round, unit=unit)
            else:
                found = members(s, "competence", year=year, unit=unit)
                _check(s, found, body["people"], None, "competence")
            agreed = {row["kind"]: row["agreed"] for row in body["rows"]}
            for kind, n in agreed.items():
                assert n == sum(1 for i in found if s.ledger[i].value == kind), (kind, body)
            figures.append(("competence", found))
            RUN["plans"] += 1
    return figures


def assert_nothing_isolated(s, *, years=None, rounds=None) -> int:
    """Every viewer's fetched figures, solved: nothing of 1 … k−1 people comes out. Returns
    how many figures were fetched."""
    k = min_group()
    viewers = [s.hr] + [p for p in (s.rektor, s.leader_a, s.leader_b) if may_see_status(p)]
    owner = {n: a.person for n, a in enumerate(s.ledger)}
    fetched = 0
    for viewer in viewers:
        figures = _status_figures(s, viewer)
        if viewer.is_hr:
            figures += _answers_page_figures(s, viewer)
            figures += _plan_figures(s, viewer)
        by_measure = defaultdict(list)
        for measure, found in figures:
            by_measure[measure].append(found)
        for measure, sets in by_measure.items():
            answers: dict[Hashable, Hashable] = {
                n: p for n, p in owner.items() if s.ledger[n].measure == measure
            }
            isolated = isolations(answers, sets, k=k)
            assert isolated == [], (viewer.email, measure, isolated)
        fetched += len(figures)
    return fetched


# Random organizations --------------------------------------------------------------------


@st.composite
def histories(draw):
    """Team sizes, and two past years of answers: who rates (1–5) and answers a statement,
    in a round or not, who moves between the teams first, and rounds closing in the year,
    in the next, or with a late answer after they closed."""
    a = draw(st.integers(min_value=3, max_value=9))
    b = draw(st.integers(min_value=2, max_value=8))
    events = []
    for year_offset in (2, 1):
        round_close = draw(st.sampled_from([None, (10, 0), (12, 0), (2, 1)]))  # month, +year
        for person in range(a + b):
            if draw(st.integers(0, 9)) < 2:
                continue  # did not answer this year
            events.append(
                (
                    year_offset,
                    draw(st.integers(1, 11)),  # month
                    person,
                    draw(st.integers(1, 5)),  # rating
                    draw(st.integers(1, 5)),  # statement
                    round_close is not None and draw(st.booleans()),
                    draw(st.booleans()) and person < a,  # a move to the other team after
                    draw(st.sampled_from([None, "course", "guidance"])),  # a competence need
                )
            )
        events.append((year_offset, "round", round_close))
    return a, b, events


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(histories())
def test_no_viewer_can_isolate_anyone_in_a_random_organization(db, history):
    a, b, events = history
    with transaction.atomic():
        s = make_school(a=a, b=b)
        everyone = s.a + s.b
        this_year = timezone.localdate().year
        for year_offset in (2, 1):
            year = this_year - year_offset
            close = next(e[2] for e in events if e[0] == year_offset and e[1] == "round")
            round = None
            if close is not None:
                month, later = close
                round = closed_round(
                    s, name=f"Runde {year}", closed=at(year + later, month, 25), people=everyone
                )
            for _o, month, n, rating, value, in_round, move, competence in sorted(
                (e for e in events if e[0] == year_offset and e[1] != "round"),
                key=lambda e: (e[1], e[2]),
            ):
                on = at(year, month, 1 + n % 27)
                publish.publish_due(now=on)
                signed(
                    s,
                    everyone[n],
                    on=on,
                    round=round if in_round else None,
                    rating=rating,
                    statements={"trivsel": value},
                    goal=("achieved", "partly", "not_achieved")[value % 3],
                    competence=competence,
                )
                if move:
                    other = s.team_b if everyone[n].unit_id == s.team_a.pk else s.team_a
                    boss = s.leader_b if other == s.team_b else s.leader_a
                    moved(everyone[n], other, boss)
        publish.publish_due()
        fetched = assert_nothing_isolated(s)
        RUN["examples"] += 1
        RUN["largest"] = max(RUN["largest"], a + b)
        RUN["figures"] = max(RUN["figures"], fetched)
        transaction.set_rollback(True)


def test_the_solver_finds_a_year_minus_its_round_when_both_are_shown(db):
    """The solver is not blind: given the two figures the old pages showed (a team's year
    of 7 and its round of 5), it finds the two outside the round."""
    s = make_school()
    year = timezone.localdate().year - 1
    round = closed_round(s, name="Runde", closed=at(year, 12, 1), people=s.a)
    for i, employee in enumerate(s.a):
        signed(s, employee, on=at(year, 10, 1 + i), round=round if i < 5 else None, rating=4)
    in_year = members(s, "satisfaction", year=year, unit=s.team_a.pk)
    in_round = members(s, "satisfaction", round=round, unit=s.team_a.pk)
    owner = {n: a.person for n, a in enumerate(s.ledger)}
    found = isolations(owner, [in_year, in_round], k=5)
    assert [{s.ledger[n].person for n in f} for f in found] == [{s.a[5].pk, s.a[6].pk}]


def test_stamps_come_from_the_ledger_not_the_move(db):
    """Sanity of the harness: a move after an answer leaves the ledger's unit where it was."""
    s = make_school()
    signed(s, s.a[0], on=timezone.now() - timedelta(days=3), rating=3)
    moved(s.a[0], s.team_b, s.leader_b)
    assert s.ledger[0].unit == s.team_a.pk and s.ledger[0].line == (s.leader_a.pk, s.rektor.pk)
    assert isinstance(s.ledger[0].at, datetime)
