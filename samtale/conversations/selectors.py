"""Reads of conversations, over querysets and objects the access policy has already
let the viewer see."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from samtale.conversations.models import (
    MAX_PER_DAY,
    Conversation,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    SummaryRevision,
    held_or_planned_at_sql,
)
from samtale.core import holidays
from samtale.guides.models import localized
from samtale.org.models import Person

S = Conversation.Status
OPEN = (S.PLANNED, S.INVITED, S.PREPARED, S.POSTPONED, S.HELD, S.SUMMARY_AGREED)


def conversation_list(*, conversations: QuerySet[Conversation], person: Person) -> dict[str, Any]:
    """The viewer's conversations: where they are the employee, and those they hold, open first."""
    qs = conversations.select_related("employee", "leader", "guide_version")
    mine = qs.filter(employee=person)
    held = qs.filter(leader=person)
    # In the order of the time the list shows (held, else planned).
    soonest, latest = (
        (held_or_planned_at_sql().asc(), "pk"),
        (held_or_planned_at_sql().desc(), "-pk"),
    )
    return {
        "mine_open": list(mine.filter(status__in=OPEN).order_by(*soonest)),
        "mine_done": list(mine.exclude(status__in=OPEN).order_by(*latest)[:20]),
        "held_open": list(held.filter(status__in=OPEN).order_by(*soonest)),
        "held_done": list(held.exclude(status__in=OPEN).order_by(*latest)[:20]),
    }


def previous_conversation(
    conversation: Conversation, *, visible: QuerySet[Conversation]
) -> Conversation | None:
    """The employee's last signed conversation before this one: the next conversation
    starts with the results of the actions agreed in it.

    `visible` is what the viewer may read (access policy): a new leader does not see the
    conversations the employee had with someone else.
    """
    earlier = (
        visible.filter(employee_id=conversation.employee_id, status=S.SIGNED)
        .exclude(pk=conversation.pk)
        .annotate(at=held_or_planned_at_sql())
    )
    if conversation.held_or_planned_at:
        earlier = earlier.filter(at__lt=conversation.held_or_planned_at)
    return earlier.order_by(F("at").desc(), "-pk").first()


def last_signed(*, conversations: QuerySet[Conversation], employee: Any) -> Conversation | None:
    """The employee's most recently signed conversation among those `conversations` (what
    the viewer may read): what was agreed last time, shown on their home page. With
    `form_id`, the signed form of the revision both signed last (summary.summary_in_force;
    None while it is made), for the link to its PDF."""
    in_force = SummaryRevision.objects.filter(
        conversation=OuterRef("pk"),
        employee_signed_at__isnull=False,
        leader_signed_at__isnull=False,
    ).order_by("-number")
    return (
        conversations.filter(employee=employee, status=S.SIGNED)
        .select_related("leader")
        .annotate(at=held_or_planned_at_sql(), form_id=Subquery(in_force.values("signed_form")[:1]))
        .order_by(F("at").desc(nulls_last=True), "-pk")
        .first()
    )


def goals_with_actions(conversation: Conversation) -> list[Any]:
    """The goals agreed, each with its actions, in their order (actions.models)."""
    return list(conversation.goals.select_related("serves").prefetch_related("actions"))


def goals_as_agreed(conversation: Conversation) -> list[dict[str, Any]]:
    """The goals and actions now, in the shape a revision freezes them, with the ids of the
    live rows (a correction's draft starts from them and applies its changes to them)."""
    return [
        {
            "goal_id": goal.pk,
            "goal": goal.text,
            # The workplace's goal it serves (priorities), by its title as it was.
            "serves": goal.serves.title if goal.serves_id else "",
            "actions": [
                {
                    "action_id": action.pk,
                    "text": action.text,
                    "deadline": action.deadline.isoformat() if action.deadline else None,
                    "responsible": action.responsible,
                }
                for action in goal.actions.all()
            ],
        }
        for goal in goals_with_actions(conversation)
    ]


@dataclass
class ThemeView:
    """One theme of the agenda as one viewer may see it."""

    key: str
    title: str
    help: str
    prompts: list[str]
    goals: bool
    leader_only: bool
    # Its statements are about the leader: the employee's answers are theirs alone.
    about_leader: bool = False
    statements: list[dict[str, Any]] = field(default_factory=list)
    my_note: Note | None = None
    # Shared notes, by party, for the meeting screen and the other party's view.
    shared: dict[str, Note] = field(default_factory=dict)
    covered: bool = False


def agenda(
    *, conversation: Conversation, viewer: Person, notes: QuerySet[Note], answers_visible: bool
) -> list[ThemeView]:
    """The template's themes in order, with the viewer's own note and the shared notes.

    `notes` comes from policy.notes_visible_to, so a draft of the other party never arrives
    here; `shared` holds only notes with text that their author has shared.
    """
    by_author: dict[tuple[int, str], Note] = {}
    for note in notes.select_related("preparation"):
        by_author[(note.preparation.author_id, note.theme_key)] = note
    answers = {}
    if answers_visible:
        rows = LikertAnswer.objects.filter(conversation=conversation).values_list(
            "statement_key", "value"
        )
        if conversation.party(viewer) == "employee":
            # Their answers about the leader: read by the employee alone, whatever is shared,
            # and not on the meeting screen (answers_visible is off there), which both may
            # look at. Both kinds in one statement.
            rows = rows.union(
                LeadershipAnswer.objects.filter(conversation=conversation).values_list(
                    "statement_key", "value"
                ),
                all=True,
            )
        answers = dict(rows)
    parties = {"employee": conversation.employee_id, "leader": conversation.leader_id}
    views = []
    for theme in conversation.guide_version.themes:
        key = theme["key"]
        view = ThemeView(
            key=key,
            title=localized(theme.get("title")),
            help=localized(theme.get("help")),
            prompts=[localized(p) for p in theme.get("prompts", [])],
            goals=bool(theme.get("goals")),
            leader_only=bool(theme.get("leader_only")),
            about_leader=bool(theme.get("about_leader")),
            statements=[
                {
                    "key": s["key"],
                    "group": localized(s.get("group")),
                    "text": localized(s.get("text")),
                    "value": answers.get(s["key"]),
                }
                for s in theme.get("statements", [])
            ],
            my_note=by_author.get((viewer.pk, key)),
            covered=key in conversation.covered_themes,
        )
        for party, person_id in parties.items():
            theirs = by_author.get((person_id, key))
            if theirs is not None and theirs.shared_at is not None and theirs.text.strip():
                view.shared[party] = theirs
        views.append(view)
    return views


def shareable_notes(*, conversation: Conversation, author: Person) -> list[Note]:
    """The author's notes that "share all" would share now: written in, not yet shared."""
    notes = Note.objects.filter(
        preparation__conversation=conversation, preparation__author=author, shared_at__isnull=True
    )
    return [note for note in notes if note.text.strip()]


def answers_shareable(*, conversation: Conversation, author: Person) -> bool:
    """Whether the author has answers to the statements that are not shared yet."""
    if conversation.party(author) != "employee":
        return False
    shared = Preparation.objects.filter(
        conversation=conversation, author=author, shared_at__isnull=False
    )
    return not shared.exists() and conversation.likert_answers.exists()


def preparations_shared() -> QuerySet[Preparation]:
    """Preparations whose author has shared something: a note, or the answers."""
    note_shared = Note.objects.filter(preparation=OuterRef("pk"), shared_at__isnull=False)
    return Preparation.objects.filter(Q(shared_at__isnull=False) | Exists(note_shared))


@dataclass
class Sharing:
    """What one party has shared with the other: counts and times, never content."""

    notes: int = 0
    # When the employee's answers to the statements were shared; None: not shared.
    answers_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def anything(self) -> bool:
        return bool(self.notes or self.answers_at)


def sharing_state(*, conversation: Conversation) -> dict[str, Sharing]:
    """Per party ("employee", "leader"): how many notes with text they have shared, whether
    the answers are shared, and when they last shared something. One small query over the
    two preparations."""
    return preparations_and_sharing(conversation=conversation)[0]


def preparations_and_sharing(
    *, conversation: Conversation
) -> tuple[dict[str, Sharing], dict[int, Preparation]]:
    """The sharing state (sharing_state) and the two preparations by author, in the same
    query: the preparation page needs the reader's own as well."""
    parties = {conversation.employee_id: "employee", conversation.leader_id: "leader"}
    state = {"employee": Sharing(), "leader": Sharing()}
    shared = Q(notes__shared_at__isnull=False) & ~Q(notes__text="")
    preparations = (
        Preparation.objects.filter(conversation=conversation)
        .annotate(
            shared_notes=Count("notes", filter=shared),
            last_shared=Max("notes__shared_at", filter=shared),
        )
        .order_by()
    )
    by_author: dict[int, Preparation] = {}
    for preparation in preparations:
        by_author[preparation.author_id] = preparation
        party = parties.get(preparation.author_id)
        if party is None:
            continue
        state[party].notes = preparation.shared_notes
        state[party].last_at = preparation.last_shared
        if party == "employee" and preparation.shared_at is not None:
            # The employee's answers (Likert statements) are shared with the preparation.
            state[party].answers_at = preparation.shared_at
            state[party].last_at = max(
                filter(None, (preparation.last_shared, preparation.shared_at))
            )
    return state, by_author


# Where the plan page proposes a time: a week ahead at the earliest (the guide: invite 1–2
# weeks ahead), within four weeks, at these local times.
PROPOSE_FROM_DAYS, PROPOSE_TO_DAYS = 7, 28
PROPOSE_TIMES = (time(9, 0), time(12, 30))


def proposed_time(
    *, leader: Person, employee: Person, today: date, minutes: int = 90
) -> dict[str, Any]:
    """A time to propose when the leader plans one conversation: the first working day a
    week or more ahead (no weekend or public holiday, core.holidays) on which the leader
    holds fewer than the guide's two a day, at the first of PROPOSE_TIMES that neither of
    them has a conversation; with the place of the leader's latest conversation that had
    one. {} when none is free in four weeks. Their own calendars are asked when the leader
    plans it (conversations.busy), not here: the page must open at once."""
    start = datetime.combine(today + timedelta(days=PROPOSE_FROM_DAYS), time.min)
    end = datetime.combine(today + timedelta(days=PROPOSE_TO_DAYS + 1), time.min)
    zone = timezone.get_current_timezone()
    booked = list(
        Conversation.objects.filter(
            Q(leader=leader) | Q(employee__in=[leader, employee]) | Q(leader=employee),
            status__in=Conversation.BOOKED,
            scheduled_at__gte=start.replace(tzinfo=zone),
            scheduled_at__lt=end.replace(tzinfo=zone),
        ).values_list("leader_id", "scheduled_at", "duration_minutes")
    )
    for offset in range(PROPOSE_FROM_DAYS, PROPOSE_TO_DAYS + 1):
        day = today + timedelta(days=offset)
        if holidays.day_off(day):
            continue
        on_day = [
            (holder, timezone.localtime(at), length)
            for holder, at, length in booked
            if timezone.localdate(at) == day
        ]
        if sum(1 for holder, _at, _n in on_day if holder == leader.pk) >= MAX_PER_DAY:
            continue
        for at in PROPOSE_TIMES:
            begin = datetime.combine(day, at, tzinfo=zone)
            finish = begin + timedelta(minutes=minutes)
            if all(
                finish <= other or begin >= other + timedelta(minutes=length)
                for _holder, other, length in on_day
            ):
                place = (
                    Conversation.objects.filter(leader=leader)
                    .exclude(place="")
                    .order_by("-scheduled_at")
                    .values_list("place", flat=True)
                    .first()
                )
                return {"date": day, "time": at, "place": place or ""}
    return {}


def last_guide_id(*, employee: Person) -> int | None:
    """The template of the employee's latest conversation: the one the plan page proposes
    for the next."""
    return (
        Conversation.objects.filter(employee=employee)
        .order_by("-pk")
        .values_list("guide_version__guide_id", flat=True)
        .first()
    )
