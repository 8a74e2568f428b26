"""A new line manager inherits the follow-up (actions.handover, conversations.services.handover,
rounds.receivers): through the person form, an import and SCIM alike, by one rule."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.api import tokens
from samtale.conversations.models import Conversation, Note, Preparation, SummaryRevision
from samtale.conversations.services.lifecycle import (
    conversation_invite,
    conversation_plan,
)
from samtale.conversations.tests.summary_steps import approve_and_sign, submitted
from samtale.core.models import AuditEntry
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.models import OutboundEmail
from samtale.org.imports import services as import_services
from samtale.org.models import ImportBatch, LeaderChange, Person
from samtale.org.tests.import_rows import roster, row
from samtale.org.tests.test_import_views import people_csv
from samtale.rounds.models import Participant
from samtale.scim.tests.conftest import ENTERPRISE, Scim
from testkit.people import school_round, signed_conversation
from tests.content_paths.walk import person_form, person_save

S = Conversation.Status
OPEN, DONE = Action.Status.IN_PROGRESS, Action.Status.DONE


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


class World:
    """The employee's world with their line manager (the leader): a signed conversation with
    two open actions and a done one and its summary, a held one not yet signed, and an
    invited one not yet held in an open round, with notes on both sides."""

    def __init__(self, people):
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        guide = Guide.objects.get(key="skjema-8-tema")
        version = guide.versions.get()
        soon = timezone.localdate() + timedelta(days=10)
        self.signed = signed_conversation(
            people.employee,
            people.leader,
            [(soon, "employee", OPEN), (None, "leader", OPEN), (None, "both", DONE)],
            version=version,
        )
        SummaryRevision.objects.create(
            conversation=self.signed,
            text="SUMMARY-MARKER",
            conclusion="actions",
            employee_signed_at=self.signed.signed_at,
            leader_signed_at=self.signed.signed_at,
        )
        self.held = Conversation.objects.create(
            employee=people.employee,
            leader=people.leader,
            guide_version=version,
            kind="followup",
            status=S.HELD,
            held_at=timezone.now() - timedelta(days=1),
        )
        SummaryRevision.objects.create(conversation=self.held)
        goal = Goal.objects.create(conversation=self.held, text="HELD-GOAL")
        self.held_action = Action.objects.create(
            goal=goal, employee=people.employee, leader=people.leader, text="HELD-ACTION"
        )
        self.round = school_round(people, days=90, guide=guide)
        self.planned = conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=version,
            scheduled_at=timezone.make_aware(datetime.combine(soon, time(9))),
            place="Rom 1",
            round=self.round,
        )
        conversation_invite(actor=people.leader, conversation=self.planned)
        self.participant = Participant.objects.get(round=self.round, person=people.employee)
        self.participant.conversation = self.planned
        self.participant.save()
        for author, text in ((people.employee, "EMPLOYEE-NOTE"), (people.leader, "LEADER-NOTE")):
            preparation = Preparation.objects.create(conversation=self.planned, author=author)
            Note.objects.create(
                preparation=preparation, theme_key="motivasjon", text=text, shared_at=timezone.now()
            )
        self.open_actions = list(
            Action.objects.filter(goal__conversation=self.signed, status=OPEN).order_by("pk")
        )


def by_form(people):
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": people.other_leader.email}, people.employee)
    response = person_save(admin, people.employee, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def by_import(people):
    rows = roster()
    rows[3] = row("103", "Emma", "T1", "102", email="employee@test.example", title="Lærer")
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content=people_csv(rows), mode="update"
    )
    import_services.import_apply(actor=people.admin, batch=batch)


def by_scim(people):
    issued = tokens.issue(
        person=people.admin, name="Entra ID", scopes=["scim"], days=1, kind="service"
    )
    response = Scim(issued.raw).patch(
        f"Users/{people.employee.pk}",
        [
            {
                "op": "Replace",
                "path": f"{ENTERPRISE}:manager",
                "value": {"value": str(people.other_leader.pk)},
            }
        ],
    )
    assert response.status_code == 200, response.body


PATHS = {"form": by_form, "import": by_import, "provider": by_scim}


def mails(kind, conversation=None):
    found = OutboundEmail.objects.filter(kind=kind)
    if conversation is not None:
        found = found.filter(ref__conversation=conversation.pk)
    return sorted(m.to_id for m in found)


@pytest.mark.parametrize("via", PATHS)
def test_a_new_line_manager_takes_over_what_is_not_yet_held_and_is_asked_about_the_rest(
    people, via, django_capture_on_commit_callbacks
):
    world = World(people)
    new = people.other_leader
    OutboundEmail.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        PATHS[via](people)

    assert Person.objects.get(pk=people.employee.pk).manager == new
    change = LeaderChange.objects.get(person=people.employee)
    assert (change.via, change.old_manager, change.new_manager) == (via, people.leader, new)
    assert change.follow_up == LeaderChange.FollowUp.ASKED

    # The invited conversation moved: the old one cancelled to both, a new one invited.
    world.planned.refresh_from_db()
    assert world.planned.status == S.CANCELLED
    moved = Conversation.objects.get(employee=people.employee, leader=new)
    assert change.moved == [[world.planned.pk, moved.pk]]
    assert (moved.status, moved.scheduled_at, moved.place, moved.round) == (
        S.INVITED,
        world.planned.scheduled_at,
        "",
        world.round,
    )
    assert mails("invitation_cancel", world.planned) == sorted(
        [people.employee.pk, people.leader.pk]
    )
    assert mails("invitation", moved) == [people.employee.pk]
    assert mails("invitation_copy", moved) == [new.pk]
    # The employee's note came along, private again; the earlier leader's did not.
    notes = Note.objects.filter(preparation__conversation=moved)
    assert [(n.text, n.shared_at, n.preparation.author_id) for n in notes] == [
        ("EMPLOYEE-NOTE", None, people.employee.pk)
    ]
    # The held one stays with the two who held it.
    world.held.refresh_from_db()
    assert (world.held.leader, world.held.status) == (people.leader, S.HELD)
    # The round's holder follows, and its participant's conversation.
    world.participant.refresh_from_db()
    assert (world.participant.holder, world.participant.conversation) == (new, moved)

    # All three told; HR sees the move in the audit log.
    assert mails("leader_changed") == sorted([people.employee.pk, people.leader.pk, new.pk])
    entry = AuditEntry.objects.get(action="person.leader_changed")
    assert entry.data["via"] == via and entry.data["new_manager"] == new.pk

    # The follow-up waits for the employee: the new leader sees how many, never what.
    assert {a.leader_id for a in Action.objects.filter(employee=people.employee)} == {
        people.leader.pk
    }
    overview = signed_in(new).get(reverse("follow_up"))
    assert [(r["person"], r["count"]) for r in overview.context["handovers_waiting"]] == [
        (people.employee, 2)
    ]
    assert "Tiltak 0" not in overview.content.decode()
    action = world.open_actions[0]
    assert signed_in(new).get(reverse("action_detail", args=[action.pk])).status_code == 404


def _employee_passes_it_on(world, people, change, capture) -> None:
    """Only the employee answers, and passes the open actions and the summary on: each
    passed action's history says from whom to whom, by the employee; the done one stays."""
    new = people.other_leader
    employee = signed_in(people.employee)
    assert employee.get(reverse("home")).context["handover"] == change
    page = employee.get(reverse("follow_up_handover", args=[change.pk]))
    assert page.status_code == 200 and "Tiltak 0 for Emma" in page.content.decode()
    # Nobody else answers for the employee: not the new leader, not the administrator.
    for someone in (new, people.leader, people.admin, people.hr):
        url = reverse("follow_up_handover", args=[change.pk])
        assert signed_in(someone).post(url, {"decision": "pass"}).status_code == 404

    with capture(execute=True):
        response = employee.post(
            reverse("follow_up_handover", args=[change.pk]),
            {"decision": "pass", "share_summary": "on"},
        )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.follow_up == LeaderChange.FollowUp.PASSED
    for action in world.open_actions:
        action.refresh_from_db()
        assert action.leader == new
        step = ActionUpdate.objects.get(action=action, leader_to__isnull=False)
        assert (step.leader_from, step.leader_to, step.actor) == (
            people.leader,
            new,
            people.employee,
        )
    # The done one is history: it stays with the leader who saw it done.
    assert Action.objects.get(goal__conversation=world.signed, status=DONE).leader == people.leader
    assert mails("follow_up_passed") == [new.pk]


def _new_leader_follows_up(world, people) -> None:
    """The new leader reads and updates a passed action, and lists them at once; the
    earlier leader no longer reads it."""
    new = people.other_leader
    action = world.open_actions[0]
    detail = signed_in(new).get(reverse("action_detail", args=[action.pk]))
    assert detail.status_code == 200
    assert [u.leader_to for u in detail.context["action"].updates.all()] == [new]
    updated = signed_in(new).post(
        reverse("action_update", args=[action.pk]), {"status": DONE, "comment": ""}
    )
    assert updated.status_code == 302
    action.refresh_from_db()
    assert action.status == DONE
    assert (
        signed_in(people.leader).get(reverse("action_detail", args=[action.pk])).status_code == 404
    )
    overview = signed_in(new).get(reverse("follow_up_person", args=[people.employee.pk]))
    assert "Tiltak 1 for Emma" in overview.content.decode()


def _new_leader_reads_the_shared_summary_alone(world, people) -> None:
    """The summary the employee chose to share, and nothing else of that conversation; the
    read is logged as the new leader's."""
    new = people.other_leader
    shared = signed_in(new).get(reverse("shared_summary", args=[world.signed.pk]))
    assert shared.status_code == 200 and "SUMMARY-MARKER" in shared.content.decode()
    for someone in (people.leader, people.other_employee, people.hr, people.admin):
        url = reverse("shared_summary", args=[world.signed.pk])
        assert signed_in(someone).get(url).status_code == 404
    assert signed_in(new).get(reverse("summary", args=[world.signed.pk])).status_code == 404
    assert (
        signed_in(new).get(reverse("conversation_detail", args=[world.signed.pk])).status_code
        == 404
    )
    read = AuditEntry.objects.get(action="conversation.read", actor=new)
    assert read.data == {"as": "new_leader", "what": "shared_summary"}


def test_the_employee_passes_the_follow_up_and_the_last_summary_to_the_new_leader(
    people, django_capture_on_commit_callbacks
):
    world = World(people)
    with django_capture_on_commit_callbacks(execute=True):
        by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    _employee_passes_it_on(world, people, change, django_capture_on_commit_callbacks)
    _new_leader_follows_up(world, people)
    _new_leader_reads_the_shared_summary_alone(world, people)
    # The conversation held before the change passes its actions once signed.
    approve_and_sign(submitted(world.held, people), people)
    world.held_action.refresh_from_db()
    assert (world.held_action.followed, world.held_action.leader) == (True, people.other_leader)


def test_keeping_the_follow_up_leaves_it_with_the_earlier_leader(people):
    world = World(people)
    by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    response = signed_in(people.employee).post(
        reverse("follow_up_handover", args=[change.pk]), {"decision": "keep"}
    )
    assert response.status_code == 302
    assert {a.leader_id for a in world.open_actions} == {people.leader.pk}
    assert all(Action.objects.get(pk=a.pk).leader == people.leader for a in world.open_actions)
    assert (
        signed_in(people.other_leader).get(reverse("follow_up")).context["handovers_waiting"] == []
    )
    again = signed_in(people.employee).post(
        reverse("follow_up_handover", args=[change.pk]), {"decision": "pass"}
    )
    assert again.status_code == 404


def test_an_answer_after_a_later_change_goes_to_the_latest_leader(people):
    World(people)
    by_form(people)
    first = LeaderChange.objects.get(person=people.employee)
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": people.leaders_leader.email}, people.employee)
    person_save(admin, people.employee, data)
    first.refresh_from_db()
    assert first.follow_up == LeaderChange.FollowUp.SUPERSEDED
    latest = LeaderChange.objects.get(person=people.employee, follow_up="asked")
    employee = signed_in(people.employee)
    assert employee.post(reverse("follow_up_handover", args=[first.pk]), {}).status_code == 404
    employee.post(reverse("follow_up_handover", args=[latest.pk]), {"decision": "pass"})
    # The actions went from the first leader to the latest, past the one between.
    assert set(
        Action.objects.filter(employee=people.employee, status=OPEN, followed=True).values_list(
            "leader", flat=True
        )
    ) == {people.leaders_leader.pk}


def test_undoing_an_import_is_a_leader_change_too(people):
    World(people)
    by_import(people)
    batch = ImportBatch.objects.get()
    import_services.import_undo(actor=people.admin, batch=batch)
    assert Person.objects.get(pk=people.employee.pk).manager == people.leader
    changes = list(LeaderChange.objects.filter(person=people.employee).order_by("at", "pk"))
    assert [(c.via, c.new_manager) for c in changes] == [
        ("import", people.other_leader),
        ("undo", people.leader),
    ]
    # Back with the leader who had them: nothing left to ask about.
    assert changes[0].follow_up == LeaderChange.FollowUp.SUPERSEDED
    assert changes[1].follow_up == LeaderChange.FollowUp.NONE


def test_nothing_is_chosen_for_the_employee(people):
    World(people)
    by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    url = reverse("follow_up_handover", args=[change.pk])
    employee = signed_in(people.employee)
    page = employee.get(url).content.decode()
    assert 'value="pass"' in page and "checked" not in page.split('value="pass"')[1][:40]
    refused = employee.post(url, {})
    assert refused.status_code == 400
    assert refused.context["form"].errors["decision"]
    change.refresh_from_db()
    assert change.follow_up == LeaderChange.FollowUp.ASKED
