"""Another time, asked for in the app (conversations.services.proposals): the employee
proposes up to three times, each kept to the rules; the leader takes one with one click
(the conversation moves, an updated invitation to both) or answers with other times; a
time proposed from a mail program (COUNTER) is shown and taken the same way. The clock
stands on Monday 23 November 2026, 09:00 in Oslo (planning.NOW); the conversation is
invited for Thursday 3 December."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from samtale.conversations import other_times, policy
from samtale.conversations.models import Conversation, InvitationAnswer, TimeProposal
from samtale.conversations.services import lifecycle, proposals
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry

from .planning import at

pytestmark = pytest.mark.usefixtures("clock")


def propose(run, conversation, person, *starts, message=""):
    return run(
        proposals.time_proposal_make,
        actor=person,
        conversation=conversation,
        starts=list(starts),
        message=message,
    )


def test_the_employee_proposes_two_times_and_the_leader_is_told_without_the_message(
    invited, people, run, smtp
):
    before = len(smtp.messages)
    proposal = propose(
        run, invited, people.employee, at(7, 12, 30), at(4, 9), message="Legetime torsdag"
    )
    assert (proposal.party, proposal.starts) == ("employee", [at(4, 9), at(7, 12, 30)])
    assert proposal.message == "Legetime torsdag"
    [notice] = smtp.messages[before:]
    assert notice["To"] == people.leader.email
    body = notice.get_body(("plain",)).get_content()
    assert f"/samtaler/{invited.pk}/" in body
    assert "Legetime" not in body and "Legetime" not in str(notice["Subject"])
    entry = AuditEntry.objects.get(action="conversation.time_proposed")
    assert "Legetime" not in str(entry.__dict__)


@pytest.mark.parametrize(
    "start, said",
    [
        (at(1, 9) - timedelta(days=10), "has already passed. Choose a time ahead."),
        (at(5, 10), "is not a working day (Saturday). Choose a weekday."),
        (at(25, 10), "is not a working day (Christmas Day). Choose a weekday."),
        (at(4, 7), "is outside working hours: the conversation must start at 08:00"),
        # 90 minutes from 15:00 ends past 16:00.
        (at(4, 15), "is outside working hours"),
    ],
    ids=["past", "saturday", "christmas", "early", "ends-late"],
)
def test_a_time_outside_the_rules_is_refused_with_a_message(invited, people, start, said):
    with pytest.raises(DomainError) as refused, override("en"):
        proposals.time_proposal_make(actor=people.employee, conversation=invited, starts=[start])
    assert said in refused.value.message
    assert not TimeProposal.objects.exists()


def test_a_time_when_one_of_them_has_another_conversation_is_refused(
    invited, people, guide_version
):
    other = lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.leader,
        guide_version=guide_version,
        scheduled_at=at(4, 9, 30),
        place="",
    )
    assert other.pk
    with pytest.raises(DomainError, match="is busy at .* Choose another time"), override("en"):
        proposals.time_proposal_make(actor=people.employee, conversation=invited, starts=[at(4, 9)])
    with pytest.raises(DomainError):
        proposals.time_proposal_make(
            actor=people.employee,
            conversation=invited,
            starts=[at(7, 9), at(8, 9), at(9, 9), at(10, 9)],
        )


def test_only_a_party_of_an_invited_conversation_proposes(conversation, invited, people):
    with pytest.raises(PermissionDenied):
        proposals.time_proposal_make(
            actor=people.other_employee, conversation=invited, starts=[at(4, 9)]
        )


def test_the_leader_takes_one_time_and_both_get_the_updated_invitation(invited, people, run, smtp):
    proposal = propose(run, invited, people.employee, at(4, 9), at(7, 12, 30), message="Helst")
    before = len(smtp.messages)
    moved = run(
        proposals.time_proposal_accept,
        actor=people.leader,
        conversation=invited,
        proposal_id=proposal.pk,
        start=at(7, 12, 30),
    )
    assert (moved.scheduled_at, moved.ics_sequence) == (at(7, 12, 30), 1)
    updates = smtp.messages[before:]
    assert sorted(m["To"] for m in updates) == sorted([people.employee.email, people.leader.email])
    proposal.refresh_from_db()
    # Answered: closed, and the message gone.
    assert (proposal.outcome, proposal.message) == ("accepted", "")
    assert proposal.closed_at is not None
    assert other_times.other_times(policy.access_to(people.leader, moved)) == []


def test_the_employee_cannot_take_their_own_time_nor_a_time_not_proposed(invited, people, run):
    proposal = propose(run, invited, people.employee, at(4, 9))
    for actor, start in ((people.employee, at(4, 9)), (people.leader, at(4, 10))):
        with pytest.raises(DomainError):
            proposals.time_proposal_accept(
                actor=actor, conversation=invited, proposal_id=proposal.pk, start=start
            )
    assert Conversation.objects.get(pk=invited.pk).ics_sequence == 0


def test_the_leader_answers_with_other_times_and_the_employee_takes_one(invited, people, run, smtp):
    first = propose(run, invited, people.employee, at(4, 9), message="Kan ikke torsdag")
    before = len(smtp.messages)
    answer = propose(run, invited, people.leader, at(8, 10, 30), at(9, 14))
    [notice] = smtp.messages[before:]
    assert notice["To"] == people.employee.email
    first.refresh_from_db()
    assert (first.outcome, first.message) == ("answered", "")
    [shown] = other_times.other_times(policy.access_to(people.employee, invited))
    assert (shown.party, shown.mine, shown.starts) == ("leader", False, [at(8, 10, 30), at(9, 14)])
    moved = run(
        proposals.time_proposal_accept,
        actor=people.employee,
        conversation=invited,
        proposal_id=answer.pk,
        start=at(9, 14),
    )
    assert (moved.scheduled_at, moved.ics_sequence) == (at(9, 14), 1)


def test_a_counter_from_the_mail_program_is_shown_the_same_way(invited, people, run):
    InvitationAnswer.objects.create(
        conversation=invited,
        party="employee",
        answer="declined",
        proposed_start=at(4, 9),
        proposed_end=at(4, 10, 30),
        sequence=0,
        stamped_at=timezone.now(),
        received_at=timezone.now(),
    )
    propose(run, invited, people.employee, at(7, 9))
    waiting = other_times.other_times_waiting_for(people.leader)
    assert [(w.from_mail, w.starts) for w in waiting] == [(False, [at(7, 9)]), (True, [at(4, 9)])]
    assert other_times.other_times_waiting_for(people.employee) == []
    assert other_times.other_times_waiting_for(people.other_leader) == []


def test_the_message_goes_when_the_conversation_is_cancelled_or_moved(invited, people, run):
    proposal = propose(run, invited, people.employee, at(4, 9), message="Privat grunn")
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        scheduled_at=at(8, 9),
        duration_minutes=90,
        place="",
    )
    proposal.refresh_from_db()
    assert (proposal.outcome, proposal.message) == ("lapsed", "")
    second = propose(run, invited, people.employee, at(4, 9), message="Igjen")
    run(lifecycle.conversation_cancel, actor=people.leader, conversation=invited, reason="Slutt")
    second.refresh_from_db()
    assert (second.outcome, second.message) == ("lapsed", "")


# The pages.


def test_the_employee_proposes_on_the_page_from_the_suggested_free_times(
    invited, people, client_for, run
):
    client = client_for("employee")
    detail = client.get(reverse("conversation_detail", args=[invited.pk])).content.decode()
    url = reverse("time_propose", args=[invited.pk])
    assert url in detail
    page = client.get(url)
    suggested = page.context["form"].fields["suggested"].choices
    assert suggested and len(suggested) <= 6
    for _value, start in suggested:
        local = timezone.localtime(start)
        assert local.weekday() < 5 and local > timezone.now()
        assert start != invited.scheduled_at
    value = suggested[0][0]
    response = client.post(url, {"suggested": [value], "message": "Passer bedre"})
    assert response.status_code == 302
    assert TimeProposal.objects.get().start_1 == suggested[0][1]
    # The leader's home shows it, with the one click.
    home = client_for("leader").get(reverse("home")).content.decode()
    assert reverse("time_proposal_accept", args=[invited.pk]) in home
    assert "Passer bedre" in home


def test_a_refused_time_is_said_on_the_page_and_nothing_is_saved(invited, client_for):
    url = reverse("time_propose", args=[invited.pk])
    response = client_for("employee").post(url, {"own_1": "2026-12-05T10:00"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not TimeProposal.objects.exists()


def test_the_leader_accepts_in_one_click_on_the_page(invited, people, client_for, run):
    proposal = propose(run, invited, people.employee, at(4, 9))
    response = client_for("leader").post(
        reverse("time_proposal_accept", args=[invited.pk]),
        {"proposal": proposal.pk, "start": "2026-12-04T09:00"},
    )
    assert response.status_code == 302
    assert Conversation.objects.get(pk=invited.pk).scheduled_at == at(4, 9)


def test_others_never_reach_the_page(invited, client_for):
    for role, status in (("other_employee", 404), ("hr", 404), ("anonymous", 302)):
        response = client_for(role).get(reverse("time_propose", args=[invited.pk]))
        assert response.status_code == status, role


def test_the_invitation_links_the_page_and_names_where_a_mail_answer_goes(
    invited, people, smtp, settings
):
    [to_employee] = smtp.to(people.employee.email)
    body = to_employee.get_body(("plain",)).get_content()
    assert f"/samtaler/{invited.pk}/ny-tid/" in body
    assert settings.SAMTALE_CALENDAR_ADDRESS in body
    # The leader's copy has no such offer: the leader moves the conversation.
    [to_leader] = smtp.to(people.leader.email)
    assert "/ny-tid/" not in to_leader.get_body(("plain",)).get_content()
