"""A meeting held before the day it was planned for: the meeting screen offers "We hold the
conversation now" up front, closing it asks nothing after the fact, and the time it was held
is recorded beside the planned time, which is never written over."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samtale.archive.content import form_content
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError, DomainWarning
from samtale.core.models import AuditEntry

from . import summary_steps as steps
from .planning import NOW, at, plan

pytestmark = pytest.mark.usefixtures("clock")
S = Conversation.Status


@pytest.fixture
def planned(people, guide_version):
    """Planned for Tuesday 1 December; the clock stands on Monday 23 November."""
    return plan(people, people.employee, at(1, 9), guide_version)


@pytest.fixture
def leader(client_for, people):
    people.leader.language = "en"
    people.leader.save(update_fields=["language"])
    return client_for("leader")


def _fresh(conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def test_held_now_the_meeting_closes_without_a_question_and_keeps_the_planned_time(
    people, planned, clock
):
    lifecycle.conversation_hold_now(actor=people.leader, conversation=planned)
    assert _fresh(planned).started_early_at == NOW
    assert AuditEntry.objects.filter(action="conversation.held_now").count() == 1
    clock.move_to(datetime(2026, 11, 23, 10, 30, tzinfo=NOW.tzinfo))
    held = lifecycle.conversation_hold(actor=people.leader, conversation=_fresh(planned))
    held = _fresh(held)
    assert held.status == S.HELD
    assert held.scheduled_at == at(1, 9)  # the plan, as it was
    assert held.held_at == timezone.now()  # beside it, when it was held
    assert held.held_or_planned_at == held.held_at
    assert "01.12.2026" in held.history.last().reason


def test_before_its_day_without_saying_so_closing_is_refused_and_changes_nothing(people, planned):
    with pytest.raises(DomainWarning):
        lifecycle.conversation_hold(actor=people.leader, conversation=planned)
    assert _fresh(planned).status == S.PLANNED
    assert _fresh(planned).held_at is None


def test_only_the_leader_says_it_is_held_now(people, planned):
    with pytest.raises(PermissionDenied):
        lifecycle.conversation_hold_now(actor=people.employee, conversation=planned)
    assert _fresh(planned).started_early_at is None


def test_on_its_day_there_is_nothing_to_say(people, planned, clock):
    clock.move_to(at(1, 8))
    with pytest.raises(DomainError):
        lifecycle.conversation_hold_now(actor=people.leader, conversation=planned)


def test_moved_or_postponed_instead_it_is_no_longer_held_now(people, planned):
    lifecycle.conversation_hold_now(actor=people.leader, conversation=planned)
    lifecycle.conversation_schedule(
        actor=people.leader,
        conversation=_fresh(planned),
        scheduled_at=at(3, 9),
        duration_minutes=90,
        place="",
    )
    assert _fresh(planned).started_early_at is None
    lifecycle.conversation_hold_now(actor=people.leader, conversation=_fresh(planned))
    lifecycle.conversation_postpone(actor=people.leader, conversation=_fresh(planned), reason="Syk")
    assert _fresh(planned).started_early_at is None


def test_the_meeting_screen_says_it_and_the_button_records_it(leader, people, planned):
    page = reverse("meeting", args=[planned.pk])
    body = leader.get(page).content.decode()
    assert "The conversation is planned for Tuesday 01.12.2026 09:00." in body
    assert "We hold the conversation now" in body
    response = leader.post(reverse("meeting_hold_now", args=[planned.pk]))
    assert response.headers["Location"] == page
    assert _fresh(planned).started_early_at is not None
    body = leader.get(page).content.decode()
    assert "We hold the conversation now" not in body
    assert "You hold the conversation now, earlier than planned" in body
    # Closing asks nothing more, and leads to the summary.
    close = body.split(f'action="{reverse("meeting_close", args=[planned.pk])}"')[1]
    assert 'name="confirmed"' not in close.split("</form>")[0]
    response = leader.post(reverse("meeting_close", args=[planned.pk]))
    assert response.headers["Location"] == reverse("summary", args=[planned.pk])
    assert _fresh(planned).scheduled_at == at(1, 9)


def test_the_employee_is_told_the_leader_says_it(client_for, people, planned):
    people.employee.language = "en"
    people.employee.save(update_fields=["language"])
    body = client_for("employee").get(reverse("meeting", args=[planned.pk])).content.decode()
    assert "The conversation is planned for Tuesday 01.12.2026 09:00." in body
    assert reverse("meeting_hold_now", args=[planned.pk]) not in body
    assert "Leif Testesen says so here" in body


def test_the_conversation_page_gives_both_times(leader, people, planned):
    lifecycle.conversation_hold_now(actor=people.leader, conversation=planned)
    lifecycle.conversation_hold(actor=people.leader, conversation=_fresh(planned))
    body = leader.get(reverse("conversation_detail", args=[planned.pk])).content.decode()
    assert "<dt>Held</dt><dd>Monday 23.11.2026 09:00</dd>" in body
    assert "<dt>Planned</dt><dd>Tuesday 01.12.2026 09:00</dd>" in body
    assert "(planned for Tuesday 01.12.2026 09:00)" in body


def test_the_signed_form_gives_the_time_it_was_held(people, planned, clock):
    lifecycle.conversation_hold_now(actor=people.leader, conversation=planned)
    signed = steps.signed(planned, people)
    content = form_content(signed.summaries.get())
    assert content["held_at"] == signed.held_at.isoformat()
    assert signed.held_at.date() != signed.scheduled_at.date()
