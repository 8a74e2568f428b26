import pytest
from django.core.exceptions import PermissionDenied

from samtale.actions import agreement, services
from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.actions.tests.conftest import days
from samtale.conversations.models import Conversation
from samtale.core.errors import DomainError


@pytest.fixture
def action(people, signed):
    conversation = signed(people.employee, people.leader, [(days(10), "employee", "not_started")])
    return Action.objects.get(goal__conversation=conversation)


def test_either_party_updates_the_status_and_the_history_keeps_it(people, action):
    services.action_update(
        actor=people.employee, action=action, status="in_progress", comment="Meldt på kurs"
    )
    services.action_update(actor=people.leader, action=action, status="done")
    action.refresh_from_db()
    assert action.status == "done"
    history = list(
        ActionUpdate.objects.filter(action=action).values_list(
            "actor__first_name", "from_status", "to_status", "comment"
        )
    )
    assert history == [
        ("Emma", "not_started", "in_progress", "Meldt på kurs"),
        ("Leif", "in_progress", "done", ""),
    ]


def test_a_comment_alone_is_an_update_and_touches_the_action(people, action):
    before = action.updated_at
    services.action_update(
        actor=people.employee, action=action, status="not_started", comment="Venter på tilbud"
    )
    action.refresh_from_db()
    assert action.status == "not_started" and action.updated_at > before
    update = ActionUpdate.objects.get()
    assert (update.to_status, update.comment) == ("", "Venter på tilbud")


def test_an_update_with_nothing_new_is_refused(people, action):
    with pytest.raises(DomainError):
        services.action_update(
            actor=people.employee, action=action, status="not_started", comment="  "
        )
    with pytest.raises(DomainError):
        services.action_update(actor=people.employee, action=action, status="finished", comment="")
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize(
    "role", ["other_employee", "other_leader", "leaders_leader", "hr", "admin"]
)
def test_only_the_two_parties_update(people, action, role):
    with pytest.raises(PermissionDenied):
        services.action_update(actor=getattr(people, role), action=action, status="done")


def test_follow_up_starts_when_the_conversation_is_signed(people, action):
    Conversation.objects.filter(pk=action.goal.conversation_id).update(
        status=Conversation.Status.HELD
    )
    action.refresh_from_db()
    with pytest.raises(DomainError):
        services.action_update(actor=people.employee, action=action, status="done")


def test_a_new_action_after_signing_is_marked_and_in_the_history(people, action):
    new = agreement.action_add(
        actor=people.leader,
        goal=action.goal,
        text="Sette av tid",
        deadline=days(20),
        responsible="leader",
    )
    assert new.added_after_signing
    assert ActionUpdate.objects.get(action=new).actor == people.leader


def test_before_signing_an_agreed_summary_freezes_the_actions(people, action):
    Conversation.objects.filter(pk=action.goal.conversation_id).update(
        status=Conversation.Status.SUMMARY_AGREED
    )
    action.goal.conversation.refresh_from_db()
    with pytest.raises(DomainError):
        agreement.action_add(
            actor=people.leader,
            goal=Goal.objects.get(),
            text="x",
            deadline=None,
            responsible="leader",
        )


def test_a_goal_records_its_result_and_what_was_learned(people, action):
    goal = services.goal_review(
        actor=people.employee, goal=action.goal, result="partly", learned="Kurset var for kort"
    )
    goal.refresh_from_db()
    assert (goal.result, goal.learned) == ("partly", "Kurset var for kort") and goal.reviewed_at
    with pytest.raises(DomainError):
        services.goal_review(actor=people.employee, goal=goal, result="maybe")
