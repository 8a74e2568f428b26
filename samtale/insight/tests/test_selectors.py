from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.models import Conversation, Feedback, LikertAnswer
from samtale.insight.selectors import ORGANIZATION, likert_by_unit, satisfaction_by_unit
from samtale.org.models import Person, Unit


def signed_in(org, unit) -> Conversation:
    """A new person in the unit, with a conversation signed ten days ago."""
    n = Person.objects.count()
    person = Person.objects.create(
        email=f"p{n}@x.example", first_name="P", last_name=str(n), unit=unit
    )
    return Conversation.objects.create(
        employee=person,
        leader=org["leader"],
        guide_version=org["version"],
        status=Conversation.Status.SIGNED,
        held_at=timezone.now() - timedelta(days=10),
    )


def answered(org, unit, values: list[int], statement="trivsel"):
    """One person in the unit per value, each answering the statement with it."""
    for value in values:
        LikertAnswer.objects.create(
            conversation=signed_in(org, unit), statement_key=statement, value=value
        )


def figures(k=5):
    return likert_by_unit(answers=LikertAnswer.objects.all(), units=Unit.objects.all(), k=k)


def test_a_team_of_k_is_shown_with_its_distribution_and_mean(org):
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4, 4])
    shown = figures()["trivsel"]
    assert shown[org["a"].pk].people == 5
    assert shown[org["a"].pk].counts == (1, 1, 1, 1, 1)
    assert shown[org["a"].pk].mean == 3
    assert shown[org["b"].pk].mean == pytest.approx(4.6)
    assert shown[org["top"].pk].people == shown[ORGANIZATION].people == 10


def test_a_team_of_k_minus_one_is_left_out_and_so_is_its_sibling(org):
    """Team B has 4: left out; team A (5) too, or the enterprise minus A would be B."""
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 5, 4])
    shown = figures()["trivsel"]
    assert set(shown) == {ORGANIZATION, org["top"].pk}
    assert shown[org["top"].pk].people == 9


def test_fewer_than_k_in_all_shows_nothing(org):
    answered(org, org["a"], [3, 3, 3, 3])
    assert figures()["trivsel"] == {}


def test_each_statement_has_its_own_groups(org):
    """Someone who skipped a statement is not in its group."""
    answered(org, org["a"], [4, 4, 4, 4, 4], statement="trivsel")
    answered(org, org["a"], [2, 2, 2, 2], statement="ledelse")
    result = figures()
    assert result["trivsel"][org["a"].pk].people == 5
    assert result["ledelse"] == {}


def test_the_counts_are_grouped_queries_whatever_the_size(org, django_assert_num_queries):
    answered(org, org["a"], [1, 2, 3, 4, 5] * 4)
    with django_assert_num_queries(2):  # the units, the answers
        figures()


def rated(org, unit, ratings: list[int | None]):
    """One person in the unit per rating, each rating their signed conversation."""
    for rating in ratings:
        Feedback.objects.create(conversation=signed_in(org, unit), rating=rating)


def test_satisfaction_per_unit_counts_those_who_rated_under_the_same_rule(org):
    rated(org, org["a"], [5, 4, 4, 3, 5, None])  # one chose not to answer
    rated(org, org["b"], [2, 3, 4, 5, 5])
    shown = satisfaction_by_unit(feedback=Feedback.objects.all(), units=Unit.objects.all(), k=5)
    assert shown[org["a"].pk].people == 5
    assert shown[org["a"].pk].mean == pytest.approx(4.2)
    assert shown[ORGANIZATION].people == 10
    rated(org, org["b"], [None])
    Feedback.objects.filter(conversation__employee__unit=org["b"], rating=2).delete()
    shown = satisfaction_by_unit(feedback=Feedback.objects.all(), units=Unit.objects.all(), k=5)
    assert set(shown) == {ORGANIZATION, org["top"].pk}  # B has 4: both teams held back
