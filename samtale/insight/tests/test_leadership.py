"""Upward feedback: answered privately, published once per round when it closes, and only
for a leader at least k answered about."""

import pytest
from django.urls import reverse

from samtale.conversations import policy as conversations_policy
from samtale.conversations.models import Conversation, LeadershipAnswer, LikertAnswer
from samtale.conversations.selectors import agenda
from samtale.conversations.services import preparation
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.insight.leadership import leadership_snapshot_take
from samtale.insight.models import LeadershipSnapshot
from samtale.org.models import Person
from samtale.rounds.models import Participant, Round
from samtale.rounds.services import round_set_open


@pytest.fixture
def form8(db):
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return Guide.objects.get(key="skjema-8-tema").versions.order_by("-number").first()


def _team(people, form8, n):
    """A round of n conversations the leader holds, each employee new in the leader's team."""
    round_ = Round.objects.create(
        name="Runde", period_start="2026-01-01", period_end="2026-12-31", guide=form8.guide
    )
    conversations = []
    for i in range(n):
        employee = Person.objects.create(
            email=f"m{i}@x.example",
            first_name=f"M{i}",
            unit=people.employee.unit,
            manager=people.leader,
        )
        c = Conversation.objects.create(
            employee=employee,
            leader=people.leader,
            guide_version=form8,
            status="invited",
            round=round_,
        )
        Participant.objects.create(
            round=round_, person=employee, holder=people.leader, conversation=c
        )
        conversations.append(c)
    return round_, conversations


def _answer(c, value):
    for key in ("skjema-ledelse-1", "skjema-ledelse-2"):
        preparation.likert_answer(actor=c.employee, conversation=c, statement_key=key, value=value)


def test_an_answer_about_the_leader_is_kept_apart_and_never_shown_to_the_leader(people, form8):
    round_, (c,) = _team(people, form8, 1)
    _answer(c, 2)
    preparation.likert_answer(
        actor=c.employee, conversation=c, statement_key="skjema-ledelse-3", value=None
    )
    assert LeadershipAnswer.objects.filter(conversation=c).count() == 2
    assert not LikertAnswer.objects.filter(statement_key__startswith="skjema-ledelse").exists()
    # Even with every answer shared, the leader's agenda holds no value about them.
    themes = agenda(
        conversation=c,
        viewer=people.leader,
        notes=conversations_policy.notes_visible_to(people.leader, c),
        answers_visible=True,
    )
    about = next(t for t in themes if t.about_leader)
    assert [s["value"] for s in about.statements] == [None, None, None]
    mine = agenda(
        conversation=c,
        viewer=c.employee,
        notes=conversations_policy.notes_visible_to(c.employee, c),
        answers_visible=True,
    )
    assert [s["value"] for s in next(t for t in mine if t.about_leader).statements] == [2, 2, None]


def test_the_snapshot_is_taken_when_the_round_closes_and_only_from_k(people, form8, settings):
    settings.SAMTALE_MIN_GROUP = 5
    round_, conversations = _team(people, form8, 5)
    for value, c in zip([1, 2, 3, 4, 5], conversations, strict=True):
        _answer(c, value)
    assert not LeadershipSnapshot.objects.exists()  # never live
    round_set_open(actor=people.hr, round=round_, open=False)
    snapshot = LeadershipSnapshot.objects.get(round=round_, leader=people.leader)
    assert snapshot.answered == 5
    assert snapshot.figures == {
        "skjema-ledelse-1": [1, 1, 1, 1, 1],
        "skjema-ledelse-2": [1, 1, 1, 1, 1],
    }


def test_a_leader_fewer_than_k_answered_about_gets_nothing(people, form8, settings):
    settings.SAMTALE_MIN_GROUP = 5
    round_, conversations = _team(people, form8, 4)
    for c in conversations:
        _answer(c, 3)
    leadership_snapshot_take(round=round_)
    snapshot = LeadershipSnapshot.objects.get(round=round_, leader=people.leader)
    assert (snapshot.answered, snapshot.figures) == (4, {})


def test_closing_again_keeps_the_first_snapshot(people, form8, settings):
    """One more answer after the first close can never be isolated by closing again."""
    settings.SAMTALE_MIN_GROUP = 3
    round_, conversations = _team(people, form8, 4)
    for c in conversations[:3]:
        _answer(c, 4)
    round_set_open(actor=people.hr, round=round_, open=False)
    round_set_open(actor=people.hr, round=round_, open=True)
    _answer(conversations[3], 1)
    round_set_open(actor=people.hr, round=round_, open=False)
    snapshot = LeadershipSnapshot.objects.get(round=round_, leader=people.leader)
    assert snapshot.answered == 3
    assert snapshot.figures["skjema-ledelse-1"] == [0, 0, 0, 3, 0]


def test_the_leader_and_their_leader_see_it_and_nobody_else(people, form8, settings, client_for):
    settings.SAMTALE_MIN_GROUP = 3
    round_, conversations = _team(people, form8, 3)
    for c in conversations:
        _answer(c, 5)
    round_set_open(actor=people.hr, round=round_, open=False)
    url = reverse("leadership_feedback")
    assert "Runde: om deg" in client_for("leader").get(url).content.decode()
    assert "Runde: Leif Testesen" in client_for("leaders_leader").get(url).content.decode()
    assert "Runde" not in client_for("other_leader").get(url).content.decode()
    assert client_for("hr").get(url).status_code == 403
    csv = client_for("leader").get(url + "?format=csv").content.decode("utf-8-sig")
    assert "Lederen min har tilstrekkelig kjennskap" in csv and ";3;5,0;0;0;0;0;3" in csv


def test_the_answers_about_the_leader_are_not_in_the_likert_results(people, form8, client_for):
    round_, conversations = _team(people, form8, 5)
    for c in conversations:
        _answer(c, 1)
    page = client_for("hr").get(reverse("likert_results")).content.decode()
    assert "Lederen min" not in page
