"""What a year's publication holds per group: the statements' answers and the ratings, per
unit and profession group, under the rule (insight.publication)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from samtale.conversations.models import Conversation, Feedback, LikertAnswer
from samtale.insight.publication import figures, publish
from samtale.insight.publication.figures import Figure, Withheld
from samtale.insight.publication.measures import LIKERT, SATISFACTION
from samtale.org.models import Person
from samtale.org.selectors import position_of

YEAR = timezone.localdate().year - 1


def signed_in(org, unit, profession="") -> Conversation:
    """A new person in the unit, with a conversation signed last year, stamped there."""
    n = Person.objects.count()
    person = Person.objects.create(
        email=f"p{n}@x.example",
        first_name="P",
        last_name=str(n),
        unit=unit,
        profession_group=profession,
    )
    on = timezone.make_aware(datetime(YEAR, 6, 1, 12)) + timedelta(hours=n)
    return Conversation.objects.create(
        employee=person,
        leader=org["leader"],
        guide_version=org["version"],
        status=Conversation.Status.SIGNED,
        held_at=on - timedelta(days=1),
        signed_at=on,
        counted_as=position_of(person_id=person.pk),
    )


def answered(org, unit, values: list[int], statement="trivsel", profession=""):
    """One person in the unit per value, each answering the statement with it."""
    for value in values:
        LikertAnswer.objects.create(
            conversation=signed_in(org, unit, profession), statement_key=statement, value=value
        )


def rated(org, unit, ratings: list[int | None]):
    """One person in the unit per rating (None: chose not to answer)."""
    for rating in ratings:
        c = signed_in(org, unit)
        f = Feedback.objects.create(conversation=c, rating=rating)
        assert c.signed_at is not None
        Feedback.objects.filter(pk=f.pk).update(at=c.signed_at + timedelta(hours=1))


def published(org, measure, *, profession=None):
    publish.publish_due()
    units = {"org": None, "top": org["top"].pk, "a": org["a"].pk, "b": org["b"].pk}
    groups = {name: figures.unit_group(unit, profession=profession) for name, unit in units.items()}
    got = figures.figures(measures=[measure], groups=groups.values(), years=[YEAR])
    return {name: got[(YEAR, measure, group)] for name, group in groups.items()}


def test_a_team_of_k_is_published_with_its_distribution_and_mean(org):
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4, 4])
    shown = published(org, LIKERT + "trivsel")
    assert shown["a"] == Figure(people=5, counts=(1, 1, 1, 1, 1)) and shown["a"].mean == 3
    assert shown["b"].mean == pytest.approx(4.6)
    assert shown["top"].people == shown["org"].people == 10


def test_a_team_of_k_minus_one_is_withheld_and_so_is_its_sibling(org):
    """Team B has 4: withheld; team A (5) too, or the enterprise minus A would be B."""
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4])
    shown = published(org, LIKERT + "trivsel")
    assert isinstance(shown["a"], Withheld) and isinstance(shown["b"], Withheld)
    assert shown["a"].code == "withheld"
    assert shown["top"].people == 9


def test_fewer_than_k_in_all_is_withheld_everywhere(org):
    answered(org, org["a"], [3, 3, 3, 3])
    shown = published(org, LIKERT + "trivsel")
    assert all(isinstance(v, Withheld) for k, v in shown.items() if k != "b")
    assert shown["b"] is None  # nobody answered there: nothing to withhold


def test_each_statement_has_its_own_groups(org):
    """Someone who skipped a statement is not in its group."""
    answered(org, org["a"], [4, 4, 4, 4, 4], statement="trivsel")
    answered(org, org["a"], [2, 2, 2, 2], statement="ledelse")
    assert published(org, LIKERT + "trivsel")["a"].people == 5
    assert isinstance(published(org, LIKERT + "ledelse")["a"], Withheld)


def test_satisfaction_counts_those_who_rated_and_not_those_who_declined(org):
    rated(org, org["a"], [5, 4, 4, 3, 5, None])
    rated(org, org["b"], [2, 3, 4, 5, 5])
    shown = published(org, SATISFACTION)
    assert shown["a"].people == 5 and shown["a"].mean == pytest.approx(4.2)
    assert shown["org"].people == 10


def test_a_profession_filter_that_would_leave_a_few_apart_is_withheld(org):
    """Team A: six teachers and three nurses; team B: five nurses. Filtered to the
    teachers, team A's six are withheld: team A minus them would give its three nurses."""
    answered(org, org["a"], [4] * 6, profession="Undervisning")
    answered(org, org["a"], [1] * 3, profession="Sykepleie")
    answered(org, org["b"], [2] * 5, profession="Sykepleie")
    whole = published(org, LIKERT + "trivsel")
    assert whole["a"].people == 9 and whole["b"].people == 5
    teachers = published(org, LIKERT + "trivsel", profession="Undervisning")
    assert isinstance(teachers["a"], Withheld)
    nurses = published(org, LIKERT + "trivsel", profession="Sykepleie")
    assert nurses["b"] == Figure(people=5, counts=(0, 5, 0, 0, 0))


@pytest.mark.parametrize("people", [5, 25])
def test_publishing_a_year_reads_the_same_few_queries_whatever_its_size(
    org, people, django_assert_max_num_queries
):
    answered(org, org["a"], [4] * people)
    rated(org, org["b"], [3] * people)
    # What is due (the first answers, the years and rounds published), the publications
    # before, the year's conversations, answers, ratings (and the stamps the ratings lacked,
    # in one update), goals, the agreed goals serving the workplace's and the competence
    # needs, the year's signed conversations and their actions per bucket, the people's
    # lines and the units' tree; then the publication and its figures, written in one
    # transaction (on PostgreSQL under an advisory lock).
    with django_assert_max_num_queries(24 + (connection.vendor == "postgresql")):
        publish.publish_due()


def test_reading_the_figures_of_some_groups_is_two_queries(org, django_assert_num_queries):
    answered(org, org["a"], [4] * 6)
    publish.publish_due()
    with django_assert_num_queries(2):  # the periods with the latest year, the figures
        figures.figures(
            measures=[LIKERT + "trivsel", SATISFACTION],
            groups=[figures.unit_group(None), figures.unit_group(org["a"].pk)],
            years=[YEAR - 1, YEAR],
        )
