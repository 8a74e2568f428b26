import pytest
from django.core.exceptions import PermissionDenied

from samtale.actions import agreement
from samtale.conversations import policy
from samtale.conversations.models import Conversation, Feedback
from samtale.conversations.services import lifecycle, meeting, summary
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError
from samtale.signing import services as signing

S = Conversation.Status


def _reload(c):
    return Conversation.objects.get(pk=c.pk)


def _held(conversation, people):
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    return _reload(conversation)


def _agreed(conversation, people, *, conclusion="no_actions"):
    c = _held(conversation, people)
    summary.summary_save(actor=people.employee, conversation=c, text="Oppsummert.", base_version=0)
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion=conclusion, shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    summary.summary_approve(actor=people.leader, conversation=c)
    return _reload(c)


def _signed(conversation, people):
    c = _agreed(conversation, people)
    signing.conversation_sign(actor=people.employee, conversation=c)
    signing.conversation_sign(actor=people.leader, conversation=_reload(c))
    return _reload(c)


def test_themes_are_marked_covered_in_template_order(conversation, people):
    meeting.theme_cover_set(
        actor=people.employee, conversation=conversation, theme_key="mal-og-tiltak", covered=True
    )
    meeting.theme_cover_set(
        actor=people.leader, conversation=conversation, theme_key="motivasjon", covered=True
    )
    assert _reload(conversation).covered_themes == ["motivasjon", "mal-og-tiltak"]
    meeting.theme_cover_set(
        actor=people.leader, conversation=conversation, theme_key="motivasjon", covered=False
    )
    assert _reload(conversation).covered_themes == ["mal-og-tiltak"]


def test_the_talk_time_is_stored_as_totals_and_gives_the_leaders_share(conversation, people):
    meeting.talk_time_record(
        actor=people.leader, conversation=conversation, leader_seconds=600, employee_seconds=1400
    )
    meeting.talk_time_record(
        actor=people.leader, conversation=conversation, leader_seconds=900, employee_seconds=2100
    )
    c = _reload(conversation)
    assert (c.talk_leader_seconds, c.talk_employee_seconds, c.talk_leader_share) == (900, 2100, 30)
    with pytest.raises(DomainError):
        meeting.talk_time_record(
            actor=people.leader, conversation=c, leader_seconds=-1, employee_seconds=0
        )


def test_the_closing_checklist_has_three_steps(conversation, people):
    for step in (3, 1):
        meeting.closing_step_set(
            actor=people.leader, conversation=conversation, step=step, done=True
        )
    assert _reload(conversation).closing_steps == [1, 3]
    with pytest.raises(DomainError):
        meeting.closing_step_set(actor=people.leader, conversation=conversation, step=4, done=True)


def test_outsiders_cannot_touch_the_meeting(conversation, people):
    with pytest.raises(PermissionDenied):
        meeting.theme_cover_set(
            actor=people.hr, conversation=conversation, theme_key="motivasjon", covered=True
        )


def test_by_default_the_employee_drafts_and_the_leader_reviews(conversation, people):
    c = _held(conversation, people)
    with pytest.raises(PermissionDenied):
        summary.summary_save(actor=people.leader, conversation=c, text="x", base_version=0)
    s = summary.summary_save(actor=people.employee, conversation=c, text="Utkast", base_version=0)
    # The draft is the drafter's alone until sent.
    assert policy.may_see_summary(people.employee, c, s)
    assert not policy.may_see_summary(people.leader, c, s)
    with pytest.raises(DomainError):
        summary.summary_comment_save(
            actor=people.leader, conversation=c, text="Bra", base_version=0
        )
    with pytest.raises(DomainError):
        summary.summary_submit(actor=people.employee, conversation=c)  # no conclusion yet
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="no_actions", shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    s.refresh_from_db()
    assert policy.may_see_summary(people.leader, c, s)
    summary.summary_comment_save(
        actor=people.leader, conversation=c, text="Bra skrevet", base_version=0
    )


def test_a_template_can_let_the_leader_draft(conversation, people):
    Conversation.objects.filter(pk=conversation.pk).update(summary_author="leader")
    c = _held(_reload(conversation), people)
    summary.summary_save(
        actor=people.leader, conversation=c, text="Lederens utkast", base_version=0
    )
    with pytest.raises(PermissionDenied):
        summary.summary_save(actor=people.employee, conversation=c, text="x", base_version=0)


def test_two_edits_of_the_summary_on_the_same_version_conflict(conversation, people):
    c = _held(conversation, people)
    summary.summary_save(actor=people.employee, conversation=c, text="Fra mobilen", base_version=0)
    with pytest.raises(EditConflict) as conflict:
        summary.summary_save(
            actor=people.employee, conversation=c, text="Fra PC-en", base_version=0
        )
    assert conflict.value.theirs == "Fra mobilen"


def test_the_conclusion_must_match_the_goals(conversation, people):
    c = _held(conversation, people)
    with pytest.raises(DomainError):
        summary.summary_conclusion_set(
            actor=people.employee, conversation=c, conclusion="actions", shared_outside=""
        )
    agreement.goal_add(
        actor=people.leader,
        conversation=c,
        text="Bli trygg på nytt fagsystem",
        action_text="Kurs",
        responsible="employee",
    )
    with pytest.raises(DomainError):
        summary.summary_conclusion_set(
            actor=people.employee, conversation=c, conclusion="no_actions", shared_outside=""
        )
    s = summary.summary_conclusion_set(
        actor=people.employee,
        conversation=c,
        conclusion="actions",
        shared_outside="Kursbehovet kan meldes til HR.",
    )
    assert s.shared_outside == "Kursbehovet kan meldes til HR."


def test_nothing_is_shared_outside_by_default(conversation, people):
    s = summary.summary_current(_agreed(conversation, people))
    assert s.shared_outside == ""


def test_signing_needs_an_agreed_summary_and_locks_the_content(conversation, people):
    with pytest.raises(DomainError):
        signing.conversation_sign(actor=people.employee, conversation=conversation)
    c = _signed(conversation, people)
    s = summary.summary_current(c)
    assert s.employee_signed_at and s.leader_signed_at
    assert c.is_locked
    with pytest.raises(DomainError):
        summary.summary_save(
            actor=people.employee, conversation=c, text="Endret", base_version=s.version
        )
    with pytest.raises(DomainError):
        agreement.goal_add(actor=people.leader, conversation=c, text="Nytt mål")
    with pytest.raises(DomainError):
        signing.conversation_sign(actor=people.employee, conversation=c)


def test_signing_freezes_the_agreed_goals(conversation, people):
    c = _held(conversation, people)
    agreement.goal_add(
        actor=people.employee,
        conversation=c,
        text="Mål A",
        action_text="Tiltak A",
        responsible="both",
    )
    summary.summary_save(actor=people.employee, conversation=c, text="Oppsummert.", base_version=0)
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="actions", shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    summary.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.employee, conversation=_reload(c))
    s = signing.conversation_sign(actor=people.leader, conversation=_reload(c))
    goal = c.goals.get()
    # With the live rows' ids: a correction starts from them and changes them.
    assert s.agreed_goals == [
        {
            "goal_id": goal.pk,
            "goal": "Mål A",
            "serves": "",
            "actions": [
                {
                    "action_id": goal.actions.get().pk,
                    "text": "Tiltak A",
                    "deadline": None,
                    "responsible": "both",
                }
            ],
        }
    ]


def test_a_correction_is_a_new_revision_signed_again_and_the_old_one_is_kept(conversation, people):
    c = _signed(conversation, people)
    first = summary.summary_current(c)
    revision = summary.summary_revise(actor=people.leader, conversation=c, reason="Feil dato")
    c = _reload(c)
    # The conversation stays signed while the correction is agreed.
    assert (revision.number, c.status) == (2, S.SIGNED)
    assert revision.text == first.text and not revision.is_signed
    summary.summary_save(actor=people.employee, conversation=c, text="Rettet tekst", base_version=0)
    summary.summary_submit(actor=people.employee, conversation=c)
    summary.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.employee, conversation=_reload(c))
    signing.conversation_sign(actor=people.leader, conversation=_reload(c))
    first.refresh_from_db()
    assert first.text == "Oppsummert." and first.is_signed
    assert summary.summary_current(_reload(c)).text == "Rettet tekst"
    assert _reload(c).status == S.SIGNED


def test_an_agreed_summary_can_be_reopened_before_both_have_signed(conversation, people):
    c = _agreed(conversation, people)
    signing.conversation_sign(actor=people.employee, conversation=c)
    summary.summary_reopen(actor=people.leader, conversation=_reload(c))
    s = summary.summary_current(c)
    assert _reload(c).status == S.HELD
    assert s.employee_signed_at is None and s.submitted_at is None


def test_the_employee_is_asked_once_how_it_was(conversation, people):
    c = _signed(conversation, people)
    with pytest.raises(PermissionDenied):
        summary.feedback_give(actor=people.leader, conversation=c, rating=5)
    summary.feedback_give(actor=people.employee, conversation=c, rating=4, comment="Nyttig")
    with pytest.raises(DomainError):
        summary.feedback_give(actor=people.employee, conversation=c, rating=5)
    assert Feedback.objects.get().rating == 4


def test_declining_to_answer_is_remembered(conversation, people):
    c = _signed(conversation, people)
    summary.feedback_give(actor=people.employee, conversation=c, rating=None, comment="ignored")
    feedback = Feedback.objects.get()
    assert feedback.rating is None and feedback.comment == ""


def test_feedback_is_only_asked_after_signing(conversation, people):
    with pytest.raises(PermissionDenied):
        summary.feedback_give(actor=people.employee, conversation=conversation, rating=3)
