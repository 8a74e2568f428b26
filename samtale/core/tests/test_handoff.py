"""Work handed to the worker by name: each name the code hands work to is taken by one task,
the task runs once the transaction commits, and a name nobody takes fails at the caller."""

import pytest
from django.db import transaction
from django.tasks import task

from samtale.archive.services import RENDER
from samtale.core import handoff
from samtale.notifications.outbox import SEND
from samtale.rounds.services import INVITE

RAN: list[object] = []


@handoff.receives("test.handoff")
@task
def remember(value: int) -> None:
    RAN.append(value)


@task
def another(value: int) -> None:
    RAN.append(-value)


def test_every_name_the_services_hand_work_to_is_taken_by_its_task():
    from samtale.archive.jobs import render_signed_form
    from samtale.notifications.tasks import email_send
    from samtale.rounds.jobs import invite_due

    assert handoff.task_for(RENDER) is render_signed_form
    assert handoff.task_for(SEND) is email_send
    assert handoff.task_for(INVITE) is invite_due


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_after_the_commit_and_not_after_a_rollback():
    RAN.clear()
    with transaction.atomic():
        handoff.after_commit("test.handoff", 1)
        assert RAN == []  # the immediate backend runs it at the commit, not before
    assert RAN == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        handoff.after_commit("test.handoff", 2)
        raise RuntimeError
    assert RAN == [1]


def test_a_name_no_task_takes_fails_in_the_caller():
    with pytest.raises(LookupError, match="no task takes 'nobody.here'"):
        handoff.after_commit("nobody.here", 1)


def test_two_tasks_cannot_take_one_name():
    with pytest.raises(RuntimeError, match="two tasks"):
        handoff.receives("test.handoff")(another)
