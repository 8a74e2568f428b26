"""The retention policy under a frozen clock (Europe/Oslo): preparation notes go 12 months
after signing, the content of a leaver's conversations 3 years after they left; a legal hold
and a form not yet in the personnel file keep everything, and answers a period not yet
published will count keep a leaver's content; a dry run changes nothing; and the published
figures are what they were."""

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.archive.models import Delivery, SignedForm
from samtale.conversations.models import (
    Conversation,
    Feedback,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryComment,
    SummaryRevision,
    TimeProposal,
)
from samtale.core.models import AuditEntry
from samtale.insight.models import Publication
from samtale.insight.publication import figures, publish
from samtale.insight.publication.measures import LIKERT
from samtale.needs.models import RaisedNeed
from samtale.org.models import Person
from samtale.privacy import jobs, records, retention, services
from samtale.privacy.models import LegalHold, RetentionRun
from samtale.privacy.tests.conftest import full_conversation
from samtale.work.schedule import JOBS
from testkit.people import PASSWORD

OSLO = ZoneInfo("Europe/Oslo")
HELD = date(2023, 3, 10)  # signed the day after
LEFT = date(2023, 6, 30)
# Nothing of the records (privacy.records) is due in these tests.
NO_RECORDS = dict.fromkeys(records.COUNTED, 0)


def travel(*args):
    return time_machine.travel(datetime(*args, 3, 0, tzinfo=OSLO), tick=False)


def texts_of(conversation) -> set[str]:
    """Every text kept for a conversation, anywhere retention reaches."""
    c = conversation.pk
    found: set[object] = set()
    found |= set(Note.objects.filter(preparation__conversation=c).values_list("text", flat=True))
    for row in SummaryRevision.objects.filter(conversation=c).values(
        "text", "shared_outside", "reason", "withdrawn_reason", "comment"
    ):
        found |= set(row.values())
    for rows in (
        SummaryComment.objects.filter(revision__conversation=c).values_list("text", flat=True),
        Feedback.objects.filter(conversation=c).values_list("comment", flat=True),
        Goal.objects.filter(conversation=c).values_list("text", flat=True),
        Goal.objects.filter(conversation=c).values_list("learned", flat=True),
        Action.objects.filter(goal__conversation=c).values_list("text", flat=True),
        ActionUpdate.objects.filter(action__goal__conversation=c).values_list("comment", flat=True),
        RaisedNeed.objects.filter(conversation=c).values_list("text", flat=True),
        StatusChange.objects.filter(conversation=c).values_list("reason", flat=True),
    ):
        found |= set(rows)
    for goals in SummaryRevision.objects.filter(conversation=c).values_list(
        "agreed_goals", flat=True
    ):
        found |= {json.dumps(goals)} if goals else set()
    for content in SignedForm.objects.filter(conversation=c).values_list("content", flat=True):
        found.add(json.dumps(content))
    return {str(text) for text in found if text}


def leave(person, on=LEFT):
    Person.objects.filter(pk=person.pk).update(is_active=False, end_date=on)


# Preparation notes ------------------------------------------------------------------------


def test_preparation_notes_are_kept_eleven_months_after_signing(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    with travel(2024, 2, 12):
        run, plan = services.retention_run()
    assert plan.notes == [] and run.counts["notes"] == 0
    assert Note.objects.filter(preparation__conversation=c).count() == 3


def test_preparation_notes_and_the_checklist_go_twelve_months_after_signing(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    before = texts_of(c)
    with travel(2024, 3, 13):
        run, plan = services.retention_run()
    assert plan.notes == [c.pk]
    assert not Note.objects.filter(preparation__conversation=c).exists()
    assert list(Preparation.objects.filter(conversation=c).values_list("checklist", flat=True)) == [
        [],
        [],
    ]
    # Only the notes: the summary, the goals, the answers and the form are as they were.
    notes = {
        f"MARKER-A-{n}" for n in ("employee-note", "leader-note-shared", "leader-note-private")
    }
    assert texts_of(c) == before - notes
    assert LikertAnswer.objects.filter(conversation=c).count() == 2
    assert (
        run.counts
        == {
            **dict.fromkeys(retention.COUNTED, 0),
            "notes": 3,
            "checklists": 1,
            "conversations_notes": 1,
        }
        | NO_RECORDS
    )
    # A second run finds nothing more.
    with travel(2024, 3, 14):
        again, plan = services.retention_run()
    assert plan.notes == [] and again.counts["notes"] == 0


def test_a_conversation_held_and_never_signed_loses_its_notes_as_long_after_it_was_held(
    people, version
):
    """Notes of a conversation that never ended signed do not stay for as long as the
    employee does: held and never signed, they go SAMTALE_RETAIN_NOTES_MONTHS after it was
    held; the message sent with a proposed time goes with them."""
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    Conversation.objects.filter(pk=c.pk).update(status=Conversation.Status.HELD, signed_at=None)
    TimeProposal.objects.create(
        conversation=c,
        party="employee",
        start_1=datetime(2023, 3, 1, 9, tzinfo=OSLO),
        message="MARKER-proposal",
        sequence=1,
        created_at=datetime(2023, 2, 20, 9, tzinfo=OSLO),
    )
    with travel(2024, 3, 9):  # not yet twelve months after it was held
        services.retention_run()
    assert Note.objects.filter(preparation__conversation=c).count() == 3
    with travel(2024, 3, 11):
        run, _plan = services.retention_run()
    assert Note.objects.filter(preparation__conversation=c).count() == 0
    assert TimeProposal.objects.get(conversation=c).message == ""
    assert run.counts["conversations_notes"] == 1


def test_a_cancelled_conversation_loses_its_notes_as_long_after_it_was_cancelled(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    Conversation.objects.filter(pk=c.pk).update(
        status=Conversation.Status.CANCELLED, signed_at=None, held_at=None
    )
    with travel(2023, 9, 1):
        StatusChange.objects.create(conversation=c, from_status="held", to_status="cancelled")
    with travel(2024, 8, 31):  # not yet twelve months after it was cancelled
        services.retention_run()
    assert Note.objects.filter(preparation__conversation=c).count() == 3
    with travel(2024, 9, 2):
        services.retention_run()
    assert Note.objects.filter(preparation__conversation=c).count() == 0


def test_an_open_conversation_keeps_its_notes(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    Conversation.objects.filter(pk=c.pk).update(
        status=Conversation.Status.PREPARED, signed_at=None, held_at=None
    )
    with travel(2026, 3, 13):
        services.retention_run()
    assert Note.objects.filter(preparation__conversation=c).count() == 3


# Leavers ------------------------------------------------------------------------------------


def test_a_leavers_content_is_kept_until_three_years_after_they_left(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    leave(people.employee)
    with travel(2026, 6, 30):
        run, plan = services.retention_run()
    assert plan.leavers == {} and run.counts["conversations_leavers"] == 0
    assert "MARKER-A-summary-v2" in texts_of(c)  # the notes went a year after signing
    assert SignedForm.objects.filter(conversation=c).exists()


def test_a_leavers_content_goes_three_years_after_they_left_and_the_facts_stay(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    publish.publish_due()  # stamps where each answer counted (made here without it)
    facts = Conversation.objects.filter(pk=c.pk).values().get()
    leave(people.employee)
    with travel(2026, 7, 1):
        run, plan = services.retention_run()
    assert plan.leavers == {people.employee.pk: [c.pk]}
    assert texts_of(c) == set()
    assert Conversation.objects.filter(pk=c.pk).values().get() == facts  # untouched, to the second
    assert not LikertAnswer.objects.filter(conversation=c).exists()
    assert not LeadershipAnswer.objects.filter(conversation=c).exists()
    assert not SignedForm.objects.exists() and not Delivery.objects.exists()
    # What stays: the rows with their results, statuses and history of statuses.
    goal = Goal.objects.get(conversation=c)
    assert (goal.result, goal.text) == ("partly", "")
    action = Action.objects.get(goal=goal)
    assert (action.status, action.deadline, action.text) == (
        "in_progress",
        date(2023, 5, 9),
        "",
    )
    assert ActionUpdate.objects.get(action=action).to_status == "in_progress"
    assert Feedback.objects.get(conversation=c).rating == 4
    assert list(SummaryRevision.objects.filter(conversation=c).values_list("number", flat=True))
    assert StatusChange.objects.get(conversation=c).to_status == "postponed"
    # The year was published before its answers went.
    assert Publication.objects.filter(kind="year", year=2023).exists()
    assert (
        run.counts
        == {
            "notes": 3,
            "checklists": 1,
            # 2 revisions, a comment, the feedback, a goal, an action, its update, a need, a reason
            "texts": 9,
            "likert": 2,
            "leadership": 1,
            "forms": 1,
            "conversations_notes": 0,
            "conversations_leavers": 1,
            "people": 1,
        }
        | NO_RECORDS
    )


def test_without_an_end_date_a_leaver_left_the_day_they_were_deactivated(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    with travel(2023, 8, 15):
        Person.objects.filter(pk=people.employee.pk).update(
            is_active=False, deactivated_at=datetime(2023, 8, 15, 12, tzinfo=OSLO)
        )
    with travel(2026, 8, 15):
        assert services.retention_run()[1].leavers == {}
    with travel(2026, 8, 16):
        assert services.retention_run()[1].leavers == {people.employee.pk: [c.pk]}
    assert texts_of(c) == set()


def test_an_active_person_with_an_old_end_date_has_not_left(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    Person.objects.filter(pk=people.employee.pk).update(end_date=LEFT)
    with travel(2030, 1, 1):
        services.retention_run()
    assert "MARKER-A-summary-v2" in texts_of(c)


def test_the_conversations_a_leaver_held_as_the_leader_stay_with_their_employee(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    leave(people.leader)
    with travel(2030, 1, 1):
        run, plan = services.retention_run()
    assert plan.leavers == {}
    assert "MARKER-A-summary-v2" in texts_of(c)


# What keeps it ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "leader"])
def test_a_legal_hold_on_either_party_keeps_everything_until_it_is_released(people, version, who):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    before = texts_of(c)
    leave(people.employee)
    hold = services.legal_hold_set(actor=people.hr, person=people.by_role(who), reason="Tvist")
    with travel(2030, 1, 1):
        run, plan = services.retention_run()
    assert plan.held == {c.pk} and run.skipped_hold == 1
    assert texts_of(c) == before and LikertAnswer.objects.filter(conversation=c).count() == 2
    services.legal_hold_release(actor=people.hr, person=people.by_role(who))
    with travel(2030, 1, 2):
        run, plan = services.retention_run()
    assert texts_of(c) == set() and run.skipped_hold == 0
    assert LegalHold.objects.get(pk=hold.pk).released_by == people.hr  # kept as history


def test_a_form_not_yet_in_the_personnel_file_keeps_the_whole_of_a_leavers_content(people, version):
    waiting = full_conversation(
        people.employee, people.leader, version, key="A", held=HELD, delivered=False
    )
    other = full_conversation(
        people.employee, people.leader, version, key="B", held=date(2022, 3, 1)
    )
    before = texts_of(waiting) | texts_of(other)
    leave(people.employee)
    with travel(2030, 1, 1):
        run, plan = services.retention_run()
    assert plan.unarchived == {waiting.pk, other.pk} and run.skipped_unarchived == 2
    assert plan.leavers == {}
    # The waiting one keeps even its notes; the other's go by the notes' rule.
    assert texts_of(waiting) | texts_of(other) == before - {
        f"MARKER-B-{n}" for n in ("employee-note", "leader-note-shared", "leader-note-private")
    }
    Delivery.objects.update(status=Delivery.Status.DELIVERED)
    with travel(2030, 1, 2):
        run, plan = services.retention_run()
    assert plan.leavers == {people.employee.pk: [waiting.pk, other.pk]}
    assert texts_of(waiting) | texts_of(other) == set()


def test_a_hold_set_after_the_plan_was_made_still_keeps_it(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    leave(people.employee)
    with travel(2030, 1, 1):
        plan = retention.due()
        services.legal_hold_set(actor=people.hr, person=people.employee, reason="Sak")
        counts = retention.apply(plan)
    assert counts["skipped_hold"] == 1 and counts["conversations_leavers"] == 0
    assert "MARKER-A-summary-v2" in texts_of(c)


# A dry run, the record and the command ----------------------------------------------------


def test_a_dry_run_changes_nothing_and_counts_what_a_run_then_deletes(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    d = full_conversation(people.other_employee, people.other_leader, version, key="B", held=HELD)
    leave(people.employee)
    before = texts_of(c) | texts_of(d)
    with travel(2030, 1, 1):
        dry, _plan = services.retention_run(dry_run=True)
        assert texts_of(c) | texts_of(d) == before
        assert LikertAnswer.objects.filter(conversation=c).count() == 2
        assert SignedForm.objects.count() == 2
        run, _plan = services.retention_run()
    assert dry.dry_run and not run.dry_run
    assert dry.counts == run.counts
    assert run.counts["conversations_leavers"] == 1 and run.counts["conversations_notes"] == 1


def test_each_run_is_recorded_with_one_audit_entry_of_counts_only(people, version):
    full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    leave(people.employee)
    with travel(2030, 1, 1):
        run, _plan = services.retention_run()
    run = RetentionRun.objects.get()
    assert run.finished_at is not None and run.started_at <= run.finished_at
    assert (run.notes_months, run.leavers_years) == (12, 3)
    entry = AuditEntry.objects.get(action="retention.run")
    assert entry.actor is None and entry.object_id == str(run.pk)
    assert entry.data == {
        "dry_run": False,
        "skipped_hold": 0,
        "skipped_unarchived": 0,
        "skipped_unpublished": 0,
        **run.counts,
    }
    assert "MARKER" not in json.dumps(entry.data)


def test_the_command_lists_what_would_go_by_id_and_never_content(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    d = full_conversation(people.other_employee, people.other_leader, version, key="B", held=HELD)
    leave(people.employee)
    out = io.StringIO()
    with travel(2030, 1, 1):
        call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run" in text and "MARKER" not in text
    assert f"Preparation notes would go: 1 conversations: {d.pk}" in text
    assert f"Content of leavers would go: 1 people, 1 conversations: {c.pk}" in text
    assert "       1  signed forms deleted (with their PDFs)" in text
    assert texts_of(c)  # nothing went
    out = io.StringIO()
    with travel(2030, 1, 1):
        call_command("retention", stdout=out)
    text = out.getvalue()
    assert f"Content of leavers went: 1 people, 1 conversations: {c.pk}" in text
    assert "MARKER" not in text and texts_of(c) == set()
    assert RetentionRun.objects.filter(dry_run=True).count() == 1
    assert RetentionRun.objects.filter(dry_run=False).count() == 1


def test_the_policy_runs_every_night_at_three(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    job = JOBS["samtale.privacy.jobs.retention_daily"]
    assert job.daily_at.hour == 3 and job.every is None
    with travel(2024, 6, 1):
        jobs.retention_daily.call()
    assert not Note.objects.filter(preparation__conversation=c).exists()
    assert RetentionRun.objects.get().dry_run is False


# The figures ----------------------------------------------------------------------------------


def _figures(year: int, unit_id: int) -> dict:
    """The published figures of a year for a unit and the whole organization."""
    groups = [figures.unit_group(unit_id), figures.unit_group(None)]
    measures = [f"{LIKERT}{key}" for key in ("trives", "mestrer")]
    return figures.figures(measures=measures, groups=groups, years=[year])


def test_the_published_figures_are_the_same_after_retention(people, version):
    """Six people in Team 1 answered in 2023 (two of them twice); three of them left, one of
    those with two conversations. Their answers go with the rest of their content, and the
    figures of 2023, published once, are what they were, with all six counted."""
    team = [people.employee]
    for n in range(5):
        team.append(
            Person.objects.create_user(
                f"team{n}@test.example",
                PASSWORD,
                first_name=f"T{n}",
                last_name="Testesen",
                unit=people.employee.unit,
                manager=people.leader,
                employee_number=f"20{n}",
                profession_group="Lærer" if n % 2 else "Assistent",
            )
        )
    values = [(5, 4), (4, 4), (3, 2), (2, 1), (4, 5), (1, 3)]
    for n, (person, likert) in enumerate(zip(team, values, strict=True)):
        full_conversation(
            person, people.leader, version, key=f"P{n}", held=date(2023, 3, 1 + n), likert=likert
        )
    full_conversation(team[1], people.leader, version, key="P1b", held=date(2023, 9, 1))
    full_conversation(team[3], people.leader, version, key="P3b", held=date(2023, 10, 1))
    for person in (team[1], team[2], team[3]):
        leave(person, on=date(2023, 12, 31))
    unit = people.employee.unit_id
    with travel(2027, 2, 1):
        publish.publish_due()
        before = _figures(2023, unit)
        run, _plan = services.retention_run()
        assert _figures(2023, unit) == before
    assert run.counts["people"] == 3 and run.counts["likert"] == 10
    assert not LikertAnswer.objects.filter(conversation__employee__in=team[1:4]).exists()
    trives = before[(2023, f"{LIKERT}trives", figures.unit_group(unit))]
    assert trives.people == 6


def test_a_leavers_answers_wait_for_the_round_they_count_in(people, version):
    """A leaver whose conversation is in a round still open keeps everything (the round's
    figures will count the answers), shown as kept; once the round is closed and published,
    the next run takes it."""
    from samtale.rounds.models import Round

    c = full_conversation(people.employee, people.leader, version, key="A", held=HELD)
    round = Round.objects.create(
        name="Vår 2023",
        period_start=date(2023, 1, 1),
        period_end=date(2023, 6, 1),
        guide_id=version.guide_id,
    )
    Conversation.objects.filter(pk=c.pk).update(round=round)
    leave(people.employee)
    with travel(2030, 1, 1):
        run, plan = services.retention_run()
    assert plan.unpublished == {c.pk} and not plan.leavers
    assert run.skipped_unpublished == 1 and run.counts["likert"] == 0
    assert texts_of(c) and LikertAnswer.objects.filter(conversation=c).count() == 2
    Round.objects.filter(pk=round.pk).update(closed_at=datetime(2030, 1, 2, tzinfo=OSLO))
    with travel(2030, 1, 3):
        run, plan = services.retention_run()
    assert Publication.objects.filter(round=round).exists()
    assert run.skipped_unpublished == 0 and run.counts["likert"] == 2
    assert texts_of(c) == set()
