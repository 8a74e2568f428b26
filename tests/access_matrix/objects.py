"""The objects the access matrix's URLs point at (tests/test_access_matrix.py), by the names
its rows give them: the employee's person record, unit, conversation, goal and action and
more; a round and a signed form only for the rows that need them."""

from datetime import datetime, time, timedelta

from django.test import override_settings
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.api import tokens
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.needs.models import Need, RaisedNeed
from samtale.needs.services import need_raise
from samtale.org.models import EmailChange, ImportBatch
from samtale.priorities.models import Priority
from samtale.privacy import links
from samtale.privacy import services as privacy_services
from samtale.privacy.models import AccessCopy
from samtale.rounds.models import Participant, Window
from testkit.people import planned_conversation, school_round
from tests.access_matrix.organization import ARCHIVE_OBJECTS, ROUND_OBJECTS


def objects_for(people) -> dict:
    """Every object the rows point at but a round's and a signed form's (with_objects)."""
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.UNITS, filename="enheter.csv", content=b"x", uploaded_by=people.admin
    )
    # A browser test's flush may have removed the built-ins the migration made.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    found = _conversation_objects(people)
    change = EmailChange.objects.create(
        person=people.employee,
        old_email="emma.old@test.example",
        new_email=people.employee.email,
        changed_by=people.admin,
    )
    # A key the employee made while the organization let everyone use the API: theirs to
    # revoke still.
    with override_settings(SAMTALE_API_KEYS_FOR_EVERYONE=True):
        token = tokens.issue(person=people.employee, name="Skript", scopes=["read"], days=30)
    copies = _copy_objects(people)
    return {
        "employee": people.employee.pk,
        "token": token.token.pk,
        "email_change": change.pk,
        "unit": people.employee.unit_id,
        "import": batch.pk,
        "guide": Guide.objects.get(key="skjema-8-tema").pk,
        "priority": Priority.objects.create(
            year=2026, unit=people.employee.unit, title="Mål for teamet"
        ).pk,
        **found,
        **copies,
    }


def _conversation_objects(people) -> dict:
    """A planned conversation of the employee with their leader, the need the employee
    raised in it (in the register), and a goal with an action."""
    conversation = planned_conversation(people)
    raised = need_raise(
        actor=people.employee,
        conversation=conversation,
        category="equipment",
        text="Nye PC-er",
        cost=None,
        unit=people.employee.unit,
    )
    need = Need.objects.create(
        unit=people.employee.unit, category="equipment", text="Nye PC-er", year=2026
    )
    RaisedNeed.objects.filter(pk=raised.pk).update(need=need)
    goal = Goal.objects.create(conversation=conversation, text="Mål")
    action = Action.objects.create(
        goal=goal, text="Tiltak", employee=people.employee, leader=people.leader
    )
    return {
        "conversation": conversation.pk,
        "need": need.pk,
        "raised_need": raised.pk,
        "goal": goal.pk,
        "action": action.pk,
    }


def _copy_objects(people) -> dict:
    """A copy of the employee's data HR asked for: waiting in their account; and one sent by
    a one-time link (as to a person who has left), still unused."""
    waiting = privacy_services.access_copy_request(
        actor=people.hr, person=people.employee, reason="written", note="Bedt om i brev"
    )
    by_link = AccessCopy.objects.create(
        person=people.employee,
        made_by=people.hr,
        reason="leaver",
        note="Brev",
        channel=AccessCopy.Channel.LINK,
        address="emma.privat@example.no",
        expires_at=timezone.now() + timedelta(days=7),
    )
    AccessCopy.objects.filter(pk=by_link.pk).update(
        token_hash=links.token_digest(links.token_for(by_link)),
        code_hash=links.code_digest(by_link, links.code_for(by_link)),
    )
    return {"access_copy": waiting.pk, "copy_token": links.token_for(by_link)}


def _round_objects(people) -> dict:
    """HR's round over the school, the employee's place in it, and a window of the leader."""
    today = timezone.localdate()
    round_ = school_round(people)
    # Weeks from the day the matrix adds a window on (organization.WINDOW_DAY, reckoned when
    # the tests are collected): a run that passes midnight must not find the two overlapping.
    day = timezone.make_aware(datetime.combine(today + timedelta(days=40), time(9, 0)))
    window = Window.objects.create(
        round=round_,
        leader=people.leader,
        starts_at=day,
        ends_at=day + timedelta(hours=6),
        place="Møterom 2",
    )
    return {
        "round": round_.pk,
        "participant": Participant.objects.get(round=round_, person=people.employee).pk,
        "window": window.pk,
        "leader": people.leader.pk,
    }


def _archive_objects(people) -> dict:
    """A conversation of the employee with their leader, signed by both, on its way to the
    personnel file (its PDF is made when first asked for)."""
    from samtale.archive.services import signed_form_record
    from samtale.conversations.models import SummaryRevision
    from testkit.people import goals_version, signed_conversation

    conversation = signed_conversation(people.employee, people.leader, version=goals_version())
    now = timezone.now()
    revision = SummaryRevision.objects.create(
        conversation=conversation,
        conclusion="no_actions",
        shared_outside="Kan deles med HR",
        approved_at=now,
        employee_signed_at=now,
        leader_signed_at=now,
    )
    form = signed_form_record(revision=revision)
    return {"signed_form": form.pk, "delivery": form.deliveries.get().pk}


def with_objects(objects, people, kwargs) -> dict:
    """Only the rows that need them pay for a round or a signed form."""
    wanted = set(kwargs.values())
    if ROUND_OBJECTS & wanted:
        objects = {**objects, **_round_objects(people)}
    if ARCHIVE_OBJECTS & wanted:
        objects = {**objects, **_archive_objects(people)}
    return objects
