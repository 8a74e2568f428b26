from datetime import date

from samtale.conversations.models import Conversation, LikertAnswer
from samtale.core.access import whole_organization_scope
from samtale.insight import jobs, tallies
from samtale.insight.models import Tally
from samtale.insight.selectors import figures_from, raw_likert, unit_tree
from samtale.insight.status import raw_status, status_figures, years_to
from samtale.insight.tests.test_selectors import answered, rated
from samtale.insight.tests.test_status import YEAR, conversation_in, goal_results
from samtale.org.models import Unit


def test_what_is_kept_gives_the_same_figures_as_counting_now(org):
    goal_results(org, org["a"], ["achieved"] * 3 + ["partly"] * 2)
    goal_results(org, org["b"], ["not_achieved"] * 5)
    rated(org, org["a"], [4, 5, 3, 4, 4])
    answered(org, org["b"], [1, 2, 3, 4, 5])
    conversation_in(org, org["b"], postponed_count=1)
    years = years_to(YEAR)
    tree = unit_tree(Unit.objects.all())
    kept, _at = tallies.organization_status(years)
    now = raw_status(whole_organization_scope(), years=years)
    assert status_figures(kept, tree=tree, years=years, k=5) == status_figures(
        now, tree=tree, years=years, k=5
    )
    kept, _at = tallies.organization_likert([YEAR])
    kept_answers = kept[YEAR]
    assert figures_from(kept_answers, tree=tree, k=5) == figures_from(
        raw_likert(LikertAnswer.objects.all()), tree=tree, k=5
    )


def test_the_worker_counts_again_what_changed(org):
    conversation_in(org, org["a"])
    kept, _at = tallies.organization_status([YEAR])
    assert kept[YEAR][org["a"].pk]["planned"] == 1
    conversation_in(org, org["a"])
    kept, _at = tallies.organization_status([YEAR])
    assert kept[YEAR][org["a"].pk]["planned"] == 1  # as counted, until the worker's next count
    jobs.count_insight.call()
    kept, _at = tallies.organization_status([YEAR])
    assert kept[YEAR][org["a"].pk]["planned"] == 2
    assert Tally.objects.filter(kind="status").count() == len(years_to(YEAR))
    assert Tally.objects.filter(kind="likert").count() == len(years_to(YEAR))


def test_an_earlier_year_looked_at_is_counted_again_with_the_last_five(org):
    tallies.organization_status([YEAR - 9])
    jobs.count_insight.call()
    kept = set(Tally.objects.filter(kind="status").values_list("year", flat=True))
    assert kept == {YEAR - 9, *years_to(YEAR)}


def test_a_round_is_counted_once_and_again_by_the_worker_while_open(org):
    from samtale.insight.status import raw_round_status
    from samtale.rounds.models import Round

    round_ = Round.objects.create(
        name="Runde",
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR, 12, 31),
        guide=org["version"].guide,
    )
    Conversation.objects.filter(pk=conversation_in(org, org["a"]).pk).update(round=round_)
    kept, _at = tallies.organization_round(round_)
    assert kept == raw_round_status(whole_organization_scope(), round_)
    assert kept[org["a"].pk]["planned"] == 1
    Conversation.objects.filter(pk=conversation_in(org, org["b"]).pk).update(round=round_)
    assert tallies.organization_round(round_)[0] == kept  # kept, not counted on each visit
    tallies.refresh()
    assert tallies.organization_round(round_)[0][org["b"].pk]["planned"] == 1
