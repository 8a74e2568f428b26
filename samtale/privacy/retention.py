"""The retention policy: what is due for deletion, and deleting it.

Two rules, each a setting (config/settings/retention.py):

- **Preparation notes**: the notes of both parties, the leader's checklist and the messages
  sent with a proposed new time go SAMTALE_RETAIN_NOTES_MONTHS after the conversation was
  signed (counted in whole days: a conversation signed before the start of the day that many
  months ago); of a conversation that ended without a signature, that long after it was
  cancelled, or after it was held if it was never signed.
- **Leavers**: everything written in the conversations of someone who has left goes
  SAMTALE_RETAIN_LEAVERS_YEARS after they left. Someone has left when they are no longer
  active; they left on their end date, or, without one, on the day they were deactivated.
  An active person with an end date in the past has not left (rehired, or not yet
  deactivated), and an inactive person with neither date is kept until someone gives one.
  Only the conversations where they were the employee: those they held as a leader are their
  employees' as well, and go by those employees' rules.

What goes from a leaver's conversations: the notes and checklist, the summary's texts (the
summary, what the conclusion shares, the reasons for corrections and withdrawals, the
reviewer's draft comment, the goals as agreed), the comments on it, the feedback comment,
the goals' and actions' texts, what was learned, the comments in the actions' history, the
needs' texts, the reasons for moving or cancelling, the answers to the statements and about
the leader, and the signed forms with their PDFs (after they reached the personnel file, which
now holds the record). What stays: the conversation with its parties, dates, statuses and talk
time; goals and actions with their results, statuses, deadlines and history of statuses; the
feedback's rating; the needs' kind and cost; every count and figure. The figures from
people's answers are published once per closed period and never counted again
(insight.publication), so deleting the answers afterwards changes no figure.

Never touched: a conversation either of whose parties is on legal hold, one whose signed
form has a delivery not yet delivered to the personnel file, and one whose answers to the
statements belong to a period not yet published (its year, or its round, if the round is
open or its figures are not out yet): they would be missing from that period's figures. A
leaver's content goes all at once, when none of their conversations is held back.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.utils import timezone

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
from samtale.insight.models import Publication
from samtale.needs.models import RaisedNeed
from samtale.org.models import Person
from samtale.privacy.models import LegalHold
from samtale.rounds.coverage import add_months
from samtale.tenancy import tenant_settings

# What a run counts, in rows: notes deleted; checklists emptied; rows whose texts were
# blanked; answers to the statements deleted; answers about the
# leader deleted; signed forms deleted (with their PDFs and deliveries); conversations whose
# notes went; conversations whose content went; the people who left whose content went.
COUNTED = (
    "notes",
    "checklists",
    "texts",
    "likert",
    "leadership",
    "forms",
    "conversations_notes",
    "conversations_leavers",
    "people",
)
BATCH = 200  # conversations per transaction (and per IN list) for the preparation notes


@dataclass(frozen=True)
class Texts:
    """A model's texts in a conversation, and what each is once blanked."""

    model: Any  # the model class whose rows hold the texts
    conversation: str  # the lookup from the model to its conversation
    blank: dict

    def has(self) -> Q:
        q = Q()
        for name, value in self.blank.items():
            q |= ~Q(**{name: value})
        return q

    def of(self, conversations) -> QuerySet:
        return self.model.objects.filter(**{f"{self.conversation}__in": conversations}).filter(
            self.has()
        )

    def exists_in(self) -> Exists:
        return Exists(
            self.model.objects.filter(**{self.conversation: OuterRef("pk")}).filter(self.has())
        )


TEXTS = (
    Texts(
        SummaryRevision,
        "conversation",
        {
            "text": "",
            "shared_outside": "",
            "reason": "",
            "withdrawn_reason": "",
            "comment": "",
            "agreed_goals": [],
        },
    ),
    Texts(SummaryComment, "revision__conversation", {"text": ""}),
    Texts(Feedback, "conversation", {"comment": ""}),
    Texts(Goal, "conversation", {"text": "", "learned": ""}),
    Texts(Action, "goal__conversation", {"text": ""}),
    Texts(ActionUpdate, "action__goal__conversation", {"comment": ""}),
    Texts(RaisedNeed, "conversation", {"text": ""}),
    Texts(StatusChange, "conversation", {"reason": ""}),
)
CHECKLIST = Texts(Preparation, "conversation", {"checklist": []})
# The message with a proposed new time: it goes with the notes.
PROPOSALS = Texts(TimeProposal, "conversation", {"message": ""})


@dataclass
class Plan:
    """What the policy says is due at `now`: conversation ids, never content."""

    now: datetime
    notes: list[int] = field(default_factory=list)  # whose preparation notes go
    leavers: dict[int, list[int]] = field(default_factory=dict)  # person -> whose content goes
    held: set[int] = field(default_factory=set)  # left alone: a party is on legal hold
    unarchived: set[int] = field(default_factory=set)  # left alone: waiting for the archive
    unpublished: set[int] = field(default_factory=set)  # left alone: answers not yet published

    @property
    def leaver_conversations(self) -> list[int]:
        return sorted(pk for ids in self.leavers.values() for pk in ids)


# The rules ---------------------------------------------------------------------------


def notes_cutoff(now: datetime) -> datetime:
    """Conversations signed before this lose their preparation notes."""
    day = add_months(timezone.localdate(now), -tenant_settings.SAMTALE_RETAIN_NOTES_MONTHS)
    return timezone.make_aware(datetime.combine(day, time.min))


def left_before(now: datetime) -> date:
    """People who left before this day lose their conversations' content."""
    return add_months(timezone.localdate(now), -12 * tenant_settings.SAMTALE_RETAIN_LEAVERS_YEARS)


def leavers(now: datetime) -> QuerySet[Person]:
    """The people whose conversations' content is due: inactive, and left (their end date,
    else the day they were deactivated) before left_before."""
    return (
        Person.objects.filter(is_active=False)
        .annotate(left_on=Coalesce("end_date", TruncDate("deactivated_at")))
        .filter(left_on__lt=left_before(now))
    )


def _has_notes() -> Q:
    notes: Any = Exists(Note.objects.filter(preparation__conversation=OuterRef("pk")))
    return notes | CHECKLIST.exists_in() | PROPOSALS.exists_in()


def _has_content() -> Q:
    content: Any = (  # a Q: Django combines Q | Exists into a Q
        _has_notes()
        | Exists(LikertAnswer.objects.filter(conversation=OuterRef("pk")))
        | Exists(LeadershipAnswer.objects.filter(conversation=OuterRef("pk")))
        | Exists(SignedForm.objects.filter(conversation=OuterRef("pk")))
    )
    for texts in TEXTS:
        content |= texts.exists_in()
    return content


def notes_due(now: datetime) -> QuerySet[Conversation]:
    """Conversations past the notes' time that still have notes, a checklist or a proposal's
    message: signed before the cut-off; cancelled before it; or held before it and never
    signed."""
    cutoff = notes_cutoff(now)
    S = Conversation.Status
    cancelled = Exists(
        StatusChange.objects.filter(
            conversation=OuterRef("pk"), to_status=S.CANCELLED, at__lt=cutoff
        )
    )
    ended = (
        Q(status=S.SIGNED, signed_at__lt=cutoff)
        | (Q(status=S.CANCELLED) & cancelled)
        | Q(status__in=(S.HELD, S.SUMMARY_AGREED), held_at__lt=cutoff)
    )
    return Conversation.objects.filter(ended).filter(_has_notes())


def leaver_content_due(now: datetime) -> QuerySet[Conversation]:
    """The conversations of leavers past their time that still hold anything written."""
    return Conversation.objects.filter(employee__in=leavers(now)).filter(_has_content())


HOLD, UNARCHIVED, UNPUBLISHED = "hold", "unarchived", "unpublished"


def _unpublished() -> Q:
    """Signed with answers to the statements that a period not yet published will count: the
    year it was signed in, or its round (open, or closed with its figures not out yet)."""
    published = Publication.objects.filter(kind=Publication.Kind.YEAR)
    year_open = ~Exists(published.filter(year=ExtractYear(OuterRef("signed_at"))))
    round_open = Q(round__isnull=False) & ~Exists(
        Publication.objects.filter(round_id=OuterRef("round_id"))
    )
    return (
        Q(signed_at__isnull=False)
        & Exists(LikertAnswer.objects.filter(conversation=OuterRef("pk")))
        & (year_open | round_open)
    )


def _with_blockers(conversations: QuerySet[Conversation], *, answers: bool) -> Iterator:
    """(pk, employee, why it is left alone or None) of each conversation; with `answers`, the
    answers to the statements would go too, so an unpublished period holds it back as well."""
    holders = LegalHold.objects.filter(released_at__isnull=True).values("person_id")
    on_hold = Q(employee_id__in=holders) | Q(leader_id__in=holders)
    waiting = Exists(
        Delivery.objects.filter(form__conversation=OuterRef("pk")).exclude(
            status=Delivery.Status.DELIVERED
        )
    )
    unpublished = _unpublished() if answers else Q(pk__in=[])
    rows = (
        conversations.annotate(
            on_hold=ExpressionWrapper(on_hold, output_field=BooleanField()),
            waiting=waiting,
            unpublished=ExpressionWrapper(unpublished, output_field=BooleanField()),
        )
        .order_by("pk")
        .values_list("pk", "employee_id", "on_hold", "waiting", "unpublished")
    )
    for pk, person_id, on_hold, is_waiting, is_unpublished in rows:
        why = HOLD if on_hold else UNARCHIVED if is_waiting else None
        yield pk, person_id, why or (UNPUBLISHED if is_unpublished else None)


def due(now: datetime | None = None) -> Plan:
    """What the policy says is due now, and what it leaves alone and why. Reads only."""
    plan = Plan(now=now or timezone.now())
    kept = {HOLD: plan.held, UNARCHIVED: plan.unarchived, UNPUBLISHED: plan.unpublished}
    by_person: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
    for pk, person_id, why in _with_blockers(leaver_content_due(plan.now), answers=True):
        by_person[person_id].append((pk, why))
    for person_id, rows in by_person.items():
        ids = [pk for pk, _why in rows]
        why = next((why for reason in kept for _pk, why in rows if why == reason), None)
        if why:
            kept[why].update(ids)
        else:
            plan.leavers[person_id] = ids
    going = set(plan.leaver_conversations)  # their notes go with the rest of their content
    for pk, _person, why in _with_blockers(notes_due(plan.now), answers=False):
        if pk in going:
            continue
        if why:
            kept[why].add(pk)
        else:
            plan.notes.append(pk)
    return plan


# Deleting -----------------------------------------------------------------------------


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _sweep_notes(ids: Iterable[int], *, dry_run: bool) -> Counter:
    notes = Note.objects.filter(preparation__conversation__in=ids)
    checklists = CHECKLIST.of(ids)
    proposals = PROPOSALS.of(ids)
    if dry_run:
        return Counter(notes=notes.count(), checklists=checklists.count(), texts=proposals.count())
    return Counter(
        notes=notes.delete()[0],
        checklists=checklists.update(**CHECKLIST.blank),
        texts=proposals.update(**PROPOSALS.blank),
    )


def _sweep_leaver(ids: list[int], *, dry_run: bool) -> Counter:
    """One leaver's conversations: everything written goes, the answers too (their periods'
    figures are published and stay)."""
    counts = _sweep_notes(ids, dry_run=dry_run)
    for texts in TEXTS:
        rows = texts.of(ids)
        counts["texts"] += rows.count() if dry_run else rows.update(**texts.blank)
    likert = LikertAnswer.objects.filter(conversation__in=ids)
    leadership = LeadershipAnswer.objects.filter(conversation__in=ids)
    forms = SignedForm.objects.filter(conversation__in=ids)
    if dry_run:
        counts.update(likert=likert.count(), leadership=leadership.count(), forms=forms.count())
    else:
        counts["likert"] = likert.delete()[0]
        counts["leadership"] = leadership.delete()[0]
        counts["forms"] = forms.delete()[1].get(SignedForm._meta.label, 0)
    counts.update(conversations_leavers=len(ids), people=1)
    return counts


def preview(plan: Plan) -> Counter:
    """What `apply` would delete, counted; changes nothing."""
    counts: Counter[str] = Counter()
    for ids in _chunks(plan.notes):
        counts += _sweep_notes(ids, dry_run=True)
        counts["conversations_notes"] += len(ids)
    for ids in plan.leavers.values():
        counts += _sweep_leaver(ids, dry_run=True)
    return counts


def apply(plan: Plan) -> Counter:
    """Delete what the plan says is due, checking each part again in its own transaction (a
    hold set or a delivery failed since the plan was made leaves it alone): the preparation
    notes a batch of conversations at a time, a leaver's content one person at a time. Returns
    what went, and what was left alone at the last moment (skipped_hold, skipped_unarchived,
    skipped_unpublished)."""
    counts: Counter[str] = Counter()
    for chunk in _chunks(plan.notes):
        with transaction.atomic():
            ids, kept = _still_due(notes_due(plan.now).filter(pk__in=chunk), answers=False)
            counts.update(kept)
            if ids:
                counts += _sweep_notes(ids, dry_run=False)
                counts["conversations_notes"] += len(ids)
    for person_id in plan.leavers:
        with transaction.atomic():
            mine = leaver_content_due(plan.now).filter(employee_id=person_id)
            ids, kept = _still_due(mine, answers=True)
            if kept:
                counts.update(kept)
            elif ids:
                counts += _sweep_leaver(ids, dry_run=False)
    return counts


def _still_due(conversations: QuerySet[Conversation], *, answers: bool) -> tuple[list, Counter]:
    ids: list[int] = []
    kept: Counter[str] = Counter()
    for pk, _person, why in _with_blockers(conversations, answers=answers):
        if why:
            kept[f"skipped_{why}"] += 1
        else:
            ids.append(pk)
    return ids, kept
