"""The meeting: one screen for both, with the themes covered, the talk-time balance
(goal: the leader speaks 30 %, the employee 70 %) and the three-step closing."""

from django.db import transaction
from django.utils.translation import gettext as _

from samtale.conversations.models import Conversation
from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.org.models import Person

S = Conversation.Status
MEETING_STATUSES = (S.PLANNED, S.INVITED, S.PREPARED, S.HELD)
CLOSING_STEPS = (1, 2, 3)
# A talk-time record longer than a working day is a stuck timer, not a conversation.
MAX_TALK_SECONDS = 8 * 3600


def _meeting(conversation: Conversation, actor: Person) -> Conversation:
    require(conversation.party(actor) is not None)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status not in MEETING_STATUSES:
        raise DomainError(_("The meeting is closed; the summary is under way or done."))
    return conversation


@transaction.atomic
def theme_cover_set(
    *, actor: Person, conversation: Conversation, theme_key: str, covered: bool
) -> Conversation:
    conversation = _meeting(conversation, actor)
    if conversation.guide_version.theme(theme_key) is None:
        raise DomainError(_("This theme is not in the conversation's template."))
    keys = set(conversation.covered_themes)
    keys = keys | {theme_key} if covered else keys - {theme_key}
    order = [t["key"] for t in conversation.guide_version.themes]
    conversation.covered_themes = [k for k in order if k in keys]
    conversation.save(update_fields=["covered_themes", "updated_at"])
    return conversation


@transaction.atomic
def closing_step_set(
    *, actor: Person, conversation: Conversation, step: int, done: bool
) -> Conversation:
    conversation = _meeting(conversation, actor)
    if step not in CLOSING_STEPS:
        raise DomainError(_("Unknown step."))
    steps = set(conversation.closing_steps)
    steps = steps | {step} if done else steps - {step}
    conversation.closing_steps = sorted(steps)
    conversation.save(update_fields=["closing_steps", "updated_at"])
    return conversation


@transaction.atomic
def talk_time_record(
    *, actor: Person, conversation: Conversation, leader_seconds: int, employee_seconds: int
) -> Conversation:
    """Store the talk time measured on the meeting screen (totals, not increments:
    a repeated or late request cannot count twice)."""
    conversation = _meeting(conversation, actor)
    for value in (leader_seconds, employee_seconds):
        if not 0 <= value <= MAX_TALK_SECONDS:
            raise DomainError(_("The talk time is not plausible."))
    conversation.talk_leader_seconds = leader_seconds
    conversation.talk_employee_seconds = employee_seconds
    conversation.save(update_fields=["talk_leader_seconds", "talk_employee_seconds", "updated_at"])
    return conversation
