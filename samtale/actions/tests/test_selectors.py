from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from samtale.actions import overview, selectors
from samtale.actions import policy as actions_policy
from samtale.actions.models import Action
from samtale.actions.tests.conftest import days
from samtale.org.models import Person

OSLO = ZoneInfo("Europe/Oslo")


def test_an_action_due_today_is_not_overdue_until_the_day_has_passed_in_oslo():
    action = Action(status="in_progress", deadline=date(2026, 11, 22))
    # 23:30 on the 22nd in Oslo is 22:30 UTC: still the deadline day.
    with time_machine.travel(datetime(2026, 11, 22, 23, 30, tzinfo=OSLO), tick=False):
        assert not selectors.is_overdue(action)
    # 00:30 on the 23rd in Oslo is still the 22nd in UTC, but overdue in Oslo.
    with time_machine.travel(datetime(2026, 11, 23, 0, 30, tzinfo=OSLO), tick=False):
        assert selectors.today() == date(2026, 11, 23)
        assert selectors.is_overdue(action)


def test_done_dropped_and_undated_actions_are_never_overdue():
    past = date(2020, 1, 1)
    assert not selectors.is_overdue(Action(status="done", deadline=past))
    assert not selectors.is_overdue(Action(status="dropped", deadline=past))
    assert not selectors.is_overdue(Action(status="not_started", deadline=None))


def _overview(people, filters=None):
    return overview.leader_overview(
        leader_id=actions_policy.follow_up_leader(people.leader),
        filters=filters or selectors.Filters(),
        on=selectors.today(),
    )


def test_the_overview_counts_each_action_once_overdue_in_progress_or_not_started(people, signed):
    signed(
        people.employee,
        people.leader,
        [
            (days(-3), "employee", "in_progress"),
            (days(0), "leader", "not_started"),
            (days(14), "both", "not_started"),
            (days(-30), "employee", "done"),
        ],
    )
    row = _overview(people)[0]
    assert row.person.pk == people.employee.pk
    # The overdue one is overdue, not also in progress; due today is not overdue yet.
    assert (row.overdue, row.in_progress, row.not_started) == (1, 0, 2)
    assert row.nearest_deadline == days(-3)
    assert row.last_conversation is not None


def test_reports_who_need_attention_come_first(people, signed):
    calm = Person.objects.create_user(
        "calm@test.example", None, first_name="Aase", last_name="Aa", manager=people.leader
    )
    signed(calm, people.leader, [(days(40), "employee", "not_started")])
    signed(people.employee, people.leader, [(days(-1), "employee", "not_started")])
    assert [r.person.pk for r in _overview(people)] == [people.employee.pk, calm.pk]


def test_the_overview_filters_by_responsible_and_deadline(people, signed):
    signed(
        people.employee,
        people.leader,
        [(days(5), "leader", "not_started"), (days(60), "employee", "in_progress")],
    )
    row = _overview(people, selectors.Filters(responsible="leader"))[0]
    assert (row.in_progress, row.not_started) == (0, 1)
    row = _overview(people, selectors.Filters(deadline="30"))[0]
    assert (row.in_progress, row.not_started) == (0, 1)


def test_every_filter_of_the_overview_counts_what_it_names(people, signed):
    signed(
        people.employee,
        people.leader,
        [
            (days(-2), "employee", "in_progress"),
            (days(10), "leader", "not_started"),
            (None, "both", "not_started"),
            (days(100), "employee", "in_progress"),
        ],
    )
    expected = {  # (overdue, in progress, not started) under each filter
        selectors.Filters(): (1, 1, 2),
        selectors.Filters(status="overdue"): (1, 0, 0),
        selectors.Filters(status="in_progress"): (0, 1, 0),
        selectors.Filters(status="not_started"): (0, 0, 2),
        selectors.Filters(responsible="both"): (0, 0, 1),
        selectors.Filters(deadline="overdue"): (1, 0, 0),
        selectors.Filters(deadline="30"): (0, 0, 1),
        selectors.Filters(deadline="90"): (0, 0, 1),
        selectors.Filters(deadline="none"): (0, 0, 1),
        selectors.Filters(status="in_progress", deadline="none"): (0, 0, 0),
    }
    for filters, counts in expected.items():
        row = _overview(people, filters)[0]
        assert (row.overdue, row.in_progress, row.not_started) == counts, filters


def test_a_leader_does_not_see_actions_from_conversations_another_leader_held(people, signed):
    signed(people.employee, people.other_leader, [(days(5), "employee", "not_started")])
    row = _overview(people)[0]
    assert (row.overdue, row.in_progress, row.not_started) == (0, 0, 0)


def test_the_overview_costs_the_same_queries_for_2_or_20_reports(
    people, signed, django_assert_num_queries
):
    def reports(n, start):
        for i in range(n):
            person = Person.objects.create_user(
                f"r{start + i}@test.example",
                None,
                first_name="R",
                last_name=str(start + i),
                manager=people.leader,
            )
            signed(
                person, people.leader, [(days(i - 5), "employee", "not_started") for _ in range(10)]
            )

    reports(1, 0)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        people.leader._samtale_roles = None
        leader = Person.objects.get(pk=people.leader.pk)
        with CaptureQueriesContext(connection) as ctx:
            overview.leader_overview(
                leader_id=actions_policy.follow_up_leader(leader),
                filters=selectors.Filters(),
                on=selectors.today(),
            )
        return len(ctx.captured_queries)

    small = count()
    reports(19, 100)
    assert count() == small


def test_the_one_query_overview_reads_exactly_the_scope_the_access_policy_defines(people, signed):
    # Direct reports; someone else's report with open actions in a conversation this leader
    # holds; a direct report who left; and open actions the leader holds but did not sign.
    signed(people.employee, people.leader, [(days(5), "employee", "in_progress")])
    signed(people.other_employee, people.leader, [(days(5), "leader", "not_started")])
    left = Person.objects.create_user(
        "left@test.example",
        None,
        first_name="Borte",
        last_name="B",
        manager=people.leader,
        is_active=False,
    )
    signed(left, people.leader, [(days(5), "employee", "in_progress")])
    signed(people.leaders_leader, people.other_leader, [(days(5), "employee", "in_progress")])
    overview = {r.person.pk for r in _overview(people)}
    policy = set(actions_policy.follow_up_reports(people.leader).values_list("pk", flat=True))
    assert overview == policy == {people.employee.pk, people.other_employee.pk}
    counted = {r.person.pk: r.open for r in _overview(people)}
    led = selectors.agreed(actions_policy.actions_led_by(people.leader)).filter(
        status__in=selectors.OPEN
    )
    assert counted == {pk: led.filter(employee_id=pk).count() for pk in policy}


def _each_bucket(people, signed):
    """The employee's actions, two in each bucket, in every way one can be in it."""
    signed(
        people.employee,
        people.leader,
        [
            (days(-3), "employee", "in_progress"),  # overdue
            (days(-1), "leader", "not_started"),  # overdue
            (days(0), "employee", "in_progress"),  # due today: in progress
            (None, "both", "in_progress"),
            (days(9), "employee", "not_started"),
            (None, "leader", "not_started"),
            (days(-5), "employee", "done"),
            (days(5), "employee", "done"),
            (days(-5), "employee", "dropped"),
            (None, "employee", "dropped"),
        ],
    )
    return selectors.agreed(actions_policy.actions_led_by(people.leader))


def test_every_action_is_in_exactly_one_bucket(people, signed):
    actions = _each_bucket(people, signed)
    on = selectors.today()
    for action in actions:
        inside = [
            b
            for b in selectors.BUCKETS
            if actions.filter(selectors.bucket_q(b, on), pk=action.pk).exists()
        ]
        assert inside == [selectors.bucket_of(action, on)], action.text
    assert selectors.bucket_counts(actions, on) == {
        "overdue": 2,
        "in_progress": 2,
        "not_started": 2,
    }


def test_the_overviews_sql_counts_the_buckets_as_the_selector_does(people, signed):
    actions = _each_bucket(people, signed)
    on = selectors.today()
    row = _overview(people)[0]
    counted = selectors.bucket_counts(actions, on)
    assert (row.overdue, row.in_progress, row.not_started) == tuple(
        counted[b] for b in selectors.OPEN_BUCKETS
    )
    for bucket in selectors.OPEN_BUCKETS:
        row = _overview(people, selectors.Filters(status=bucket))[0]
        listed = selectors.Filters(status=bucket).apply(actions, on)
        assert row.open == listed.count() == counted[bucket], bucket


def test_the_leaders_below_are_counted_in_the_same_buckets(people, signed):
    actions = _each_bucket(people, signed)
    on = selectors.today()
    rows = selectors.counts_by_leader(
        actions=actions_policy.actions_countable_by(people.hr),
        leaders=Person.objects.filter(pk=people.leader.pk),
        on=on,
    )
    assert rows == [{"leader": people.leader, **selectors.bucket_counts(actions, on)}]
