from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.guides.models import Guide
from samtale.org.models import Person, Unit
from samtale.rounds import booking, services
from samtale.rounds.models import Participant, Round, Window
from samtale.rounds.tests.conftest import SETTINGS, TODAY, at


def create(actor, units_, guide, **changes):
    values = {
        "name": "Runde",
        "period_start": TODAY,
        "period_end": TODAY + timedelta(days=60),
        "kind": "annual",
        "guide": guide,
        "units": units_,
        **SETTINGS,
    }
    values.update(changes)
    return services.round_create(actor=actor, **values)


def held_by(round_):
    return dict(Participant.objects.filter(round=round_).values_list("person_id", "holder_id"))


# Creating a round ------------------------------------------------------------------


def test_hr_creates_a_round_with_every_permanent_employee_held_by_their_line_manager(
    round_, people
):
    assert held_by(round_) == {
        people.leaders_leader.pk: None,  # the school's head has no leader in the school
        people.leader.pk: people.leaders_leader.pk,
        people.other_leader.pk: people.leaders_leader.pk,
        people.employee.pk: people.leader.pk,
        people.other_employee.pk: people.other_leader.pk,
    }
    assert AuditEntry.objects.filter(action="round.created", object_id=str(round_.pk)).exists()


def test_temporary_and_inactive_people_are_not_taken_in_by_default(people, guide, school):
    people.other_employee.employment_type = Person.EmploymentType.TEMPORARY
    people.other_employee.save()
    people.employee.is_active = False
    people.employee.save()
    round_ = create(people.hr, [school], guide)
    assert people.other_employee.pk not in held_by(round_)
    assert people.employee.pk not in held_by(round_)


def test_a_leader_creates_a_round_only_over_the_people_in_their_line(people, guide, school):
    round_ = create(people.leader, [school], guide)
    assert held_by(round_) == {people.employee.pk: people.leader.pk}


def test_a_leader_with_nobody_in_the_units_is_told_and_nothing_is_created(people, guide):
    with pytest.raises(DomainError) as error:
        create(people.leader, [Unit.objects.get(code="D2")], guide)
    assert error.value.field == "units"
    assert not Round.objects.exists()


def test_an_employee_cannot_create_a_round(people, guide, school):
    with pytest.raises(PermissionDenied):
        create(people.employee, [school], guide)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        (
            {"period_end": TODAY - timedelta(days=1), "period_start": TODAY - timedelta(days=9)},
            "period_end",
        ),
        ({"period_end": TODAY - timedelta(days=1)}, "period_end"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"max_per_day": 0}, "max_per_day"),
        ({"min_days_ahead": 10, "max_days_ahead": 5}, "max_days_ahead"),
        ({"reminder_days": 20, "lead_days": 14}, "reminder_days"),
        ({"units": []}, "units"),
        ({"kind": "yearly"}, "kind"),
    ],
)
def test_bad_round_settings_are_refused_and_nothing_is_created(
    people, guide, school, changes, field
):
    with pytest.raises(DomainError) as error:
        create(people.hr, [school], guide, **changes)
    assert error.value.field == field
    assert not Round.objects.exists()


def test_a_retired_template_cannot_be_used(people, guide, school):
    from django.utils import timezone

    guide.retired_at = timezone.now()
    guide.save()
    with pytest.raises(DomainError) as error:
        create(people.hr, [school], guide)
    assert error.value.field == "guide"


def test_the_round_can_be_renamed_and_closed_but_not_by_a_leader_who_only_holds(round_, people):
    services.round_update(
        actor=people.hr,
        round=round_,
        name="Medarbeidersamtaler 2027 (skolen)",
        period_start=round_.period_start,
        period_end=round_.period_end,
        **{**SETTINGS, "max_per_day": 1},
    )
    round_.refresh_from_db()
    assert (round_.name, round_.max_per_day) == ("Medarbeidersamtaler 2027 (skolen)", 1)
    with pytest.raises(PermissionDenied):
        services.round_set_open(actor=people.leader, round=round_, open=False)
    services.round_set_open(actor=people.hr, round=round_, open=False)
    round_.refresh_from_db()
    assert round_.closed_at is not None
    with pytest.raises(DomainError):
        services.round_update(
            actor=people.hr,
            round=round_,
            name="x",
            period_start=round_.period_start,
            period_end=round_.period_end,
            **SETTINGS,
        )


# Participants --------------------------------------------------------------------


def test_a_temporary_employee_can_be_added_and_someone_removed_with_a_reason(round_, people):
    temp = Person.objects.create_user(
        "vikar@test.example",
        "x",
        first_name="Vera",
        last_name="Vikar",
        unit=people.employee.unit,
        manager=people.leader,
        employment_type=Person.EmploymentType.TEMPORARY,
    )
    added = services.participant_add(actor=people.hr, round=round_, person=temp)
    assert (added.holder, added.added_manually, added.included) == (people.leader, True, True)
    with pytest.raises(DomainError):
        services.participant_add(actor=people.hr, round=round_, person=temp)
    with pytest.raises(DomainError) as error:
        services.participant_remove(actor=people.hr, participant=added, reason=" ")
    assert error.value.field == "reason"
    services.participant_remove(actor=people.hr, participant=added, reason="Slutter i desember")
    added.refresh_from_db()
    assert (added.included, added.removed_reason) == (False, "Slutter i desember")
    # Taken back in: included again, the reason gone.
    again = services.participant_add(actor=people.hr, round=round_, person=temp)
    assert (again.pk, again.included, again.removed_reason) == (added.pk, True, "")


def test_someone_with_a_planned_conversation_is_not_removed(round_, participant, people, window):
    booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
    )
    participant.refresh_from_db()
    with pytest.raises(DomainError):
        services.participant_remove(actor=people.hr, participant=participant, reason="x")
    assert Participant.objects.get(pk=participant.pk).included


def test_hr_moves_one_conversation_to_another_leader(round_, participant, people):
    services.participant_holder_set(
        actor=people.hr, participant=participant, holder=people.other_leader
    )
    assert Participant.objects.get(pk=participant.pk).holder == people.other_leader


@pytest.mark.parametrize("holder", ["employee", "other_employee"])
def test_only_a_leader_can_hold_and_nobody_their_own(round_, participant, people, holder):
    with pytest.raises(DomainError):
        services.participant_holder_set(
            actor=people.hr, participant=participant, holder=getattr(people, holder)
        )
    assert Participant.objects.get(pk=participant.pk).holder == people.leader


def test_hr_shares_a_department_with_another_leader_in_bulk(round_, people):
    result = services.participants_share(
        actor=people.hr,
        round=round_,
        holder=people.other_leader,
        unit=Unit.objects.get(code="D1"),
    )
    # Avdeling 1 and the team below it: the employee and the leader themselves.
    assert (result.moved, result.kept) == (2, 0)
    holders = held_by(round_)
    assert holders[people.employee.pk] == people.other_leader.pk
    assert holders[people.leader.pk] == people.other_leader.pk
    assert holders[people.other_employee.pk] == people.other_leader.pk  # unchanged
    # The log names each one whose conversation changed hands, by id.
    entry = AuditEntry.objects.get(action="round.shared")
    assert entry.data["people"] == sorted([people.employee.pk, people.leader.pk])
    assert entry.data["holder"] == people.other_leader.pk


def test_hr_shares_by_profession_group_and_planned_ones_stay(round_, people, participant, window):
    Person.objects.filter(pk__in=[people.employee.pk, people.other_employee.pk]).update(
        profession_group="Undervisning"
    )
    booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
    )
    result = services.participants_share(
        actor=people.hr, round=round_, holder=people.leaders_leader, profession_group="Undervisning"
    )
    assert (result.moved, result.kept) == (1, 1)
    assert held_by(round_)[people.employee.pk] == people.leader.pk


def test_sharing_needs_a_department_or_a_group(round_, people):
    with pytest.raises(DomainError):
        services.participants_share(actor=people.hr, round=round_, holder=people.leader)


def test_a_leader_who_only_holds_cannot_share_or_move(round_, participant, people):
    with pytest.raises(PermissionDenied):
        services.participant_holder_set(
            actor=people.leader, participant=participant, holder=people.leader
        )


# Windows and the schedule --------------------------------------------------------


def test_a_leader_adds_a_window_and_bad_ones_are_refused(round_, people):
    day = date(2026, 12, 2)
    window = booking.window_add(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        place="Møterom 2",
    )
    bad = [
        (at(day, 12), at(day, 9), "Rom"),  # ends before it begins
        (at(day, 13), at(day, 14), "Rom"),  # shorter than a conversation
        (at(day, 11), at(day, 14), "Rom"),  # overlaps the first
        (at(date(2026, 11, 20), 9), at(date(2026, 11, 20), 12), "Rom"),  # past
        (at(date(2027, 6, 1), 9), at(date(2027, 6, 1), 12), "Rom"),  # after the period
        (at(day, 14), at(day, 17), " "),  # no place
    ]
    for start, end, place in bad:
        with pytest.raises(DomainError):
            booking.window_add(
                actor=people.leader,
                round=round_,
                leader=people.leader,
                starts_at=start,
                ends_at=end,
                place=place,
            )
    assert list(Window.objects.all()) == [window]


def test_a_leader_cannot_give_windows_for_another_leader_but_hr_can(round_, people):
    day = date(2026, 12, 2)
    with pytest.raises(PermissionDenied):
        booking.window_add(
            actor=people.leader,
            round=round_,
            leader=people.other_leader,
            starts_at=at(day, 9),
            ends_at=at(day, 12),
            place="Rom",
        )
    booking.window_add(
        actor=people.hr,
        round=round_,
        leader=people.other_leader,
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        place="Rom",
    )


def test_accepting_plans_the_conversation_in_the_round(round_, participant, people, window):
    [conversation] = booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 10), "Møterom 2")],
    )
    participant.refresh_from_db()
    assert participant.conversation == conversation
    assert (conversation.round, conversation.leader, conversation.employee) == (
        round_,
        people.leader,
        people.employee,
    )
    assert conversation.scheduled_at == at(date(2026, 12, 1), 10)
    assert conversation.duration_minutes == 90
    assert conversation.guide_version.guide == round_.guide


def test_a_double_booked_schedule_changes_nothing(round_, people, window, guide):
    # The other employee is moved to the leader too, then both are put at 09:00.
    other = Participant.objects.get(round=round_, person=people.other_employee)
    services.participant_holder_set(actor=people.hr, participant=other, holder=people.leader)
    mine = Participant.objects.get(round=round_, person=people.employee)
    day = date(2026, 12, 1)
    with pytest.raises(booking.ScheduleRefused) as error:
        booking.schedule_accept(
            actor=people.leader,
            round=round_,
            leader=people.leader,
            chosen=[
                booking.Chosen(mine.pk, at(day, 9), "Rom"),
                booking.Chosen(other.pk, at(day, 10), "Rom"),
            ],
        )
    assert {pid for pid, _ in error.value.problems} == {mine.pk, other.pk}
    assert not Conversation.objects.exists()


def test_the_employee_busy_elsewhere_is_not_double_booked(
    round_, participant, people, window, guide
):
    # A check-in with another leader: busy, but not the annual conversation the round holds
    # (one of those would count as theirs in the round: test_outside_conversations).
    lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.employee,
        leader=people.other_leader,
        guide_version=Guide.objects.get(key="innsjekk").versions.get(),
        scheduled_at=at(date(2026, 12, 1), 9, 30),
    )
    with pytest.raises(booking.ScheduleRefused):
        booking.schedule_accept(
            actor=people.leader,
            round=round_,
            leader=people.leader,
            chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
        )


def test_accepting_twice_does_not_plan_twice(round_, participant, people, window):
    chosen = [booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")]
    booking.schedule_accept(actor=people.leader, round=round_, leader=people.leader, chosen=chosen)
    with pytest.raises(DomainError):
        booking.schedule_accept(
            actor=people.leader, round=round_, leader=people.leader, chosen=chosen
        )
    assert Conversation.objects.count() == 1


def test_another_leader_cannot_accept_for_the_leader(round_, participant, people):
    with pytest.raises(PermissionDenied):
        booking.schedule_accept(
            actor=people.other_leader,
            round=round_,
            leader=people.leader,
            chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
        )


def test_a_leader_holding_someone_outside_their_line_plans_their_conversation(round_, people):
    other = Participant.objects.get(round=round_, person=people.other_employee)
    services.participant_holder_set(actor=people.hr, participant=other, holder=people.leader)
    [conversation] = booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(other.pk, at(date(2026, 12, 2), 9), "Rom")],
    )
    assert conversation.leader == people.leader and conversation.employee == people.other_employee


def test_a_postponed_conversation_gets_its_new_time_from_the_schedule(round_, participant, people):
    booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
    )
    participant.refresh_from_db()
    conversation = participant.conversation
    lifecycle.conversation_postpone(actor=people.leader, conversation=conversation, reason="Syk")
    [again] = booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 3), 9), "Rom")],
    )
    assert again.pk == conversation.pk
    assert again.status == "planned" and again.scheduled_at == at(date(2026, 12, 3), 9)


def test_nothing_can_be_scheduled_in_a_closed_round(round_, participant, people):
    services.round_set_open(actor=people.hr, round=round_, open=False)
    with pytest.raises(DomainError):
        booking.schedule_accept(
            actor=people.leader,
            round=round_,
            leader=people.leader,
            chosen=[booking.Chosen(participant.pk, at(date(2026, 12, 1), 9), "Rom")],
        )


def test_a_round_without_settings_takes_the_routines_defaults(people, guide, school):
    round_ = services.round_create(
        actor=people.hr,
        name="Medarbeidersamtaler",
        period_start=TODAY,
        period_end=TODAY + timedelta(days=120),
        kind="annual",
        guide=guide,
        units=[school],
        max_per_day=1,
    )
    assert (round_.duration_minutes, round_.max_per_day, round_.lead_days) == (90, 1, 14)
