from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samtale.conversations.models import Conversation, StatusChange
from samtale.conversations.services import lifecycle, preparation, summary
from samtale.core.errors import DomainError
from samtale.signing import services as signing

S = Conversation.Status


def test_a_leader_plans_a_conversation_with_the_templates_settings(conversation, guide_version):
    assert conversation.status == S.PLANNED
    assert conversation.duration_minutes == 90
    assert conversation.summary_author == "employee"
    assert conversation.guide_version == guide_version
    assert list(conversation.history.values_list("to_status", flat=True)) == [S.PLANNED]


def test_a_leader_cannot_plan_for_someone_outside_their_line(people, guide_version):
    with pytest.raises(PermissionDenied):
        lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.other_employee,
            leader=people.leader,
            guide_version=guide_version,
        )


def test_hr_plans_for_anyone_with_any_leader(people, guide_version):
    c = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.other_leader,
        guide_version=guide_version,
    )
    assert c.leader == people.other_leader


@pytest.mark.parametrize("holder", ["employee", "other_employee"])
def test_the_conversation_is_held_by_a_leader_not_the_employee_nor_a_colleague(
    people, guide_version, holder
):
    with pytest.raises(DomainError) as error:
        lifecycle.conversation_plan(
            actor=people.hr,
            employee=people.employee,
            leader=getattr(people, holder),
            guide_version=guide_version,
        )
    assert error.value.field == "leader"


def test_a_time_in_the_past_is_refused(people, guide_version):
    with pytest.raises(DomainError) as error:
        lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=guide_version,
            scheduled_at=timezone.now() - timedelta(hours=1),
        )
    assert error.value.field == "scheduled_at"
    assert not Conversation.objects.exists()


def test_an_invitation_needs_a_time_and_sends_a_mail_with_a_link_and_no_content(
    people, guide_version
):
    c = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=guide_version,
    )
    with pytest.raises(DomainError):
        lifecycle.conversation_invite(actor=people.leader, conversation=c)
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=c,
        scheduled_at=timezone.now() + timedelta(days=12),
        duration_minutes=90,
        place="Møterom 2",
    )
    with pytest.raises(PermissionDenied):
        lifecycle.conversation_invite(actor=people.employee, conversation=c)


def test_the_invitation_mail_goes_to_the_employee(
    conversation, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == S.INVITED
    # The employee's invitation, and the leader's copy: both with the calendar file.
    assert [m.to for m in mail.outbox] == [[people.employee.email], [people.leader.email]]
    message = mail.outbox[0]
    assert "Møterom 2" in message.body
    assert f"/samtaler/{conversation.pk}/forberedelse/" in message.body
    assert all(len(m.attachments) == 1 for m in mail.outbox)


def test_postponing_needs_a_reason_is_counted_and_a_new_time_brings_it_back(
    conversation, people, soon
):
    with pytest.raises(DomainError):
        lifecycle.conversation_postpone(actor=people.leader, conversation=conversation, reason="  ")
    lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    lifecycle.conversation_postpone(actor=people.leader, conversation=conversation, reason="Sykdom")
    c = Conversation.objects.get(pk=conversation.pk)
    assert (c.status, c.postponed_count) == (S.POSTPONED, 1)
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=c,
        scheduled_at=soon + timedelta(days=3),
        duration_minutes=90,
        place="",
    )
    c = Conversation.objects.get(pk=conversation.pk)
    assert c.status == S.INVITED
    lifecycle.conversation_postpone(actor=people.leader, conversation=c, reason="Ferie")
    assert Conversation.objects.get(pk=conversation.pk).postponed_count == 2
    reasons = list(
        StatusChange.objects.filter(conversation=c, to_status=S.POSTPONED).values_list(
            "reason", flat=True
        )
    )
    assert reasons == ["Sykdom", "Ferie"]


def test_only_the_leader_who_holds_it_postpones_or_cancels(conversation, people):
    for person in (people.employee, people.leaders_leader, people.hr):
        with pytest.raises(PermissionDenied):
            lifecycle.conversation_cancel(actor=person, conversation=conversation, reason="x")


def test_a_cancelled_conversation_cannot_be_held_or_moved(conversation, people, soon):
    lifecycle.conversation_cancel(actor=people.leader, conversation=conversation, reason="Sluttet")
    c = Conversation.objects.get(pk=conversation.pk)
    with pytest.raises(DomainError, match="Avlyst"):
        lifecycle.conversation_hold(actor=people.leader, conversation=c, confirmed=True)
    with pytest.raises(DomainError):
        lifecycle.conversation_schedule(
            actor=people.leader, conversation=c, scheduled_at=soon, duration_minutes=60, place=""
        )


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.PLANNED, S.SIGNED),
        (S.HELD, S.PLANNED),
        (S.SIGNED, S.CANCELLED),
        (S.CANCELLED, S.PLANNED),
        (S.HELD, S.POSTPONED),
    ],
)
def test_illegal_transitions_are_refused_with_a_message_naming_both(
    conversation, people, start, to
):
    Conversation.objects.filter(pk=conversation.pk).update(status=start)
    c = Conversation.objects.get(pk=conversation.pk)
    with pytest.raises(DomainError) as error:
        lifecycle.transition(c, to, actor=people.leader)
    assert S(start).label.lower() in error.value.message.lower()
    assert Conversation.objects.get(pk=conversation.pk).status == start


def _note(conversation, author):
    preparation.note_save(
        actor=author, conversation=conversation, theme_key="motivasjon", text="x", base_version=0
    )


def test_the_employee_sharing_the_preparation_makes_it_prepared(conversation, people):
    _note(conversation, people.leader)
    preparation.preparation_share_all(actor=people.leader, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == S.PLANNED
    _note(conversation, people.employee)
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == S.PREPARED


def _hold(conversation, people):
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    return Conversation.objects.get(pk=conversation.pk)


def test_closing_the_meeting_makes_it_held_and_opens_the_summary(conversation, people):
    c = _hold(conversation, people)
    assert c.status == S.HELD and c.held_at is not None
    assert c.summaries.count() == 1


def test_the_whole_life_from_plan_to_signature(conversation, people):
    lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    _note(conversation, people.employee)
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    c = _hold(conversation, people)
    s = summary.summary_current(c)
    summary.summary_save(
        actor=people.employee, conversation=c, text="Vi snakket om motivasjon.", base_version=0
    )
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="no_actions", shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    summary.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.employee, conversation=Conversation.objects.get(pk=c.pk))
    assert Conversation.objects.get(pk=c.pk).status == S.SUMMARY_AGREED
    signing.conversation_sign(actor=people.leader, conversation=Conversation.objects.get(pk=c.pk))
    c = Conversation.objects.get(pk=c.pk)
    assert c.status == S.SIGNED and c.signed_at is not None
    s.refresh_from_db()
    assert s.is_signed
    assert list(c.history.values_list("to_status", flat=True)) == [
        S.PLANNED,
        S.INVITED,
        S.PREPARED,
        S.HELD,
        S.SUMMARY_AGREED,
        S.SIGNED,
    ]
