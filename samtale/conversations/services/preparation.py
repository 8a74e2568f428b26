"""Preparation: each party writes notes per theme, each private until its author shares
it (one at a time, or all at once); the employee answers the Likert statements, shared
with "share all" or on their own; the leader has a private checklist."""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import selectors
from samtale.conversations.errors import TextTooLong, grouped
from samtale.conversations.models import (
    Conversation,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
)
from samtale.conversations.notices import step_notice
from samtale.conversations.services.lifecycle import transition
from samtale.core.audit import audit_log
from samtale.core.concurrency import text_save
from samtale.core.errors import DomainError
from samtale.org.models import Person

# From the municipality's guide for leaders: questions for the leader's own preparation.
LEADER_QUESTION_COUNT = 8
NOTE_MAX_LENGTH = 20_000


def preparation_for(*, conversation: Conversation, author: Person) -> Preparation:
    preparation, _created = Preparation.objects.get_or_create(
        conversation=conversation, author=author
    )
    return preparation


def _check_open(conversation: Conversation, actor: Person) -> str:
    party = conversation.party(actor)
    if party is None:
        raise PermissionDenied
    if conversation.is_locked:
        raise DomainError(
            _("The conversation is signed or cancelled; its notes can no longer change.")
        )
    return party


@transaction.atomic
def note_save(
    *, actor: Person, conversation: Conversation, theme_key: str, text: str, base_version: int
) -> Note:
    """Save one of the actor's own notes. Raises EditConflict if it changed since base_version."""
    party = _check_open(conversation, actor)
    theme = conversation.guide_version.theme(theme_key)
    if theme is None:
        raise DomainError(_("This theme is not in the conversation's template."))
    if theme.get("leader_only") and party != "leader":
        raise DomainError(_("The leader fills in this theme."))
    if len(text) > NOTE_MAX_LENGTH:
        raise TextTooLong(
            _("A note can be at most %(max)s characters; this one has %(count)s.")
            % {"max": grouped(NOTE_MAX_LENGTH), "count": grouped(len(text))},
            limit=NOTE_MAX_LENGTH,
            length=len(text),
            field="text",
        )
    preparation = preparation_for(conversation=conversation, author=actor)
    note, _created = Note.objects.get_or_create(preparation=preparation, theme_key=theme_key)
    text_save(obj=note, field="text", text=text, base_version=base_version)
    # Content is not audited: only that a note changed, and by whom.
    return note


# Before the meeting a shared note can be taken back; once it is held, what the other
# party read in preparing for it stays readable.
UNSHARE_STATUSES = (
    Conversation.Status.PLANNED,
    Conversation.Status.INVITED,
    Conversation.Status.PREPARED,
    Conversation.Status.POSTPONED,
)


def _check_unshare(conversation: Conversation) -> None:
    if conversation.status not in UNSHARE_STATUSES:
        raise DomainError(
            _(
                "The meeting has been held: what you shared before it stays shared and can "
                "no longer be taken back."
            )
        )


def _own_note(*, conversation: Conversation, actor: Person, theme_key: str) -> Note | None:
    if conversation.guide_version.theme(theme_key) is None:
        raise DomainError(_("This theme is not in the conversation's template."))
    return (
        Note.objects.select_for_update()
        .filter(preparation__conversation=conversation, preparation__author=actor)
        .filter(theme_key=theme_key)
        .first()
    )


def _after_share(*, conversation: Conversation, actor: Person, party: str, notes: bool) -> None:
    """The employee's first share makes the conversation prepared; the leader hears of the
    employee's shared notes at most once a day (a burst of shares is one notice)."""
    if party != "employee":
        return
    if conversation.status in (Conversation.Status.PLANNED, Conversation.Status.INVITED):
        transition(conversation, Conversation.Status.PREPARED, actor=actor)
    if notes:
        step_notice(
            conversation=conversation,
            kind="preparation_shared",
            to=conversation.leader,
            event=f"{conversation.pk}:{timezone.localdate().isoformat()}",
        )


@transaction.atomic
def note_share(*, actor: Person, conversation: Conversation, theme_key: str) -> Note:
    """Share one of my notes with the other party: they can read it, and what I change in
    it later, until I take it back. An empty note cannot be shared."""
    party = _check_open(conversation, actor)
    note = _own_note(conversation=conversation, actor=actor, theme_key=theme_key)
    if note is None or not note.text.strip():
        raise DomainError(_("Write something in the note before you share it."))
    if note.shared_at is None:
        note.shared_at = timezone.now()
        note.save(update_fields=["shared_at"])
        audit_log(actor=actor, action="note.share", obj=conversation, party=party, theme=theme_key)
        _after_share(conversation=conversation, actor=actor, party=party, notes=True)
    return note


@transaction.atomic
def note_unshare(*, actor: Person, conversation: Conversation, theme_key: str) -> Note | None:
    """Take a shared note back before the meeting: it is mine alone again."""
    party = _check_open(conversation, actor)
    _check_unshare(conversation)
    note = _own_note(conversation=conversation, actor=actor, theme_key=theme_key)
    if note is not None and note.shared_at is not None:
        note.shared_at = None
        note.save(update_fields=["shared_at"])
        audit_log(
            actor=actor, action="note.unshare", obj=conversation, party=party, theme=theme_key
        )
    return note


@transaction.atomic
def preparation_share_all(
    *,
    actor: Person,
    conversation: Conversation,
    theme_keys: Collection[str] | None = None,
    answers: bool = True,
) -> list[Note]:
    """Share at once every note I have written in and not shared yet, and (the employee)
    the answers to the statements. Returns the notes it shared.

    `theme_keys` limits it to the notes the person saw listed when they confirmed; `answers`
    says whether the answers were listed. Only what exists now is shared: a note written
    afterwards stays private until it is shared on its own.
    """
    party = _check_open(conversation, actor)
    notes = [
        note
        for note in selectors.shareable_notes(conversation=conversation, author=actor)
        if theme_keys is None or note.theme_key in theme_keys
    ]
    share_answers = answers and selectors.answers_shareable(conversation=conversation, author=actor)
    if not notes and not share_answers:
        raise DomainError(_("There is nothing new to share."))
    now = timezone.now()
    Note.objects.filter(pk__in=[note.pk for note in notes], shared_at__isnull=True).update(
        shared_at=now
    )
    if share_answers:
        preparation = preparation_for(conversation=conversation, author=actor)
        preparation.shared_at = now
        preparation.save(update_fields=["shared_at", "updated_at"])
    audit_log(
        actor=actor,
        action="preparation.share_all",
        obj=conversation,
        party=party,
        themes=sorted(note.theme_key for note in notes),
        answers=share_answers,
    )
    _after_share(conversation=conversation, actor=actor, party=party, notes=bool(notes))
    return notes


@transaction.atomic
def answers_share(*, actor: Person, conversation: Conversation) -> Preparation:
    """The employee shares their answers to the statements with the leader, on their own.

    Like a note, the answers are shared as a whole: an answer changed or added later can
    be read too, until the employee takes them back (before the meeting).
    """
    party = _check_open(conversation, actor)
    if party != "employee":
        raise DomainError(_("Only the employee answers the statements."))
    if not conversation.likert_answers.exists():
        raise DomainError(_("Answer at least one statement before you share the answers."))
    preparation = preparation_for(conversation=conversation, author=actor)
    if preparation.shared_at is None:
        preparation.shared_at = timezone.now()
        preparation.save(update_fields=["shared_at", "updated_at"])
        audit_log(actor=actor, action="answers.share", obj=conversation, party=party)
        _after_share(conversation=conversation, actor=actor, party=party, notes=False)
    return preparation


@transaction.atomic
def answers_unshare(*, actor: Person, conversation: Conversation) -> Preparation:
    """Take the answers back before the meeting: the leader can no longer read them."""
    party = _check_open(conversation, actor)
    if party != "employee":
        raise DomainError(_("Only the employee answers the statements."))
    _check_unshare(conversation)
    preparation = preparation_for(conversation=conversation, author=actor)
    if preparation.shared_at is not None:
        preparation.shared_at = None
        preparation.save(update_fields=["shared_at", "updated_at"])
        audit_log(actor=actor, action="answers.unshare", obj=conversation, party=party)
    return preparation


@transaction.atomic
def likert_answer(
    *, actor: Person, conversation: Conversation, statement_key: str, value: int | None
) -> None:
    """The employee's answer 1–5 to a statement; None takes the answer back."""
    party = _check_open(conversation, actor)
    if party != "employee":
        raise DomainError(_("Only the employee answers the statements."))
    version = conversation.guide_version
    if statement_key not in {s["key"] for s in version.statements()}:
        raise DomainError(_("This statement is not in the conversation's template."))
    # A statement about the leader is kept apart, never shared with the leader.
    model = LeadershipAnswer if statement_key in version.leadership_keys() else LikertAnswer
    if value is None:
        model.objects.filter(conversation=conversation, statement_key=statement_key).delete()
        return
    if value not in (1, 2, 3, 4, 5):
        raise DomainError(_("Choose a value from 1 to 5."))
    model.objects.update_or_create(
        conversation=conversation, statement_key=statement_key, defaults={"value": value}
    )


@transaction.atomic
def leader_checklist_set(
    *, actor: Person, conversation: Conversation, done: list[int]
) -> Preparation:
    """Which of the guide's preparation questions the leader has thought through. Private."""
    party = _check_open(conversation, actor)
    if party != "leader":
        raise DomainError(_("The checklist is the leader's."))
    if any(i not in range(LEADER_QUESTION_COUNT) for i in done):
        raise DomainError(_("Unknown question."))
    preparation = preparation_for(conversation=conversation, author=actor)
    preparation.checklist = sorted(set(done))
    preparation.save(update_fields=["checklist", "updated_at"])
    return preparation
