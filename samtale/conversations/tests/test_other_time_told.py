"""Another time, as each party is told it (issue 72): a proposed time that is no longer free
is shown so, without its one click, and the refusal of a move to it speaks to the reader as
"you" where it is their own calendar; the card names who proposed; the one who proposed is
told that the other accepted, in their calendar update, and the conversation's history
credits the one who accepted. The calendar update says what changed: the time, the place,
or both. The clock stands on Monday 23 November 2026; the conversation is invited for
Thursday 3 December at 09:00 (planning.NOW, conftest)."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from samtale.conversations import other_times, policy
from samtale.conversations.models import StatusChange
from samtale.conversations.services import lifecycle, proposals
from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry

from .planning import at
from .test_time_proposals import propose

pytestmark = pytest.mark.usefixtures("clock")


def _busy_leader_at(people, guide_version, when):
    """HR books the leader with the other employee at `when`."""
    return lifecycle.conversation_plan(
        actor=people.hr,
        employee=people.other_employee,
        leader=people.leader,
        guide_version=guide_version,
        scheduled_at=when,
    )


def _shown(person, conversation):
    with override("en"):
        [item] = other_times.other_times(policy.access_to(person, conversation))
    return item


def test_a_proposed_time_no_longer_free_is_said_to_each_as_they_see_it(
    invited, people, run, guide_version
):
    propose(run, invited, people.employee, at(4, 9), at(7, 12, 30))
    _busy_leader_at(people, guide_version, at(4, 9, 30))
    # The leader, who would accept it, is told it is their own calendar.
    assert _shown(people.leader, invited).times == [
        (at(4, 9), "No longer free: you have another conversation then."),
        (at(7, 12, 30), ""),
    ]
    # The employee, who proposed it, is told whose it is.
    assert _shown(people.employee, invited).times[0] == (
        at(4, 9),
        "No longer free: Leif Testesen has another conversation then.",
    )


def test_a_time_that_has_passed_is_no_longer_free(invited, people, run, clock):
    propose(run, invited, people.employee, at(4, 9))
    clock.move_to(at(4, 10))
    assert _shown(people.leader, invited).times == [
        (at(4, 9), "No longer free: the time has passed.")
    ]


def test_taking_it_anyway_is_refused_in_the_second_person(invited, people, run, guide_version):
    proposal = propose(run, invited, people.employee, at(4, 9))
    _busy_leader_at(people, guide_version, at(4, 9, 30))
    with pytest.raises(DomainError) as refused, override("en"):
        proposals.time_proposal_accept(
            actor=people.leader, conversation=invited, proposal_id=proposal.pk, start=at(4, 9)
        )
    assert refused.value.message == (
        "You already have a conversation at 04.12.2026 09:30. Choose another time."
    )


def test_the_employee_is_told_of_the_leaders_calendar_by_name(invited, people, run, guide_version):
    answer = propose(run, invited, people.leader, at(4, 9))
    _busy_leader_at(people, guide_version, at(4, 9, 30))
    with pytest.raises(DomainError) as refused, override("en"):
        proposals.time_proposal_accept(
            actor=people.employee, conversation=invited, proposal_id=answer.pk, start=at(4, 9)
        )
    assert refused.value.message.startswith("Leif Testesen already has a conversation at")


def test_the_one_who_proposed_is_told_who_accepted_and_the_history_credits_them(
    invited, people, run, smtp
):
    answer = propose(run, invited, people.leader, at(8, 10, 30))
    before = len(smtp.messages)
    run(
        proposals.time_proposal_accept,
        actor=people.employee,
        conversation=invited,
        proposal_id=answer.pk,
        start=at(8, 10, 30),
    )
    sent = {m["To"]: m for m in smtp.messages[before:]}
    to_leader = sent[people.leader.email]
    assert str(to_leader["Subject"]) == (
        "Emma Testesen godtok tidspunktet du foreslo for medarbeidersamtalen"
    )
    assert "Emma Testesen godtok tidspunktet du foreslo." in to_leader.get_body(
        ("plain",)
    ).get_content().replace("\n", " ")
    # The one who accepted gets the update as any move: a new time.
    to_employee = sent[people.employee.email]
    assert str(to_employee["Subject"]) == "Nytt tidspunkt: medarbeidersamtale med Leif Testesen"
    # The history and the audit log credit the employee, who accepted.
    entry = StatusChange.objects.filter(conversation=invited).last()
    assert entry.actor == people.employee
    assert entry.reason.startswith("Godtok tidspunktet Leif Testesen foreslo: ")
    scheduled = AuditEntry.objects.get(action="conversation.scheduled")
    accepted = AuditEntry.objects.get(action="conversation.time_proposal_accepted")
    assert scheduled.actor_id == accepted.actor_id == people.employee.pk


@pytest.mark.parametrize(
    "change, subject, lead",
    [
        (
            {"place": "Møterom 3"},
            "Nytt sted: medarbeidersamtale med",
            "Medarbeidersamtalen har fått nytt sted.",
        ),
        (
            {"scheduled_at": at(4, 9)},
            "Nytt tidspunkt: medarbeidersamtale med",
            "Medarbeidersamtalen har fått nytt tidspunkt.",
        ),
        (
            {"duration_minutes": 60},
            "Nytt tidspunkt: medarbeidersamtale med",
            "Medarbeidersamtalen har fått nytt tidspunkt.",
        ),
        (
            {"scheduled_at": at(4, 9), "place": "Møterom 3"},
            "Nytt tidspunkt og sted: medarbeidersamtale med",
            "Medarbeidersamtalen har fått nytt tidspunkt og nytt sted.",
        ),
    ],
    ids=["place", "time", "length", "both"],
)
def test_the_update_says_what_changed(invited, people, run, smtp, change, subject, lead):
    before = len(smtp.messages)
    run(
        lifecycle.conversation_schedule,
        actor=people.leader,
        conversation=invited,
        **{
            "scheduled_at": invited.scheduled_at,
            "duration_minutes": invited.duration_minutes,
            "place": invited.place,
        }
        | change,
    )
    updates = smtp.messages[before:]
    assert len(updates) == 2
    for message in updates:
        assert str(message["Subject"]).startswith(subject)
        assert lead in message.get_body(("plain",)).get_content().replace("\n", " ")


# The pages.


def test_the_conversation_page_shows_a_time_no_longer_free_without_its_one_click(
    invited, people, run, client_for, guide_version
):
    propose(run, invited, people.employee, at(4, 9), at(7, 12, 30))
    _busy_leader_at(people, guide_version, at(4, 9, 30))
    page = client_for("leader").get(reverse("conversation_detail", args=[invited.pk]))
    body = page.content.decode()
    assert "Ikke lenger ledig: du har en annen samtale da." in body
    assert 'value="2026-12-04T09:00"' not in body  # no one click for it
    assert 'value="2026-12-07T12:30"' in body


def test_the_employees_card_says_the_leader_proposes(invited, people, run, client_for):
    propose(run, invited, people.leader, at(8, 10, 30), at(9, 14))
    home = client_for("employee").get(reverse("home")).content.decode()
    assert "Leif Testesen foreslår 2 andre tidspunkter for samtalen deres, nå" in home
    assert "Ønsker et annet tidspunkt" not in home
    # Said once: the card's heading, not again above the times.
    assert home.count("Leif Testesen foreslår") == 1


def test_the_history_on_the_page_credits_the_employee_who_accepted(
    invited, people, run, client_for
):
    answer = propose(run, invited, people.leader, at(8, 10, 30))
    response = client_for("employee").post(
        reverse("time_proposal_accept", args=[invited.pk]),
        {"proposal": answer.pk, "start": "2026-12-08T10:30"},
    )
    assert response.status_code == 302
    page = client_for("leader").get(reverse("conversation_detail", args=[invited.pk]))
    history = page.content.decode().split('id="history-heading"', 1)[1]
    assert "Emma Testesen</span>: Godtok tidspunktet Leif Testesen foreslo:" in history
