"""A step handed to someone who has not taken it is reminded once, SAMTALE_STEP_REMINDER_DAYS
after the hand-off (conversations.notices.step_reminders_due, the daily job remind_steps)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from samtale.conversations import jobs, notices
from samtale.conversations.services import lifecycle
from samtale.conversations.services import summary as services
from samtale.notifications.models import OutboundEmail
from samtale.work.schedule import JOBS

from . import summary_steps as steps
from .planning import NOW, more_reports, plan

pytestmark = pytest.mark.usefixtures("clock")
DAYS = 3


@pytest.fixture(autouse=True)
def _days(settings):
    settings.SAMTALE_STEP_REMINDER_DAYS = DAYS


def _remind(run) -> int:
    return run(notices.step_reminders_due)


def _reminders(**filters):
    return OutboundEmail.objects.filter(
        kind=notices.OUTBOX_KIND, ref__has_key="reminder", **filters
    )


def _closed(people, conversation, run):
    run(lifecycle.conversation_hold, actor=people.leader, conversation=conversation, confirmed=True)
    return steps.fresh(conversation)


def test_the_job_runs_every_morning():
    job = JOBS[jobs.remind_steps.module_path]
    assert job.daily_at.hour == 7


def test_a_summary_not_written_is_reminded_once_after_the_days(
    people, conversation, run, smtp, clock
):
    c = _closed(people, conversation, run)
    assert _remind(run) == 0
    clock.move_to(NOW + timedelta(days=DAYS) - timedelta(minutes=1))
    assert _remind(run) == 0
    clock.move_to(NOW + timedelta(days=DAYS))
    assert _remind(run) == 1
    [reminder] = _reminders()
    assert reminder.to_id == people.employee.pk and reminder.ref["step"] == "summary_to_write"
    message = smtp.to(people.employee.email)[-1]
    with override("nb"):
        assert message["Subject"].startswith(gettext("Reminder:"))
        assert (
            gettext("This is a reminder: it still waits for you.")
            in message.get_body(("plain",)).get_content()
        )
    link = settings.SITE_URL + reverse("summary", args=[c.pk])
    assert link in message.get_body(("plain",)).get_content()
    # Once: not the next morning, nor the one after.
    for day in (1, 2):
        clock.move_to(NOW + timedelta(days=DAYS + day))
        assert _remind(run) == 0
    assert _reminders().count() == 1


def test_a_step_taken_is_not_reminded_and_the_next_one_waits_its_own_days(
    people, conversation, run, smtp, clock
):
    c = _closed(people, conversation, run)
    clock.move_to(NOW + timedelta(days=1))
    run(steps.submitted, conversation=c, people=people)  # written and sent on day 1
    clock.move_to(NOW + timedelta(days=DAYS))
    assert _remind(run) == 0  # the employee has acted; the leader's wait began on day 1
    clock.move_to(NOW + timedelta(days=1 + DAYS))
    assert _remind(run) == 1
    assert list(_reminders().values_list("to_id", "ref__step")) == [
        (people.leader.pk, "summary_submitted")
    ]


def test_a_later_hand_off_starts_the_wait_anew(people, conversation, run, smtp, clock):
    c = _closed(people, conversation, run)
    c = run(steps.submitted, conversation=c, people=people)
    steps.comment(c, people, "Skriv hvem som melder deg på.")
    clock.move_to(NOW + timedelta(days=2))
    run(services.summary_send_back, actor=people.leader, conversation=steps.fresh(c))
    clock.move_to(NOW + timedelta(days=DAYS))
    assert _remind(run) == 0  # sent back on day 2: not yet three days
    clock.move_to(NOW + timedelta(days=2 + DAYS))
    assert _remind(run) == 1
    [reminder] = _reminders()
    assert (reminder.to_id, reminder.ref["step"]) == (people.employee.pk, "summary_sent_back")


def test_who_turned_the_notice_off_gets_no_reminder_either(people, conversation, run, smtp, clock):
    people.employee.notices_off = ["summary_to_write"]
    people.employee.save(update_fields=["notices_off"])
    _closed(people, conversation, run)
    clock.move_to(NOW + timedelta(days=DAYS))
    assert _remind(run) == 0


def test_who_turns_it_off_after_the_notice_is_not_reminded(people, conversation, run, smtp, clock):
    _closed(people, conversation, run)
    people.employee.notices_off = ["summary_to_write"]
    people.employee.save(update_fields=["notices_off"])
    clock.move_to(NOW + timedelta(days=DAYS))
    assert _remind(run) == 0
    assert not _reminders().exists()


def test_the_following_up_is_not_reminded(people, conversation, run, smtp, clock):
    run(steps.signed, conversation=conversation, people=people)
    # The one who signed first was told to follow up; that is not a step to remind of.
    assert OutboundEmail.objects.filter(ref__step="follow_up", status="sent").count() == 1
    clock.move_to(NOW + timedelta(days=DAYS + 1))
    assert _remind(run) == 0


def test_it_reads_the_same_few_queries_however_many_are_due(
    people, guide_version, run, smtp, clock
):
    reports = more_reports(people, 4)
    for report in reports:
        c = plan(people, report, None, guide_version)
        run(lifecycle.conversation_hold, actor=people.leader, conversation=c)
    clock.move_to(NOW + timedelta(days=DAYS))
    # What the job itself reads (the worker sends the messages after it).
    with CaptureQueriesContext(connection) as queries:
        assert notices.step_reminders_due() == len(reports)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # The hand-offs of the last days, and their conversations with their parties.
    assert len(reads) == 2, reads
