"""What comes next in a conversation, and for whom: the "Next step" line every page shows
(conversation_next_step, one function for each party and every status), the notices that
hand a step over (conversations.notices), and the home page's list of what waits for the
person (attention). Over conversations the access policy has already let them see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import (
    Conversation,
    SummaryRevision,
    held_or_planned_at_sql,
)
from samtale.org.models import Person

S = Conversation.Status


# The steps of a conversation, in order (conversation_next_step names the one that comes next).
PLAN, FIND_TIME, PREPARE, MEET = "plan", "find_time", "prepare", "meet"
WRITE_SUMMARY, REVIEW_SUMMARY, SIGN = "write_summary", "review_summary", "sign"
FOLLOW_UP, DONE, CANCELLED = "follow_up", "done", "cancelled"
BEFORE_MEETING = (S.PLANNED, S.INVITED, S.PREPARED)
BOTH, NOBODY = "both", ""


@dataclass(frozen=True)
class NextStep:
    """What comes next in a conversation, whose turn it is, and the page where they act.

    `who` is "employee", "leader", BOTH or NOBODY; `mine`: it is (also) the turn of the
    person it was asked for; `path` (and `anchor`) the page where that person acts when it
    is theirs, else where the one whose turn it is acts. `other` is the person's other
    party (named in "Next step: Emma writes the summary"); `at` the meeting's time."""

    step: str
    who: str
    path: str = ""
    anchor: str = ""
    mine: bool = False
    other: Person | None = None
    at: datetime | None = None
    correction: bool = False

    @property
    def url(self) -> str:
        return f"{self.path}#{self.anchor}" if self.anchor else self.path


@dataclass(frozen=True)
class _Revision:
    """The current revision of the summary, as far as the next step needs it."""

    number: int | None
    submitted: datetime | None = None
    approved: datetime | None = None
    employee_signed: datetime | None = None
    leader_signed: datetime | None = None

    @property
    def is_signed(self) -> bool:
        return bool(self.employee_signed and self.leader_signed)


# No revision passed: conversation_next_step reads it.
UNREAD = object()


def _revision(conversation: Conversation, summary) -> _Revision:
    """From the annotations `attention` makes, the revision the caller passes, or (once, for
    a conversation past its meeting) the database."""
    if hasattr(conversation, "rev_number"):
        c: Any = conversation  # with attention()'s annotations
        return _Revision(
            c.rev_number,
            c.rev_submitted,
            c.rev_approved,
            c.rev_employee_signed,
            c.rev_leader_signed,
        )
    if summary is UNREAD:
        summary = (
            conversation.summaries.filter(withdrawn_at__isnull=True).order_by("-number").first()
        )
    if summary is None:
        return _Revision(None)
    return _Revision(
        summary.number,
        summary.submitted_at,
        summary.approved_at,
        summary.employee_signed_at,
        summary.leader_signed_at,
    )


def conversation_next_step(
    conversation: Conversation, person: Person, *, summary=UNREAD, today=None
) -> NextStep:
    """The next step of a conversation for one of its parties: plan → prepare → meet →
    write the summary → comment and approve → sign → follow up. The one definition the
    "Next step" line of every conversation page, the home page's cards, the hand-off
    e-mails (conversations.notices) and their reminders read.

    Reads the conversation's own fields, and for a conversation past its meeting the
    current revision of the summary: `summary` (the caller's, None for none), the
    annotations of `attention`, or else one query."""
    party = conversation.party(person)
    other = conversation.leader if party == "employee" else conversation.employee

    def step(kind, who, name: str = "conversation_detail", anchor: str = "", **extra) -> NextStep:
        mine = party is not None and who in (BOTH, party)
        path = reverse(name, args=[conversation.pk]) if name else ""
        return NextStep(kind, who, path, anchor, mine, other, **extra)

    status = conversation.status
    if status == S.CANCELLED:
        return step(CANCELLED, NOBODY)
    if status == S.POSTPONED:
        return step(FIND_TIME, "leader", "conversation_schedule")
    if status in BEFORE_MEETING:
        at = conversation.scheduled_at
        if at is None:
            return step(PLAN, "leader", "conversation_schedule")
        today = today or timezone.localdate()
        if conversation.started_early_at or timezone.localdate(at) <= today:
            return step(MEET, BOTH, "meeting", at=at)
        return step(PREPARE, BOTH, "preparation", at=at)
    revision = _revision(conversation, summary)
    correction = status == S.SIGNED
    if correction and (revision.number is None or revision.is_signed):
        if not conversation.has_goals:
            return step(DONE, NOBODY)
        mine = reverse("my_actions") if party == "employee" else reverse("follow_up")
        return NextStep(FOLLOW_UP, BOTH, mine, "", True, other)
    drafter = conversation.summary_author
    reviewer = "leader" if drafter == "employee" else "employee"
    if revision.approved is not None:
        unsigned = [p for p in ("employee", "leader") if getattr(revision, f"{p}_signed") is None]
        who = BOTH if len(unsigned) == 2 else unsigned[0]
        return step(SIGN, who, "summary", "sign-heading", correction=correction)
    if revision.submitted is None:
        return step(WRITE_SUMMARY, drafter, "summary", correction=correction)
    return step(REVIEW_SUMMARY, reviewer, "summary", correction=correction)


# The current revision of a conversation's summary: the latest not withdrawn.
_CURRENT = SummaryRevision.objects.filter(
    conversation=OuterRef("pk"), withdrawn_at__isnull=True
).order_by("-number")


def with_current_revision(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """The conversations with their two parties and what conversation_next_step reads of
    the current revision of the summary, in the same query."""
    return conversations.select_related("employee", "leader").annotate(
        rev_number=Subquery(_CURRENT.values("number")[:1]),
        rev_submitted=Subquery(_CURRENT.values("submitted_at")[:1]),
        rev_approved=Subquery(_CURRENT.values("approved_at")[:1]),
        rev_employee_signed=Subquery(_CURRENT.values("employee_signed_at")[:1]),
        rev_leader_signed=Subquery(_CURRENT.values("leader_signed_at")[:1]),
    )


@dataclass(frozen=True)
class Task:
    """One thing that waits for the viewer in one of their conversations: its next step,
    where it is the viewer's turn."""

    step: NextStep
    conversation: Conversation

    @property
    def kind(self) -> str:
        return self.step.step

    @property
    def correction(self) -> bool:
        return self.step.correction


# The home page's order: what is furthest along first.
TASK_ORDER = {
    SIGN: 0,
    REVIEW_SUMMARY: 1,
    WRITE_SUMMARY: 2,
    MEET: 3,
    FIND_TIME: 4,
    PLAN: 5,
    PREPARE: 6,
}


def attention(*, conversations: QuerySet[Conversation], person: Person, limit: int = 8) -> dict:
    """What waits for the person in their conversations, nearest first, in one query: the
    conversations whose next step (conversation_next_step) is theirs to take — planning,
    preparing for or holding a meeting, finding a new time for a postponed one, writing,
    reviewing or signing the summary or a correction of a signed one. `conversations` is
    what the policy lets them read; at most `limit` tasks, with the number of all of them."""
    unsigned = _CURRENT.filter(
        Q(employee_signed_at__isnull=True) | Q(leader_signed_at__isnull=True)
    )
    rows = with_current_revision(
        conversations.filter(
            Q(status__in=(*BEFORE_MEETING, S.POSTPONED, S.HELD, S.SUMMARY_AGREED))
            | Q(status=S.SIGNED, pk__in=unsigned.values("conversation_id"))
        )
    ).order_by(held_or_planned_at_sql(), "pk")
    today = timezone.localdate()
    tasks = []
    for row in rows:
        step = conversation_next_step(row, person, today=today)
        if step.mine:
            tasks.append(Task(step, row))
    tasks.sort(key=lambda task: TASK_ORDER.get(task.kind, len(TASK_ORDER)))
    return {"tasks": tasks[:limit], "count": len(tasks)}
