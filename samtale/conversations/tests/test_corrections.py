"""A correction after signing: asked for with a reason, agreed and signed like the first
revision while the conversation stays signed and its actions followed up, then applied to
the live goals and actions without losing their status or history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samtale.actions import services as goals
from samtale.actions.models import Action, Goal
from samtale.conversations import policy
from samtale.conversations.models import Conversation
from samtale.conversations.services import correction as drafts
from samtale.conversations.services import lifecycle, summary
from samtale.conversations.tests.summary_steps import (
    comment,
    correction,
    correction_agreed_and_signed,
    correction_form,
    correction_goals_post,
    fresh,
    resubmit,
    signed,
)
from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail
from samtale.signing import services as signing

S = Conversation.Status
LATER = (timezone.localdate() + timedelta(days=60)).strftime("%d.%m.%Y")


# Asking for a correction ---------------------------------------------------------------


def test_a_correction_needs_a_reason(people, conversation):
    c = signed(conversation, people)
    for reason in ("", "   "):
        with pytest.raises(DomainError) as refused:
            summary.summary_revise(actor=people.employee, conversation=c, reason=reason)
        assert refused.value.field == "reason"
    assert c.summaries.count() == 1


def test_the_correction_page_asks_for_a_reason_and_a_confirmation(client_for, people, conversation):
    c = signed(conversation, people)
    client = client_for("employee")
    url = reverse("summary_revise", args=[c.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "<ds-error-summary" in refused.content.decode()
    assert c.summaries.count() == 1
    done = client.post(url, {"reason": "Feil tidsfrist i tiltaket"})
    assert done.status_code == 302 and done.headers["Location"] == reverse("summary", args=[c.pk])
    revision = summary.summary_current(fresh(c))
    assert (revision.number, revision.reason, revision.proposed_by) == (
        2,
        "Feil tidsfrist i tiltaket",
        people.employee,
    )


def test_the_summary_page_links_to_the_confirmation_instead_of_posting_at_once(
    client_for, people, conversation
):
    c = signed(conversation, people)
    body = client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    url = reverse("summary_revise", args=[c.pk])
    assert f'href="{url}"' in body
    assert f'action="{url}"' not in body


def test_only_a_signed_summary_is_corrected_and_one_correction_at_a_time(people, conversation):
    with pytest.raises(DomainError):
        correction(conversation, people)
    c = signed(conversation, people)
    correction(c, people)
    with pytest.raises(DomainError):
        correction(c, people, by=people.employee)
    with pytest.raises(PermissionDenied):
        correction(c, people, by=people.other_leader)
    assert c.summaries.count() == 2


def test_the_other_party_is_told_a_correction_is_proposed(people, conversation):
    c = signed(conversation, people)
    revision = correction(c, people, by=people.employee)
    notice = OutboundEmail.objects.get(kind="step_notice", ref__step="correction_proposed")
    assert notice.to == people.leader
    assert notice.dedupe_key.endswith(f":{revision.pk}")


# While the correction is agreed ---------------------------------------------------------


def test_the_conversation_stays_signed_and_its_actions_followed_up(
    client_for, people, conversation
):
    c = signed(conversation, people)
    action = Action.objects.get()
    correction(c, people)
    c = fresh(c)
    assert c.status == S.SIGNED
    assert not c.history.filter(to_status=S.HELD, at__gt=c.signed_at).exists()
    action.refresh_from_db()
    assert action.followed
    employee_page = client_for("employee").get(reverse("my_actions")).content.decode()
    assert "Kurs i januar" in employee_page
    leader = client_for("leader")
    assert people.employee.full_name in leader.get(reverse("follow_up")).content.decode()
    person = leader.get(reverse("follow_up_person", args=[people.employee.pk])).content.decode()
    assert "Kurs i januar" in person
    # Follow-up goes on: the action's status can be updated during the correction.
    goals.action_update(actor=people.employee, action=action, status="in_progress")


def test_signed_to_held_is_no_longer_a_transition(people, conversation):
    c = signed(conversation, people)
    with pytest.raises(DomainError):
        lifecycle.transition(c, S.HELD, actor=people.leader)


def test_the_correction_has_its_own_steps_and_the_signed_revision_stays_in_force(
    people, conversation
):
    c = signed(conversation, people)
    first = summary.summary_current(c)
    revision = correction(c, people)
    c = fresh(c)
    assert summary.summary_in_force(c) == first
    # The drafter writes it; it is theirs alone until sent.
    assert not policy.may_see_summary(people.leader, c, revision)
    summary.summary_save(
        actor=people.employee, conversation=c, text="Rettet tekst", base_version=revision.version
    )
    with pytest.raises(DomainError):
        signing.conversation_sign(actor=people.employee, conversation=c)
    with pytest.raises(DomainError):
        summary.summary_approve(actor=people.leader, conversation=c)
    c = resubmit(c, people)
    summary.summary_approve(actor=people.leader, conversation=c)
    assert fresh(c).status == S.SIGNED
    # Approved, it can no longer be changed, only reopened; the conversation stays signed.
    with pytest.raises(DomainError):
        summary.summary_save(actor=people.employee, conversation=c, text="x", base_version=1)
    signing.conversation_sign(actor=people.employee, conversation=fresh(c))
    summary.summary_reopen(actor=people.leader, conversation=fresh(c))
    revision.refresh_from_db()
    assert revision.approved_at is None and revision.employee_signed_at is None
    assert fresh(c).status == S.SIGNED
    assert summary.summary_in_force(fresh(c)) == first
    c = correction_agreed_and_signed(c, people)
    assert c.status == S.SIGNED
    assert summary.summary_in_force(c).number == 2
    first.refresh_from_db()
    assert first.is_signed and first.text == "Vi snakket om kurs."


def test_the_detail_page_says_a_correction_is_under_way(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people, reason="Tiltaket fikk feil ansvarlig")
    for role in ("employee", "leader"):
        body = client_for(role).get(reverse("conversation_detail", args=[c.pk])).content.decode()
        assert "Tiltaket fikk feil ansvarlig" in body
        assert reverse("summary", args=[c.pk]) in body


def test_the_reviewer_sees_the_revision_in_force_until_the_correction_is_sent(
    client_for, people, conversation
):
    c = signed(conversation, people)
    correction(c, people)
    summary.summary_save(
        actor=people.employee,
        conversation=fresh(c),
        text="Utkast til rettelse",
        base_version=0,
    )
    body = client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    assert "Utkast til rettelse" not in body
    assert "Vi snakket om kurs." in body


# The goals and actions of a correction ------------------------------------------------------


def test_the_draft_starts_from_the_live_goals_with_their_ids(people, conversation):
    c = signed(conversation, people)
    action = Action.objects.get()
    revision = correction(c, people)
    assert revision.agreed_goals == [
        {
            "goal_id": action.goal_id,
            "goal": "Bli trygg i fagsystemet",
            "removed": False,
            "actions": [
                {
                    "action_id": action.pk,
                    "text": "Kurs i januar",
                    "deadline": None,
                    "responsible": "employee",
                    "removed": False,
                }
            ],
        }
    ]


def test_the_live_goals_and_actions_do_not_change_until_both_have_signed(
    client_for, people, conversation
):
    c = signed(conversation, people)
    action = Action.objects.get()
    correction(c, people)
    response = correction_goals_post(
        client_for, c, **{"g0-a0-text": "Kurs i februar", "new-text": "Nytt mål"}
    )
    assert response.status_code == 302
    c = resubmit(c, people)
    summary.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.employee, conversation=fresh(c))
    action.refresh_from_db()
    assert action.text == "Kurs i januar"
    assert Goal.objects.count() == 1
    signing.conversation_sign(actor=people.leader, conversation=fresh(c))
    action.refresh_from_db()
    assert action.text == "Kurs i februar"
    assert Goal.objects.count() == 2


def test_a_changed_action_keeps_its_status_and_history(client_for, people, conversation):
    c = signed(conversation, people)
    action = Action.objects.get()
    goals.action_update(
        actor=people.employee, action=action, status="in_progress", comment="Meldt på"
    )
    correction(c, people, reason="Kurset ble flyttet")
    correction_goals_post(client_for, c, **{"g0-a0-deadline": LATER, "g0-a0-responsible": "both"})
    correction_agreed_and_signed(c, people)
    action.refresh_from_db()
    assert action.status == "in_progress" and action.responsible == "both"
    assert action.deadline.strftime("%d.%m.%Y") == LATER
    updates = list(action.updates.values_list("comment", "to_status"))
    assert updates[0] == ("Meldt på", "in_progress")
    assert "Kurset ble flyttet" in updates[-1][0] and updates[-1][1] == ""
    assert action.followed and Action.objects.filter(pk=action.pk).exists()


def test_a_removed_action_is_dropped_with_the_reason_never_deleted(
    client_for, people, conversation
):
    c = signed(conversation, people)
    action = Action.objects.get()
    goals.action_update(actor=people.leader, action=action, status=None, comment="Venter")
    correction(c, people, reason="Kurset er avlyst")
    correction_goals_post(
        client_for,
        c,
        **{"g0-a0-remove": "on", "g0-new-text": "Veiledning i stedet", "g0-new-deadline": LATER},
    )
    c = correction_agreed_and_signed(c, people)
    action.refresh_from_db()
    assert action.status == "dropped"
    last = action.updates.order_by("pk").last()
    assert (last.from_status, last.to_status) == ("not_started", "dropped")
    assert "Kurset er avlyst" in last.comment
    assert action.updates.filter(comment="Venter").exists()
    # The new action is followed up, with its own history; the snapshot has the ids.
    new = Action.objects.get(text="Veiledning i stedet")
    assert new.followed and new.goal_id == action.goal_id and not new.added_after_signing
    assert "Kurset er avlyst" in new.updates.get().comment
    snapshot = summary.summary_current(c).agreed_goals
    assert snapshot == [
        {
            "goal_id": action.goal_id,
            "goal": "Bli trygg i fagsystemet",
            "serves": "",
            "actions": [
                {
                    "action_id": new.pk,
                    "text": "Veiledning i stedet",
                    "deadline": new.deadline.isoformat(),
                    "responsible": "employee",
                }
            ],
        }
    ]
    # The next correction does not bring the dropped action back.
    assert [a["text"] for a in correction(c, people).agreed_goals[0]["actions"]] == [
        "Veiledning i stedet"
    ]


def test_a_removed_goal_drops_its_actions(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people, reason="Målet er nådd på annen måte")
    correction_goals_post(client_for, c, **{"g0-remove": "on"})
    summary.summary_conclusion_set(
        actor=people.employee, conversation=fresh(c), conclusion="no_actions", shared_outside=""
    )
    correction_agreed_and_signed(c, people)
    assert Goal.objects.count() == 1
    assert list(Action.objects.values_list("status", flat=True)) == ["dropped"]


def test_the_conclusion_is_checked_against_the_draft(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    with pytest.raises(DomainError):
        summary.summary_conclusion_set(
            actor=people.employee, conversation=fresh(c), conclusion="no_actions", shared_outside=""
        )
    correction_goals_post(client_for, c, **{"g0-a0-remove": "on"})
    # The goal is kept without actions: neither conclusion fits until it is removed too.
    with pytest.raises(DomainError):
        summary.summary_submit(actor=people.employee, conversation=fresh(c))
    correction_goals_post(client_for, c, **{"g0-remove": "on", "g0-a0-remove": "on"})
    summary.summary_conclusion_set(
        actor=people.employee, conversation=fresh(c), conclusion="no_actions", shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=fresh(c))


def test_the_goals_form_is_the_drafters_and_checks_what_is_written(
    client_for, people, conversation
):
    c = signed(conversation, people)
    revision = correction(c, people)
    url = reverse("correction_goals", args=[c.pk])
    assert client_for("leader").post(url, correction_form(revision)).status_code == 403
    assert client_for("other_employee").post(url, correction_form(revision)).status_code == 404
    for bad in (
        {"g0-a0-text": ""},
        {"g0-a0-deadline": "31.02.2027"},
        {"g0-a0-deadline": (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y")},
        {"new-a-text": "Et tiltak uten mål"},
        {"base": "noe annet"},
    ):
        response = correction_goals_post(client_for, c, **bad)
        assert response.status_code == 400, bad
        assert 'role="alert"' in response.content.decode()
    revision.refresh_from_db()
    assert revision.agreed_goals == drafts.goals_prefill(c)


def test_an_unchanged_deadline_that_has_passed_is_kept(client_for, people, conversation):
    c = signed(conversation, people)
    action = Action.objects.get()
    Action.objects.filter(pk=action.pk).update(deadline=timezone.localdate() - timedelta(days=5))
    correction(c, people)
    response = correction_goals_post(client_for, c, **{"g0-a0-text": "Kurs i februar"})
    assert response.status_code == 302


def test_the_goals_cannot_be_changed_once_the_correction_is_approved(
    client_for, people, conversation
):
    c = signed(conversation, people)
    correction(c, people)
    c = resubmit(c, people)
    summary.summary_approve(actor=people.leader, conversation=c)
    assert correction_goals_post(client_for, c, **{"g0-a0-text": "Endret"}).status_code == 400


def test_the_reviewer_reads_the_correction_and_what_it_removes(client_for, people, conversation):
    c = signed(conversation, people)
    correction(c, people)
    correction_goals_post(client_for, c, **{"g0-a0-remove": "on", "g0-new-text": "Nytt tiltak"})
    c = resubmit(c, people)
    comment(c, people, "Greit for meg")
    body = client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    assert "Nytt tiltak" in body
    assert "<del>" in body and "Kurs i januar</del>" in body
    assert 'id="g0-a0-text"' not in body and "id_g0-a0-text" not in body
