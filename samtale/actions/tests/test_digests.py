import pytest

from samtale.actions.jobs import action_digests
from samtale.actions.tests.conftest import days
from samtale.notifications.models import OutboundEmail


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go():
        with django_capture_on_commit_callbacks(execute=True):
            return action_digests.call()

    return go


def test_each_person_gets_one_digest_with_counts_and_a_link_but_no_action_text(
    smtp, people, signed, run
):
    signed(
        people.employee,
        people.leader,
        [
            (days(-2), "employee", "in_progress"),  # overdue, the employee's
            (days(3), "both", "not_started"),  # due soon, both
            (days(0), "leader", "not_started"),  # due today, the leader's: not overdue
            (days(40), "employee", "not_started"),  # not soon
        ],
    )
    run()
    employee_mail = smtp.to(people.employee.email)
    assert len(employee_mail) == 1
    body = employee_mail[0].get_body(preferencelist=("plain",)).get_content()
    # One overdue (the employee's), one due within 7 days (both): counts, not texts.
    assert "1 av tiltakene dine har passert fristen." in body
    assert "1 tiltak har frist innen 7 dager." in body
    assert "/mine-tiltak/" in body
    assert "Tiltak 0 for Emma" not in body and "Tiltak 1 for Emma" not in body
    leader_mail = smtp.to(people.leader.email)
    kinds = sorted(OutboundEmail.objects.filter(to=people.leader).values_list("kind", flat=True))
    assert kinds == ["action_digest", "leader_digest"]
    assert len(leader_mail) == 2


def test_running_the_job_twice_a_day_sends_nothing_more(smtp, people, signed, run):
    signed(people.employee, people.leader, [(days(-2), "employee", "in_progress")])
    run()
    count = len(smtp.messages)
    assert run() == 0
    assert len(smtp.messages) == count


def test_nobody_without_due_actions_gets_a_digest(smtp, people, signed, run):
    signed(
        people.employee,
        people.leader,
        [(days(30), "employee", "not_started"), (days(-9), "employee", "done")],
    )
    run()
    assert smtp.messages == []


def test_the_digest_counts_only_what_the_recipient_answers_for(smtp, people, signed, run):
    signed(people.employee, people.leader, [(days(-1), "leader", "in_progress")])
    run()
    assert smtp.to(people.employee.email) == []
    assert OutboundEmail.objects.filter(
        to=people.leader, kind="action_digest", status="sent"
    ).exists()
