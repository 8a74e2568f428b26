"""An open action of last time, carried over into the new conversation in the meeting: it
links to its earlier self, and is followed up, listed and counted in one place only, the
new conversation once that is signed (issue 46, item 4)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samtale.actions import agreement, selectors, services
from samtale.actions.models import Action
from samtale.conversations.models import Conversation
from samtale.conversations.tests.summary_steps import approve_and_sign, submitted
from samtale.core.errors import DomainError
from testkit.people import goals_version, held_conversation, signed_conversation

LATE = timezone.localdate() - timedelta(days=10)
AHEAD = timezone.localdate() + timedelta(days=20)


@pytest.fixture
def last_time(people):
    """Last year's signed conversation: one open action past its deadline, one in progress
    with its deadline ahead, one done."""
    return signed_conversation(
        people.employee,
        people.leader,
        [
            (LATE, "employee", "not_started"),
            (AHEAD, "both", "in_progress"),
            (LATE, "employee", "done"),
        ],
        version=goals_version(),
        held_days_ago=360,
    )


@pytest.fixture
def this_time(people, last_time):
    """This year's conversation, held: the goals are still being written."""
    return held_conversation(people.employee, people.leader, version=last_time.guide_version)


def actions_of(conversation) -> list[Action]:
    return list(Action.objects.filter(goal__conversation=conversation).order_by("order", "pk"))


def sign(conversation, people) -> None:
    """Summarized, approved and signed by both, as the parties do."""
    approve_and_sign(submitted(conversation, people), people)
    conversation.refresh_from_db()


def test_an_action_carried_over_links_to_its_earlier_self_under_the_same_goal(
    people, last_time, this_time
):
    late, ahead, _done = actions_of(last_time)
    first = agreement.action_carry_over(actor=people.leader, action=late, conversation=this_time)
    second = agreement.action_carry_over(
        actor=people.employee, action=ahead, conversation=this_time
    )
    assert (first.carried_from, second.carried_from) == (late, ahead)
    assert first.goal == second.goal and first.goal.text == late.goal.text
    assert (first.text, first.responsible, first.status) == (late.text, "employee", "not_started")
    # A deadline already passed is not carried over; one still ahead is.
    assert (first.deadline, second.deadline, second.status) == (None, AHEAD, "in_progress")
    assert not first.followed and (first.employee, first.leader) == (people.employee, people.leader)


def test_until_the_new_conversation_is_signed_the_earlier_action_is_followed_up(
    people, last_time, this_time
):
    late = actions_of(last_time)[0]
    agreement.action_carry_over(actor=people.leader, action=late, conversation=this_time)
    followed = selectors.agreed(Action.objects.filter(employee=people.employee))
    assert list(followed.filter(text=late.text)) == [late]


def test_once_signed_it_is_followed_up_and_counted_in_the_new_conversation_alone(
    people, last_time, this_time, client_for
):
    late = actions_of(last_time)[0]
    carried = agreement.action_carry_over(actor=people.leader, action=late, conversation=this_time)
    sign(this_time, people)
    late.refresh_from_db()
    carried.refresh_from_db()
    assert (late.followed, carried.followed) == (False, True)
    followed = selectors.agreed(Action.objects.filter(employee=people.employee))
    assert list(followed.filter(text=late.text)) == [carried]
    assert selectors.carried_on_to(late) == carried
    # My actions shows it once; the earlier action's page says where it is followed up.
    mine = client_for("employee").get(reverse("my_actions")).content.decode()
    assert reverse("action_detail", args=[carried.pk]) in mine
    assert reverse("action_detail", args=[late.pk]) not in mine
    page = client_for("employee").get(reverse("action_detail", args=[late.pk])).content.decode()
    assert "carried over to the conversation of" in page.lower() or "videreført" in page.lower()
    assert reverse("action_detail", args=[carried.pk]) in page
    assert reverse("action_update", args=[late.pk]) not in page
    later = client_for("employee").get(reverse("action_detail", args=[carried.pk])).content.decode()
    assert reverse("action_detail", args=[late.pk]) in later
    # The earlier one is followed up there, no longer here.
    with pytest.raises(DomainError):
        services.action_update(actor=people.employee, action=late, status="done")
    with pytest.raises(DomainError):
        services.action_remind(actor=people.leader, action=late)


def test_what_cannot_be_carried_over(people, last_time, this_time):
    late, _ahead, done = actions_of(last_time)
    with pytest.raises(DomainError):
        agreement.action_carry_over(actor=people.leader, action=done, conversation=this_time)
    agreement.action_carry_over(actor=people.leader, action=late, conversation=this_time)
    with pytest.raises(DomainError):  # twice
        agreement.action_carry_over(actor=people.leader, action=late, conversation=this_time)
    with pytest.raises(DomainError):  # into the conversation it came from
        agreement.action_carry_over(actor=people.leader, action=late, conversation=last_time)
    with pytest.raises(PermissionDenied):  # by someone who is no party
        agreement.action_carry_over(actor=people.hr, action=late, conversation=this_time)
    other = Conversation.objects.create(
        employee=people.other_employee,
        leader=people.leader,
        guide_version=this_time.guide_version,
        status=Conversation.Status.HELD,
    )
    with pytest.raises(DomainError):  # into another employee's conversation
        agreement.action_carry_over(actor=people.leader, action=late, conversation=other)
    sign(this_time, people)
    with pytest.raises(DomainError):  # once the goals are agreed
        agreement.action_carry_over(actor=people.leader, action=_ahead, conversation=this_time)


def test_the_meeting_offers_it_beside_each_open_action_and_says_when_it_is_done(
    people, last_time, this_time, client_for
):
    late, ahead, done = actions_of(last_time)
    client = client_for("leader")
    meeting = reverse("meeting", args=[this_time.pk])
    page = client.get(meeting).content.decode()
    for action in (late, ahead):
        assert reverse("action_carry_over", args=[this_time.pk, action.pk]) in page
    assert reverse("action_carry_over", args=[this_time.pk, done.pk]) not in page
    answer = client.post(
        reverse("action_carry_over", args=[this_time.pk, late.pk]), {"next": meeting}
    )
    assert answer.status_code == 302 and answer["Location"] == meeting
    page = client.get(meeting).content.decode()
    assert reverse("action_carry_over", args=[this_time.pk, late.pk]) not in page
    assert Action.objects.filter(carried_from=late, goal__conversation=this_time).count() == 1
    # Refused (twice), it says why and changes nothing.
    again = client.post(
        reverse("action_carry_over", args=[this_time.pk, late.pk]), {"next": meeting}, follow=True
    )
    assert "allerede" in again.content.decode() or "already" in again.content.decode()
    assert Action.objects.filter(carried_from=late).count() == 1
    # Whoever is no party to the conversation does not reach it.
    assert (
        client_for("other_leader")
        .post(reverse("action_carry_over", args=[this_time.pk, late.pk]))
        .status_code
        == 404
    )
