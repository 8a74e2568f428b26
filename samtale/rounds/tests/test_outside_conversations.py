"""A conversation planned outside a round (no round set) for someone who takes part in it
counts as their conversation in the round, when it is what the round holds: the round's
counts, its participant list, HR's figures of the round and the scheduling assistant all
see it (rounds.selectors.outside_conversations, services.participants_link)."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.models import AuditEntry
from samtale.guides.models import GuideVersion
from samtale.guides.selectors import current_version
from samtale.insight.policy import whole_organization_scope
from samtale.insight.status import raw_round_status
from samtale.rounds import booking, policy, selectors, services
from samtale.rounds.models import Participant
from samtale.rounds.tests.conftest import SETTINGS, TODAY, at, hr_round

S = Conversation.Status
IN_PERIOD = at(date(2026, 12, 10), 9)  # the round runs 120 days from Monday 23 November


def plan_outside(people, version, when=IN_PERIOD, *, leader=None, employee=None):
    """The leader plans the employee's conversation by hand, not in any round."""
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=employee or people.employee,
        leader=leader or people.leader,
        guide_version=version,
        scheduled_at=when,
    )


@pytest.fixture
def version(guide):
    return current_version(guide)


def fresh(participant) -> Participant:
    return Participant.objects.select_related("conversation").get(pk=participant.pk)


def test_it_counts_a_conversation_planned_outside_the_round_as_the_participants(
    round_, people, participant, version
):
    conversation = plan_outside(people, version)
    participant = fresh(participant)
    assert participant.conversation == conversation
    assert participant.conversation_status == S.PLANNED
    assert Conversation.objects.get(pk=conversation.pk).round == round_
    assert conversation.round == round_  # the planner's own object knows it too
    entry = AuditEntry.objects.get(action="round.conversations_linked")
    assert entry.data["conversations"] == [conversation.pk]


def test_the_rounds_counts_and_list_show_it(round_, people, participant, version):
    before = selectors.progress(
        counts=policy.round_counts_visible_to(people.hr, round_),
        participants=round_.participants.all(),
    )["totals"]
    plan_outside(people, version)
    after = selectors.progress(
        counts=policy.round_counts_visible_to(people.hr, round_),
        participants=round_.participants.all(),
    )["totals"]
    assert (after["planned"], after["missing"]) == (before["planned"] + 1, before["missing"] - 1)
    planned = selectors.participant_list(participants=round_.participants.all(), state="planned")
    assert [p.person for p in planned] == [people.employee]


def test_the_round_page_shows_it_planned(client_for, round_, people, participant, version):
    plan_outside(people, version)
    page = client_for("hr").get(reverse("round_detail", args=[round_.pk]) + "?state=planned")
    assert people.employee.full_name in page.content.decode()
    assert "10.12.2026" in page.content.decode()


def test_the_scheduling_assistant_proposes_no_second_conversation(
    round_, people, participant, version, window
):
    plan_outside(people, version)
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    assert participant.pk not in proposal.participants
    assert participant.pk not in [p.pk for p, _ in selectors.to_schedule(round=round_)]


def test_one_planned_without_a_time_is_given_one_not_doubled(
    round_, people, participant, version, window
):
    conversation = plan_outside(people, version, when=None)
    assert fresh(participant).conversation == conversation
    proposal = selectors.proposal(round=round_, leader=people.leader, today=TODAY)
    slot = next(s for s in proposal.slots if s.participant_id == participant.pk)
    booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, slot.start, slot.place)],
    )
    assert list(Conversation.objects.filter(employee=people.employee)) == [conversation]
    assert Conversation.objects.get(pk=conversation.pk).scheduled_at == slot.start


def test_hr_insight_of_the_round_counts_it(round_, people, participant, version):
    plan_outside(people, version)
    counted = raw_round_status(whole_organization_scope(), round_)
    assert sum(c["planned"] for c in counted.values()) == 1


def test_a_conversation_planned_before_the_round_counts_when_the_round_is_created(
    people, guide, version, school
):
    conversation = plan_outside(people, version)
    round_ = hr_round(people, guide, school)
    participant = Participant.objects.get(round=round_, person=people.employee)
    assert participant.conversation == conversation
    assert Conversation.objects.get(pk=conversation.pk).round == round_


def test_a_participant_added_later_brings_their_conversation(people, guide, version, school):
    # Someone outside the leader's line, whom HR adds to the leader's round by hand.
    conversation = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.other_leader,
        guide_version=version,
        scheduled_at=IN_PERIOD,
    )
    round_ = services.round_create(
        actor=people.leader,
        name="Min runde",
        period_start=TODAY,
        period_end=TODAY + timedelta(days=120),
        kind="annual",
        guide=guide,
        units=[school],
        **SETTINGS,
    )
    assert Conversation.objects.get(pk=conversation.pk).round is None  # not in the round yet
    added = services.participant_add(actor=people.hr, round=round_, person=people.other_employee)
    assert added.conversation == conversation
    assert added.holder == people.other_leader


def test_a_longer_period_takes_in_a_conversation_planned_after_it(
    round_, people, participant, version
):
    later = round_.period_end + timedelta(days=10)
    conversation = plan_outside(people, version, when=at(later, 9))
    assert fresh(participant).conversation is None
    services.round_update(
        actor=people.hr,
        round=round_,
        name=round_.name,
        period_start=round_.period_start,
        period_end=later,
        **SETTINGS,
    )
    assert fresh(participant).conversation == conversation


def test_moved_into_the_period_it_counts(round_, people, participant, version):
    conversation = plan_outside(people, version, when=at(round_.period_end + timedelta(days=3), 9))
    assert fresh(participant).conversation is None
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=conversation,
        scheduled_at=IN_PERIOD,
        duration_minutes=90,
        place="",
    )
    assert fresh(participant).conversation == conversation


@pytest.mark.parametrize("case", ["outside the period", "a check-in", "cancelled", "closed round"])
def test_what_the_round_does_not_hold_does_not_count(round_, people, participant, version, case):
    if case == "outside the period":
        plan_outside(people, version, when=at(round_.period_end + timedelta(days=1), 9))
    elif case == "a check-in":
        check_in = GuideVersion.objects.create(
            guide=version.guide, number=99, name={"nb": "Innsjekk"}, kind="check_in"
        )
        plan_outside(people, check_in)
    elif case == "cancelled":
        Conversation.objects.create(
            employee=people.employee,
            leader=people.leader,
            guide_version=version,
            scheduled_at=IN_PERIOD,
            status=S.CANCELLED,
        )
        services.participants_link(actor=people.hr, round=round_)
    else:
        services.round_set_open(actor=people.hr, round=round_, open=False)
        plan_outside(people, version)
    assert fresh(participant).conversation is None


def test_a_round_conversation_already_there_is_kept(round_, people, participant, version, window):
    start = at(date(2026, 12, 1), 9)
    booking.schedule_accept(
        actor=people.leader,
        round=round_,
        leader=people.leader,
        chosen=[booking.Chosen(participant.pk, start, "Møterom 2")],
    )
    own = fresh(participant).conversation
    other = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.employee,
        leader=people.other_leader,
        guide_version=version,
        scheduled_at=IN_PERIOD,
    )
    assert fresh(participant).conversation == own
    assert Conversation.objects.get(pk=other.pk).round is None


def test_the_migration_links_those_planned_before(round_, people, participant, version):
    # Made as a conversation was before this change: no link when it was planned.
    conversation = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=IN_PERIOD,
    )
    assert fresh(participant).conversation is None
    migration = importlib.import_module("samtale.rounds.migrations.0005_link_outside_conversations")
    migration.link(apps, None)
    participant = fresh(participant)
    assert participant.conversation == conversation
    assert participant.conversation_status == S.PLANNED
    assert Conversation.objects.get(pk=conversation.pk).round == round_
