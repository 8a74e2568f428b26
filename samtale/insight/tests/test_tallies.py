from datetime import date, datetime

from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.insight import jobs, tallies
from samtale.insight.models import Publication, Tally
from samtale.insight.policy import whole_organization_scope
from samtale.insight.selectors import unit_tree
from samtale.insight.status import raw_status, status_figures, years_to
from samtale.insight.tests.test_status import YEAR, conversation_in
from samtale.org.models import Unit


def test_what_is_kept_gives_the_same_figures_as_counting_now(org):
    conversation_in(org, org["a"], status="signed")
    conversation_in(org, org["b"], postponed_count=1)
    years = years_to(YEAR)
    tree = unit_tree(Unit.objects.all())
    kept, _at = tallies.organization_status(years)
    now = raw_status(whole_organization_scope(), years=years)
    assert status_figures(kept, tree=tree, years=years) == status_figures(
        now, tree=tree, years=years
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
    assert set(Tally.objects.values_list("kind", flat=True)) == {"status"}  # no answers here


def test_the_hourly_job_publishes_the_periods_that_closed(org):
    """The worker's hourly count also publishes last year once it has ended (its answers)."""
    c = conversation_in(org, org["a"], status="signed")
    last_year = timezone.make_aware(datetime(YEAR - 1, 6, 1))
    Conversation.objects.filter(pk=c.pk).update(signed_at=last_year)
    jobs.count_insight.call()
    assert list(Publication.objects.values_list("kind", "year")) == [("year", YEAR - 1)]
    jobs.count_insight.call()
    assert Publication.objects.count() == 1


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


def test_counting_on_the_spot_keeps_every_year_in_one_statement(
    org, django_assert_num_queries, django_assert_max_num_queries
):
    """The first visit of HR's insight page in a municipality not yet counted counts every
    year it shows, on the spot: the years kept in one INSERT, whatever their number (it took
    four statements a year, and the page 44 queries before the first count: issue 74)."""
    conversation_in(org, org["a"], status="signed")
    years = years_to(YEAR)
    assert len(years) > 2
    with django_assert_max_num_queries(4) as counted:  # the counts, then the years kept
        kept, _at = tallies.organization_status(years)
    inserts = [q["sql"] for q in counted.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and Tally.objects.filter(kind="status").count() == len(years)
    assert kept[YEAR][org["a"].pk]["signed"] == 1
    # A second visit reads them.
    with django_assert_num_queries(1):
        tallies.organization_status(years)
    # The worker's count updates them in place, one row a year, no more.
    tallies.count_status(years)
    assert Tally.objects.filter(kind="status").count() == len(years)
