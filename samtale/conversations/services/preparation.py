"""Preparation: each party writes notes per theme, private until they share them;
the employee answers the Likert statements; the leader has a private checklist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import Conversation, LikertAnswer, Note, Preparation
from samtale.conversations.services.lifecycle import transition
from samtale.core.access import require
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
    require(party is not None)
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
        raise DomainError(
            _("A note can be at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}, field="text"
        )
    preparation = preparation_for(conversation=conversation, author=actor)
    note, _created = Note.objects.get_or_create(preparation=preparation, theme_key=theme_key)
    text_save(obj=note, field="text", text=text, base_version=base_version)
    # Content is not audited: only that a note changed, and by whom.
    return note


@transaction.atomic
def preparation_share(*, actor: Person, conversation: Conversation) -> Preparation:
    """Share my notes (and, for the employee, the Likert answers) with the other party.

    When the employee shares, the conversation counts as prepared.
    """
    party = _check_open(conversation, actor)
    preparation = preparation_for(conversation=conversation, author=actor)
    if preparation.shared_at is None:
        preparation.shared_at = timezone.now()
        preparation.save(update_fields=["shared_at", "updated_at"])
        audit_log(actor=actor, action="preparation.share", obj=conversation, party=party)
    if party == "employee" and conversation.status in (
        Conversation.Status.PLANNED,
        Conversation.Status.INVITED,
    ):
        transition(conversation, Conversation.Status.PREPARED, actor=actor)
    return preparation


@transaction.atomic
def likert_answer(
    *, actor: Person, conversation: Conversation, statement_key: str, value: int | None
) -> None:
    """The employee's answer 1–5 to a statement; None takes the answer back."""
    party = _check_open(conversation, actor)
    if party != "employee":
        raise DomainError(_("Only the employee answers the statements."))
    if statement_key not in {s["key"] for s in conversation.guide_version.statements()}:
        raise DomainError(_("This statement is not in the conversation's template."))
    if value is None:
        LikertAnswer.objects.filter(conversation=conversation, statement_key=statement_key).delete()
        return
    if value not in (1, 2, 3, 4, 5):
        raise DomainError(_("Choose a value from 1 to 5."))
    LikertAnswer.objects.update_or_create(
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
