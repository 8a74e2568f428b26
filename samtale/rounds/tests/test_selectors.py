from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.org.models import Person, Unit
from samtale.rounds import booking, coverage, scheduling, selectors, services
from samtale.rounds.models import Participant, Round, RoundCount, Window
from samtale.rounds.selectors import counted
from samtale.rounds.tests.conftest import TODAY, at
from testkit.people import goals_version

S = Conversation.Status


def plan(round_, participant, leader, day, hour=9):
    [conversation] = booking.schedule_accept(
        actor=leader,
        round=round_,
        leader=leader,
        chosen=[booking.Chosen(participant.pk, at(day, hour), "Rom")],
    )
    return conversation


def test_progress_counts_each_state_per_unit_and_per_leader(round_, people):
    mine = Participant.objects.get(round=round_, person=people.employee)
    other = Participant.objects.get(round=round_, person=people.other_employee)
    conversation = plan(round_, mine, people.leader, date(2026, 12, 1))
    lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    postponed = plan(round_, other, people.other_leader, date(2026, 12, 2))
    lifecycle.conversation_postpone(actor=people.other_leader, conversation=postponed, reason="Syk")
    progress = selectors.progress(
        counts=RoundCount.objects.filter(round_id=round_.pk), participants=round_.participants.all()
    )
    totals = progress["totals"]
    assert (totals["total"], totals["invited"], totals["postponed"], totals["missing"]) == (
        5,
        1,
        1,
        3,
    )
    by_leader = {row["holder_id"]: row for row in progress["by_leader"]}
    assert by_leader[people.leader.pk]["invited"] == 1
    assert by_leader[people.other_leader.pk]["postponed"] == 1
    assert by_leader[people.leaders_leader.pk]["missing"] == 2
    assert by_leader[None]["total"] == 1  # the school's head: nobody holds it
    by_unit = {row["person__unit__name"]: row for row in progress["by_unit"]}
    assert by_unit["Team 1"]["invited"] == 1
    assert by_unit["Avdeling 2"]["postponed"] == 1
    # The status each participant keeps is the one its conversation has.
    for kept in Participant.objects.filter(conversation__isnull=False).select_related(
        "conversation"
    ):
        assert kept.conversation_status == kept.conversation.status


def _status(conversation, status):
    """A status set on the conversation alone, by a bulk write: the database passes it on to
    the participant (rounds migration 0006)."""
    Conversation.objects.filter(pk=conversation.pk).update(status=status)


def test_held_and_signed_are_counted(round_, people, participant):
    conversation = plan(round_, participant, people.leader, date(2026, 12, 1))
    _status(conversation, S.SIGNED)
    totals = selectors.progress(
        counts=RoundCount.objects.filter(round_id=round_.pk), participants=round_.participants.all()
    )["totals"]
    assert (totals["signed"], totals["held"]) == (1, 0)
    _status(conversation, S.SUMMARY_AGREED)
    totals = selectors.progress(
        counts=RoundCount.objects.filter(round_id=round_.pk), participants=round_.participants.all()
    )["totals"]
    assert (totals["signed"], totals["held"]) == (0, 1)


def test_progress_costs_the_same_queries_for_many_participants(
    round_, people, django_assert_max_num_queries
):
    team = Unit.objects.get(code="T1")
    for i in range(60):
        person = Person.objects.create_user(
            f"p{i}@test.example",
            "x",
            first_name=f"P{i}",
            last_name="Test",
            unit=team,
            manager=people.leader,
        )
        Participant.objects.create(round=round_, person=person, holder=people.leader)
    with django_assert_max_num_queries(4):
        progress = selectors.progress(
            counts=RoundCount.objects.filter(round_id=round_.pk),
            participants=round_.participants.all(),
        )
    assert progress["totals"]["total"] == 65
    with django_assert_max_num_queries(1):
        list(selectors.round_list(rounds=Round.objects.all()))


def test_a_removed_participant_and_a_leaver_do_not_count(round_, people, participant):
    services.participant_remove(actor=people.hr, participant=participant, reason="Permisjon")
    people.other_employee.is_active = False
    people.other_employee.save()
    progress = selectors.progress(
        counts=RoundCount.objects.filter(round_id=round_.pk), participants=round_.participants.all()
    )
    assert (progress["totals"]["total"], progress["removed"]) == (3, 1)
    listed = selectors.round_list(rounds=Round.objects.filter(pk=round_.pk)).get()
    assert (listed.n_participants, listed.n_signed) == (3, 0)
    version = goals_version()
    for n, counting in enumerate(Participant.objects.filter(round=round_, included=True)):
        conversation = Conversation.objects.create(
            employee=counting.person,
            leader=people.leader,
            guide_version=version,
            scheduled_at=at(TODAY + timedelta(days=n), 9),
        )
        Participant.objects.filter(pk=counting.pk).update(conversation=conversation)
        _status(conversation, S.SIGNED)
    listed = selectors.round_list(rounds=Round.objects.filter(pk=round_.pk)).get()
    assert (listed.n_participants, listed.n_signed) == (3, 3)
    empty = Round.objects.create(
        name="Tom runde",
        period_start=round_.period_start,
        period_end=round_.period_end,
        guide=round_.guide,
        created_by=people.hr,
    )
    listed = selectors.round_list(rounds=Round.objects.filter(pk=empty.pk)).get()
    assert (listed.n_participants, listed.n_signed) == (0, 0)


def test_a_participant_keeps_its_persons_unit_and_whether_they_still_work_here(
    round_, people, participant
):
    """Database triggers keep the copy the counts read, however the person changes: a save,
    an update by query (as an import does), a participant saved from a stale copy."""
    stale = Participant.objects.get(pk=participant.pk)
    other_unit = Unit.objects.exclude(pk=people.employee.unit_id).first()

    def copy():
        return Participant.objects.values_list("person_unit_id", "person_active").get(
            pk=participant.pk
        )

    assert copy() == (people.employee.unit_id, True)
    people.employee.unit = other_unit
    people.employee.save()
    assert copy() == (other_unit.pk, True)
    Person.objects.filter(pk=people.employee.pk).update(is_active=False)
    assert copy() == (other_unit.pk, False)
    stale.removed_reason = "Permisjon"
    stale.save()  # its person_unit and person_active are the old ones
    assert copy() == (other_unit.pk, False)
    Participant.objects.filter(pk=participant.pk).delete()
    again = Participant.objects.create(round=round_, person=people.employee)
    assert Participant.objects.values_list("person_unit_id", "person_active").get(pk=again.pk) == (
        other_unit.pk,
        False,
    )


def _recounted(round_):
    """A round's counts counted afresh from its participants, as RoundCount keeps them."""
    return {
        (holder or 0, unit or 0, status): n
        for holder, unit, status, n in selectors.counted(round_.participants.all())
        .values_list("holder_id", "person_unit_id", "conversation_status")
        .annotate(n=Count("*"))
        .order_by()
    }


def _kept(round_):
    return {
        (c.holder_id, c.unit_id, c.status): c.n
        for c in RoundCount.objects.filter(round_id=round_.pk, n__gt=0)
    }


def test_a_rounds_counts_are_kept_whatever_changes(round_, people, participant):
    """The triggers' counts equal a fresh count after each kind of change."""
    assert _kept(round_) == _recounted(round_) and sum(_kept(round_).values()) == 5
    conversation = plan(round_, participant, people.leader, date(2026, 12, 1))
    assert _kept(round_) == _recounted(round_)
    lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    assert _kept(round_) == _recounted(round_)
    other = Participant.objects.get(round=round_, person=people.other_employee)
    services.participant_holder_set(actor=people.hr, participant=other, holder=people.other_leader)
    assert _kept(round_) == _recounted(round_)
    services.participant_remove(actor=people.hr, participant=other, reason="Permisjon")
    assert _kept(round_) == _recounted(round_)
    people.employee.unit = Unit.objects.exclude(pk=people.employee.unit_id).first()
    people.employee.save()
    assert _kept(round_) == _recounted(round_)
    Person.objects.filter(pk=people.leader.pk).update(is_active=False)
    assert _kept(round_) == _recounted(round_)
    Participant.objects.filter(round=round_, person=people.leader).delete()
    assert _kept(round_) == _recounted(round_)
    round_id = round_.pk
    round_.delete()
    assert not RoundCount.objects.filter(round_id=round_id).exists()


def test_the_proposal_uses_the_windows_and_leaves_what_is_booked(
    round_, people, participant, window, guide
):
    lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.leader,
        guide_version=guide.versions.get(),
        scheduled_at=at(date(2026, 12, 1), 9),
    )
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    [slot] = proposal.slots
    # 09:00–10:30 is taken; after the 15 minute break the next time is 10:45.
    assert slot.start == at(date(2026, 12, 1), 10, 45)
    assert slot.place == "Møterom 2"
    assert (proposal.first_day, proposal.last_day) == (date(2026, 11, 30), date(2026, 12, 7))


def test_the_proposal_stays_inside_the_rounds_period(round_, people, participant, window):
    Round.objects.filter(pk=round_.pk).update(period_end=date(2026, 11, 30))
    round_.refresh_from_db()
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    assert proposal.slots == []
    assert proposal.last_day == date(2026, 11, 30)
    [unplaced] = proposal.unplaced
    assert unplaced.reason == scheduling.NO_WINDOWS


def test_a_check_in_series_proposes_the_next_one_when_it_is_due(people, guide, school, participant):
    round_ = services.round_create(
        actor=people.hr,
        name="Innsjekk",
        period_start=TODAY,
        period_end=TODAY + timedelta(days=60),
        kind="weekly",
        guide=guide,
        units=[Unit.objects.get(code="T1")],
        duration_minutes=30,
        buffer_minutes=0,
        max_per_day=4,
        lead_days=7,
        min_days_ahead=1,
        max_days_ahead=14,
        reminder_days=1,
    )
    mine = Participant.objects.get(round=round_)
    Window.objects.create(
        round=round_,
        leader=people.leader,
        starts_at=at(date(2026, 11, 24), 9),
        ends_at=at(date(2026, 11, 24), 12),
        place="Rom",
    )
    first = plan(round_, mine, people.leader, date(2026, 11, 24))
    assert selectors.to_schedule(round=round_) == []
    Conversation.objects.filter(pk=first.pk).update(status=S.SIGNED)
    [(again, earliest)] = selectors.to_schedule(round=round_)
    assert (again.pk, earliest) == (mine.pk, date(2026, 12, 1))


def test_busy_times_count_both_parties(people, guide):
    c = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.employee,
        leader=people.leader,
        guide_version=guide.versions.get(),
        scheduled_at=at(date(2026, 12, 1), 9),
    )
    busy = selectors.busy_for(
        person_ids={people.employee.pk, people.leader.pk},
        start=at(date(2026, 11, 30), 0),
        end=at(date(2026, 12, 8), 0),
    )
    assert {(b.person_id, b.leads) for b in busy} == {
        (people.employee.pk, False),
        (people.leader.pk, True),
    }
    assert all(b.end - b.start == timedelta(minutes=c.duration_minutes) for b in busy)


# Who is missing a signed conversation --------------------------------------------


def signed(person, leader, guide, when):
    return Conversation.objects.create(
        employee=person,
        leader=leader,
        guide_version=guide.versions.get(),
        status=S.SIGNED,
        scheduled_at=when,
        signed_at=when,
    )


@pytest.fixture
def limits():
    return coverage.coverage_limits(today=TODAY)


def test_coverage_finds_who_is_overdue_and_close_per_unit(people, guide, limits):
    long_ago = timezone.make_aware(timezone.datetime(2024, 10, 1, 10))  # 26 months ago
    nearly = timezone.make_aware(timezone.datetime(2025, 1, 5, 10))  # 22.5 months ago
    recent = timezone.make_aware(timezone.datetime(2026, 5, 5, 10))
    signed(people.employee, people.leader, guide, long_ago)
    signed(people.other_employee, people.other_leader, guide, nearly)
    signed(people.leader, people.leaders_leader, guide, recent)
    # Started a month ago and never had one: not yet due.
    Person.objects.filter(pk=people.other_leader.pk).update(start_date=date(2026, 10, 20))
    rows = {
        r["unit__name"]: r
        for r in coverage.coverage_by_unit(people=Person.objects.all(), limits=limits)
    }
    assert (rows["Team 1"]["overdue"], rows["Team 1"]["close"]) == (1, 0)
    assert (rows["Avdeling 2"]["overdue"], rows["Avdeling 2"]["close"]) == (0, 1)
    assert (rows["Avdeling 1"]["overdue"], rows["Avdeling 1"]["close"]) == (0, 0)
    # The per-unit counts (one SQL query) say what the lists of people say, and keep to the
    # people they are given.
    for row in rows.values():
        for which in ("overdue", "close"):
            assert (
                row[which]
                == coverage.coverage_people(
                    people=Person.objects.all(), limits=limits, unit_id=row["unit_id"], which=which
                ).count()
            )
    team_1 = coverage.coverage_by_unit(
        people=Person.objects.filter(unit__name="Team 1"), limits=limits
    )
    assert [r["unit__name"] for r in team_1] == ["Team 1"]
    listed = list(coverage.coverage_people(people=Person.objects.all(), limits=limits))
    assert people.employee in listed and people.other_employee in listed
    assert people.leader not in listed and people.other_leader not in listed
    statuses = {p.pk: coverage.coverage_status(p, limits) for p in listed}
    assert statuses[people.employee.pk] == "overdue"
    assert statuses[people.other_employee.pk] == "close"


def test_only_signed_annual_conversations_count(people, guide, limits):
    check_in = signed(people.employee, people.leader, guide, timezone.now() - timedelta(days=10))
    Conversation.objects.filter(pk=check_in.pk).update(kind="check_in")
    listed = coverage.coverage_people(people=Person.objects.all(), limits=limits, which="overdue")
    assert people.employee in listed


def test_temporary_employees_are_not_required(people, limits):
    Person.objects.filter(pk=people.employee.pk).update(employment_type="temporary")
    assert people.employee not in coverage.coverage_people(
        people=Person.objects.all(), limits=limits
    )


def test_the_interval_is_a_setting(people, guide, settings):
    settings.SAMTALE_CONVERSATION_INTERVAL_MONTHS = 12
    limits = coverage.coverage_limits(today=TODAY)
    signed(
        people.employee, people.leader, guide, timezone.make_aware(timezone.datetime(2025, 8, 1))
    )
    assert (
        coverage.coverage_status(
            coverage.coverage_people(people=Person.objects.all(), limits=limits).get(
                pk=people.employee.pk
            ),
            limits,
        )
        == "overdue"
    )


def test_a_person_keeps_when_their_last_annual_conversation_was_signed(people):
    """Database triggers keep what coverage reads, whatever writes: a conversation signed,
    no longer signed, deleted; a person saved from a stale copy cannot undo it."""
    version = goals_version()
    employee = people.employee
    stale = Person.objects.get(pk=employee.pk)

    def last():
        return Person.objects.values_list("last_signed_at", flat=True).get(pk=employee.pk)

    assert last() is None
    signed_at = timezone.now() - timedelta(days=400)
    older = Conversation.objects.create(
        employee=employee,
        leader=people.leader,
        guide_version=version,
        status=S.SIGNED,
        signed_at=signed_at,
    )
    assert last() == signed_at
    newer = Conversation.objects.create(
        employee=employee, leader=people.leader, guide_version=version, status=S.HELD
    )
    assert last() == signed_at
    Conversation.objects.filter(pk=newer.pk).update(status=S.SIGNED, signed_at=timezone.now())
    assert last() > signed_at
    stale.job_title = "Rådgiver"
    stale.save()  # its last_signed_at is None
    assert last() > signed_at
    newer.delete()
    assert last() == signed_at
    Conversation.objects.filter(pk=older.pk).update(kind=Conversation.Kind.CHECK_IN)
    assert last() is None


def test_coverage_costs_the_same_queries_for_many_people(
    people, limits, django_assert_max_num_queries
):
    team = Unit.objects.get(code="T1")
    Person.objects.bulk_create(
        Person(email=f"x{i}@test.example", first_name="X", last_name=str(i), unit=team)
        for i in range(80)
    )
    # The employees per unit, the overdue and close per unit, the units' names.
    with django_assert_max_num_queries(3):
        coverage.coverage_by_unit(people=Person.objects.all(), limits=limits)
    with django_assert_max_num_queries(2):
        list(coverage.coverage_people(people=Person.objects.all(), limits=limits)[:50])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 23), -24, date(2024, 11, 23)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 15), -22, date(2024, 3, 15)),
    ],
)
def test_months_are_added_as_a_calendar_does(day, months, expected):
    assert coverage.add_months(day, months) == expected


def test_the_profession_groups_are_those_of_the_participants_who_count(round_, people):
    """Read group by group from the people's index: a removed participant, a leaver and
    someone outside the round do not bring their group; a participant without a unit does."""
    team = people.employee.unit
    made = {}
    for name, group, unit in [
        ("a", "Undervisning", team),
        ("b", "Helsefag", team),
        ("c", "Renhold", team),  # removed from the round
        ("d", "Teknisk", team),  # has left
        ("e", "Ledelse", None),  # no unit
        ("f", "Kantine", team),  # not in the round
        ("g", "", team),  # no group
    ]:
        made[name] = Person.objects.create_user(
            f"{name}@groups.example",
            "x",
            first_name=name,
            last_name="G",
            profession_group=group,
            unit=unit,
        )
    for name in "abcdeg":
        Participant.objects.create(round=round_, person=made[name])
    Participant.objects.filter(round=round_, person=made["c"]).update(included=False)
    made["d"].is_active = False
    made["d"].save()
    expected = sorted(
        counted(round_.participants.all())
        .exclude(person__profession_group="")
        .values_list("person__profession_group", flat=True)
        .distinct()
    )
    assert selectors.profession_groups(round=round_) == expected
    assert {"Undervisning", "Helsefag", "Ledelse"} <= set(expected)
    assert not {"Renhold", "Teknisk", "Kantine", ""} & set(expected)
