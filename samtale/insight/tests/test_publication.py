"""The publication rule (insight.publication) against the attack that broke the old live
figures: the status analysis through the API, the page, CSV and Excel, as a leader, the
leader's leader and HR.

1. Year minus round: a unit's year and its round differed by 2 people (or 1).
2. A live figure moved by one when one more employee rated.
3. A move revealed the past: after a move, a leader's figures for past years grew by the
   one person (and the former leader's shrank).
"""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.api.tests.helpers import api_as
from samtale.insight.models import Publication, PublishedFigure
from samtale.insight.publication import publish
from samtale.insight.publication.figures import figures_of_kind
from samtale.insight.publication.measures import GOALS, SATISFACTION
from samtale.insight.publication.periods import Period
from samtale.insight.tests.school import at, closed_round, last_year, make_school, moved, signed
from samtale.org.selectors import position_of

# Called as leaders and employees with keys of their own.
pytestmark = pytest.mark.usefixtures("keys_for_everyone")

# Withheld beside another figure (complementary suppression), not for too few (issue 61).
WITHHELD = (
    "Minst 5 svarte, men sammen med andre publiserte tall, her eller andre steder (som "
    "enhetene over eller under, eller en runde samme år), ville dette tallet avsløre "
    "svarene til færre enn 5 personer"
)
YEAR_OPEN = "Publiseres når året er omme"


@pytest.fixture
def s(db):
    return make_school()


def status(person, **query) -> dict:
    response = api_as(person, ["read"]).get("/insight/status", **query)
    assert response.status_code == 200, response.content
    return response.json()


def row_of(body: dict, unit) -> dict:
    """The figures of one unit (None: the node) in an API answer."""
    if unit is None or (body["node"]["unit"] or {}).get("id") == unit:
        return body["node"]["figures"]
    return next(r["figures"] for r in body["below"] if r["unit"]["id"] == unit)


def page(person, **query) -> str:
    client = Client()
    client.force_login(person)
    return client.get(reverse("status_analysis"), query).content.decode()


def download(person, fmt, **query) -> list[list[str]]:
    client = Client()
    client.force_login(person)
    response = client.get(reverse("status_analysis"), {**query, "format": fmt})
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _sign_in_2fa(settings):
    settings.SAMTALE_REQUIRE_2FA = False


# Finding 1: year minus round ------------------------------------------------------------


def year_and_round(s):
    """Last year, Team A: a0 … a4 rated in the round (closed 1 December), a5 and a6 outside
    it in November, a6 with a 1; their goals' results likewise."""
    year = last_year()
    round = closed_round(s, name="Runde", closed=at(year, 12, 1), people=s.a)
    for i, employee in enumerate(s.a[:5]):
        signed(s, employee, on=at(year, 10, 1 + i), round=round, rating=4, goal="achieved")
    signed(s, s.a[5], on=at(year, 11, 3), rating=5, goal="achieved")
    signed(s, s.a[6], on=at(year, 11, 4), rating=1, goal="not_achieved")
    publish.publish_due()
    return year, round


def test_finding_1_a_year_that_adds_two_to_its_round_is_withheld_everywhere(s):
    year, round = year_and_round(s)
    team = s.team_a.pk
    for viewer, query in (
        (s.hr, {"unit": team}),  # HR drilled down to the team
        (s.leader_a, {}),  # the leader: everyone below them is the team
        (s.rektor, {"unit": team}),  # the leader's leader, drilled down
    ):
        in_round = row_of(status(viewer, round=round.pk, **query), query.get("unit"))
        in_year = row_of(status(viewer, year=year, **query), query.get("unit"))
        assert in_round["satisfaction_people"] == 5 and in_round["satisfaction_mean"] == 4
        assert in_year["satisfaction_people"] is None and in_year["satisfaction_mean"] is None
        assert in_year["withheld"]["satisfaction_mean"] == WITHHELD
    # Goal results are published per year only, so no round to subtract: the year's 7 show.
    hr_year = row_of(status(s.hr, year=year, unit=team), team)
    assert hr_year["goals_not_achieved_percent"] == round_to(100 / 7)
    hr_round = row_of(status(s.hr, round=round.pk, unit=team), team)
    assert hr_round["goals_achieved_percent"] is None
    assert "per år" in hr_round["withheld"]["goals_achieved_percent"]


def round_to(x):
    """A share as shown: in whole percent, beside the count it is a share of."""
    return round(x)


def test_finding_1_the_page_and_both_files_say_why_in_the_same_words(s):
    year, _round = year_and_round(s)
    body = page(s.hr, year=year, enhet=s.team_a.pk)
    assert "Skjult" in body and WITHHELD in body
    for fmt in ("csv", "xlsx"):
        rows = download(s.hr, fmt, year=year, enhet=s.team_a.pk)
        header, team = rows[0], next(r for r in rows[1:] if r[1] == "Team A" and r[0] == str(year))
        assert team[header.index("Fornøydhet med samtalen (1–5)")] == WITHHELD
        assert team[header.index("Vurderte samtalen")] == WITHHELD


def test_finding_1_no_viewer_can_isolate_anyone_from_everything_they_fetch(s):
    """The solver over everything each viewer fetches from the API for the year and the
    round, every unit: nothing of fewer than 5 people can be computed."""
    from samtale.insight.tests.test_fetch import assert_nothing_isolated

    year, round = year_and_round(s)
    assert_nothing_isolated(s, years=[year], rounds=[round])


# Finding 2: a live figure moves by one ----------------------------------------------------


def test_finding_2_this_years_figures_are_not_published_and_one_more_rating_shows_nothing(s):
    now = timezone.now()
    for i, employee in enumerate(s.a[:5]):
        signed(s, employee, on=now - timedelta(days=10 + i), rating=4)
    publish.publish_due()
    before = status(s.leader_a)["node"]["figures"]
    assert before["satisfaction_people"] is None
    assert before["withheld"]["satisfaction_mean"] == YEAR_OPEN
    signed(s, s.a[5], on=now - timedelta(days=1), rating=1)
    publish.publish_due()
    after = status(s.leader_a)["node"]["figures"]
    assert after["signed"] == before["signed"] + 1  # counts of conversations are live
    assert answers(after) == answers(before)  # what people answered is not
    assert YEAR_OPEN in page(s.leader_a)


def answers(figures):
    """The figures from people's answers in an API row, with the reasons they are withheld."""
    return {
        name: value
        for name, value in figures.items()
        if name.startswith(("goals_", "satisfaction_")) or name == "withheld"
    }


def test_finding_2_a_rating_after_the_round_closed_does_not_change_the_round(s):
    year = last_year()
    round = closed_round(s, name="Runde", closed=at(year, 6, 1), people=s.a)
    for i, employee in enumerate(s.a[:5]):
        signed(s, employee, on=at(year, 5, 1 + i), round=round, rating=4)
    publish.publish_due()
    before = row_of(status(s.hr, round=round.pk, unit=s.team_a.pk), s.team_a.pk)
    assert before["satisfaction_people"] == 5
    # One more in the round rates after it closed: counted in the next period, not the round.
    signed(s, s.a[5], on=at(year, 6, 10), round=round, rating=1)
    publish.publish_due()
    assert row_of(status(s.hr, round=round.pk, unit=s.team_a.pk), s.team_a.pk) == before


def test_a_period_is_published_once_and_never_changes(s):
    year, round = year_and_round(s)
    figures = list(
        PublishedFigure.objects.values_list(
            "publication_id", "measure", "group", "people", "values"
        )
    )
    assert publish.publish_due() == []
    assert (
        publish.publish(Period(year=year)).pk == Publication.objects.get(year=year, kind="year").pk
    )
    assert (
        list(
            PublishedFigure.objects.values_list(
                "publication_id", "measure", "group", "people", "values"
            )
        )
        == figures
    )


# Finding 3: a move reveals the past -----------------------------------------------------------


def three_years(s):
    """Three past years and two rounds: everyone in both teams rates every year."""
    first = last_year() - 2
    rounds = []
    for year in range(first, first + 3):
        round = None
        if year >= first + 1:
            round = closed_round(s, name=f"Runde {year}", closed=at(year, 11, 1), people=s.a + s.b)
            rounds.append(round)
        for i, employee in enumerate(s.a + s.b):
            signed(
                s, employee, on=at(year, 10, 1 + i), round=round, rating=1 + i % 5, goal="partly"
            )
    publish.publish_due()
    return list(range(first, first + 3)), rounds


ANSWERS = ("goals_", "satisfaction_", "withheld")


def from_answers(body: dict) -> list:
    """The figures from answers of every row of an API answer (the counts of conversations
    and actions are live, by the unit each employee is in now, and move with them)."""
    rows = [body["node"], *body["below"]]
    return [
        (row["unit"], {k: v for k, v in row["figures"].items() if k.startswith(ANSWERS)})
        for row in rows
    ]


def everything(s, years, rounds):
    """All the figures from answers each of the leaders and HR read for every year and
    round."""
    seen = {}
    for viewer, query in (
        (s.leader_a, {}),
        (s.leader_b, {}),
        (s.rektor, {}),
        (s.hr, {}),
        (s.hr, {"unit": s.team_a.pk}),
        (s.hr, {"unit": s.team_b.pk}),
    ):
        for when in [{"year": y} for y in years] + [{"round": r.pk} for r in rounds]:
            seen[(viewer.pk, str(query), str(when))] = from_answers(status(viewer, **query, **when))
    return seen


def test_finding_3_a_move_changes_no_published_figure(s):
    years, rounds = three_years(s)
    before = everything(s, years, rounds)
    moved(s.a[0], s.team_b, s.leader_b)
    publish.publish_due()
    after = everything(s, years, rounds)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []


def test_finding_3_an_answer_counts_where_it_was_given_even_before_its_year_is_published(s):
    """a0 rates this year in Team A, then moves to Team B; when the year is published the
    rating is Team A's (and leader A's), not Team B's."""
    year = timezone.localdate().year
    for i, employee in enumerate(s.a[:5] + s.b[:5]):
        signed(s, employee, on=at(year, 1, 10 + i), rating=5 if employee in s.a else 2)
    moved(s.a[0], s.team_b, s.leader_b)
    with time_machine.travel(at(year + 1, 1, 2), tick=False):
        publish.publish_due()
        a = row_of(status(s.hr, year=year, unit=s.team_a.pk), s.team_a.pk)
        b = row_of(status(s.hr, year=year, unit=s.team_b.pk), s.team_b.pk)
        assert (a["satisfaction_people"], a["satisfaction_mean"]) == (5, 5)
        assert (b["satisfaction_people"], b["satisfaction_mean"]) == (5, 2)
        assert status(s.leader_a, year=year)["node"]["figures"]["satisfaction_people"] == 5
        assert status(s.leader_b, year=year)["node"]["figures"]["satisfaction_people"] == 5


def test_answers_are_stamped_where_the_employee_stands_when_they_are_final(people):
    """Through the real services: signing stamps the conversation, rating the feedback,
    recording a result the goal."""
    from samtale.actions.services import goal_review
    from samtale.conversations.services.lifecycle import conversation_plan
    from samtale.conversations.services.summary import feedback_give
    from samtale.conversations.tests.conftest import THEMES
    from samtale.conversations.tests.summary_steps import signed as signed_by_both
    from samtale.guides.models import Guide, GuideVersion

    version = GuideVersion.objects.create(
        guide=Guide.objects.create(), number=1, name={"nb": "M"}, themes=THEMES
    )
    c = conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=timezone.now() + timedelta(days=1),
    )
    c = signed_by_both(c, people)
    where = position_of(person_id=people.employee.pk)
    assert (
        c.counted_as
        == where
        == {
            "unit": people.employee.unit_id,
            "profession": "",
            "line": [people.leader.pk, people.leaders_leader.pk],
        }
    )
    feedback = feedback_give(actor=people.employee, conversation=c, rating=4)
    assert feedback.counted_as == where
    goal = goal_review(actor=people.leader, goal=c.goals.get(), result="achieved")
    assert goal.counted_as == where


def test_a_round_closing_after_its_year_is_decided_beside_the_year(s):
    """The year (7 in Team A) is published first; the round (5 of them) closes later: the
    round would leave 2 apart from the year, so it is withheld."""
    year = last_year()
    round = closed_round(s, name="Sen runde", closed=at(year + 1, 2, 1), people=s.a)
    for i, employee in enumerate(s.a):
        signed(s, employee, on=at(year, 10, 1 + i), round=round if i < 5 else None, rating=4)
    Publication.objects.all().delete()
    round.closed_at = None
    round.save()
    with time_machine.travel(at(year + 1, 1, 5), tick=False):
        publish.publish_due()  # the year alone
    round.closed_at = at(year + 1, 2, 1)
    round.save()
    with time_machine.travel(at(year + 1, 2, 2), tick=False):
        publish.publish_due()
    in_year = row_of(status(s.hr, year=year, unit=s.team_a.pk), s.team_a.pk)
    in_round = row_of(status(s.hr, round=round.pk, unit=s.team_a.pk), s.team_a.pk)
    assert in_year["satisfaction_people"] == 7
    assert in_round["satisfaction_people"] is None
    assert in_round["withheld"]["satisfaction_mean"] == WITHHELD


def test_a_publication_decided_while_another_was_kept_is_decided_again(s, monkeypatch):
    year, _round = year_and_round(s)
    Publication.objects.filter(kind="year").delete()
    calls = []
    real = publish.decide_period

    def racing(period, **kwargs):
        decision = real(period, **kwargs)
        if not calls:  # another publisher keeps a period meanwhile
            Publication.objects.create(
                kind="year", year=1990, cutoff=at(1991, 1, 1), k=5, published_at=timezone.now()
            )
        calls.append(period)
        return decision

    monkeypatch.setattr(publish, "decide_period", racing)
    kept = publish.publish(Period(year=year))
    assert len(calls) == 2 and kept.year == year


def test_the_goal_results_per_leader_feed_the_rating_habits(s):
    year, _round = year_and_round(s)
    figures, why = figures_of_kind(year=year, measure=GOALS, prefix="r:")
    assert why is None
    assert figures[f"r:{s.leader_a.pk}"].people == 7
    assert figures[f"r:{s.leader_a.pk}"].counts == (6, 0, 1)
    _f, why = figures_of_kind(year=year + 1, measure=SATISFACTION, prefix="u:")
    assert why.code == "year_open"
