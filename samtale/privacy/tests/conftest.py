"""A conversation with a text of every kind, each a distinct marker, written straight to the
rows retention and the copy read; and a template with statements about the work and the
leader."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.archive.content import fingerprint, form_content
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
)
from samtale.guides.models import Guide, GuideVersion
from samtale.needs.models import RaisedNeed

THEMES = [
    {"key": "motivasjon", "title": {"nb": "Motivasjon"}, "statements": []},
    {
        "key": "arbeid",
        "title": {"nb": "Arbeidet"},
        "statements": [
            {"key": "trives", "text": {"nb": "Jeg trives i arbeidet"}},
            {"key": "mestrer", "text": {"nb": "Jeg mestrer oppgavene"}},
        ],
    },
    {
        "key": "ledelse",
        "title": {"nb": "Ledelse"},
        "about_leader": True,
        "statements": [{"key": "leder-lytter", "text": {"nb": "Lederen lytter"}}],
    },
    {"key": "mal", "title": {"nb": "Mål"}, "goals": True},
]
PDF = b"%PDF-1.7 signed form of a test\n%%EOF"


@pytest.fixture
def version(db) -> GuideVersion:
    return GuideVersion.objects.create(
        guide=Guide.objects.create(), number=1, name={"nb": "Samtaleskjema"}, themes=THEMES
    )


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hour)))


def full_conversation(
    employee,
    leader,
    version,
    *,
    key: str,
    held: date,
    delivered: bool = True,
    likert=(4, 2),
) -> Conversation:
    """A conversation held on `held` and signed the day after, with every text a marker
    `MARKER-<key>-<what>`: both parties' notes (the leader's one private), the leader's
    checklist, answers to the statements and about the leader, a signed summary that shares
    a text and was corrected, comments, feedback, a goal with a result and an action with a
    commented history, a need, a postponement's reason, and the signed form with its PDF
    (delivered to the personnel file unless `delivered` is False)."""

    def m(what: str) -> str:
        return f"MARKER-{key}-{what}"

    held_at = at(held)
    signed_at = held_at + timedelta(days=1)
    conversation = Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=version,
        status=Conversation.Status.SIGNED,
        scheduled_at=held_at,
        held_at=held_at,
        signed_at=signed_at,
        place=m("place"),
        talk_leader_seconds=600,
        talk_employee_seconds=1400,
        postponed_count=1,
    )
    StatusChange.objects.create(
        conversation=conversation,
        from_status="invited",
        to_status="postponed",
        reason=m("postpone-reason"),
        actor=leader,
    )
    _prepared(conversation, m, held_at=held_at, likert=likert)
    revision = _summaries(conversation, m, held_at=held_at, signed_at=signed_at)
    Feedback.objects.create(conversation=conversation, rating=4, comment=m("feedback-comment"))
    _goal_and_need(conversation, m, held=held)
    _signed_form(conversation, revision, m, delivered=delivered)
    return conversation


def _prepared(conversation: Conversation, m, *, held_at: datetime, likert) -> None:
    """Both parties' preparations: the employee's note shared, the leader's checklist, one
    note shared and one private; the employee's answers, on the work and about the leader."""
    employee, leader = conversation.employee, conversation.leader
    mine = Preparation.objects.create(conversation=conversation, author=employee, shared_at=held_at)
    theirs = Preparation.objects.create(conversation=conversation, author=leader, checklist=[0, 2])
    Note.objects.create(
        preparation=mine, theme_key="motivasjon", text=m("employee-note"), shared_at=held_at
    )
    Note.objects.create(
        preparation=theirs, theme_key="motivasjon", text=m("leader-note-shared"), shared_at=held_at
    )
    Note.objects.create(preparation=theirs, theme_key="arbeid", text=m("leader-note-private"))
    for statement, value in zip(("trives", "mestrer"), likert, strict=False):
        LikertAnswer.objects.create(conversation=conversation, statement_key=statement, value=value)
    LeadershipAnswer.objects.create(
        conversation=conversation, statement_key="leder-lytter", value=5
    )


def _summaries(conversation: Conversation, m, *, held_at, signed_at) -> SummaryRevision:
    """The summary signed when held, with the leader's comment on it, and the employee's
    correction signed the day after: the revision in force, which is returned."""
    agreed = [{"goal": m("agreed-goal"), "actions": [{"text": m("agreed-action")}]}]
    first = SummaryRevision.objects.create(
        conversation=conversation,
        number=1,
        text=m("summary-v1"),
        conclusion="actions",
        shared_outside=m("shared-outside-v1"),
        submitted_at=held_at,
        approved_at=held_at,
        employee_signed_at=held_at,
        leader_signed_at=held_at,
        agreed_goals=agreed,
    )
    revision = SummaryRevision.objects.create(
        conversation=conversation,
        number=2,
        text=m("summary-v2"),
        conclusion="actions",
        shared_outside=m("shared-outside-v2"),
        reason=m("correction-reason"),
        proposed_by=conversation.employee,
        submitted_at=signed_at,
        approved_at=signed_at,
        employee_signed_at=signed_at,
        leader_signed_at=signed_at,
        agreed_goals=agreed,
    )
    SummaryComment.objects.create(
        revision=first, author=conversation.leader, text=m("leader-comment")
    )
    return revision


def _goal_and_need(conversation: Conversation, m, *, held: date) -> None:
    """A goal with a result and what was learned, an action with a commented update, and a
    need the employee raised."""
    employee = conversation.employee
    goal = Goal.objects.create(
        conversation=conversation, text=m("goal"), result="partly", learned=m("learned")
    )
    action = Action.objects.create(
        goal=goal,
        text=m("action"),
        employee=employee,
        leader=conversation.leader,
        followed=True,
        status=Action.Status.IN_PROGRESS,
        deadline=held + timedelta(days=60),
    )
    ActionUpdate.objects.create(
        action=action,
        actor=employee,
        from_status="not_started",
        to_status="in_progress",
        comment=m("action-comment"),
    )
    assert employee.unit is not None
    RaisedNeed.objects.create(
        conversation=conversation,
        raised_by=employee,
        unit=employee.unit,
        category="equipment",
        text=m("need"),
    )


def _signed_form(conversation: Conversation, revision, m, *, delivered: bool) -> None:
    """The signed form of `revision` with its PDF, delivered to the personnel file or
    waiting."""
    content = form_content(revision)
    form = SignedForm.objects.create(
        revision=revision,
        conversation=conversation,
        content=content,
        fingerprint=fingerprint(content),
        language="nb",
        signed_at=max(revision.employee_signed_at, revision.leader_signed_at),
        pdf=PDF + m("pdf").encode(),
    )
    Delivery.objects.create(
        form=form,
        channel=Delivery.Channel.FOLDER,
        status=Delivery.Status.DELIVERED if delivered else Delivery.Status.WAITING,
    )
