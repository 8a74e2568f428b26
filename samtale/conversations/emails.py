"""The invitation and its calendar file, the leader's copy, updates and cancellations.

The employee and the leader get the same calendar event (one UID per conversation, the
same SEQUENCE and attendees: Samtale's calendar address organizes it, and both of them
are invited, notifications.ics), so a move or a cancellation changes it in both
calendars. No content of the conversation is ever in a mail: purpose, time, place and a
link.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from samtale.conversations.models import Conversation
from samtale.notifications import ics
from samtale.notifications.outbox import Built, builder

S = Conversation.Status
INVITED = (S.INVITED, S.PREPARED)


def _conversation(message, statuses) -> Conversation | None:
    return (
        Conversation.objects.select_related("employee", "leader", "guide_version")
        .filter(pk=message.ref["conversation"], status__in=statuses)
        .first()
    )


def _calendar(message, conversation: Conversation, *, method: str, sequence: int) -> bytes:
    # The calendar's texts in the recipient's language, like the mail around it.
    with translation.override(message.to.language or settings.LANGUAGE_CODE):
        return ics.conversation_ics(conversation, method=method, sequence=sequence)


def _built(template: str, message, conversation: Conversation, *, method: str, sequence: int):
    return Built(
        template=template,
        context={
            "conversation": conversation,
            "path": reverse("preparation", args=[conversation.pk]),
            "detail_path": reverse("conversation_detail", args=[conversation.pk]),
            # Another time: asked for on the page, or answered in the mail program to the
            # organizer, Samtale's calendar address (conversations.services.replies).
            "propose_path": reverse("time_propose", args=[conversation.pk]),
            "calendar_address": ics.organizer(conversation.leader)[1],
            "is_leader": message.to_id == conversation.leader_id,
            "place_is_link": conversation.place.startswith(("https://", "http://")),
        },
        calendar=_calendar(message, conversation, method=method, sequence=sequence),
    )


@builder("invitation")
def invitation(message) -> Built | None:
    """Invite the employee: purpose, time, place, how to prepare, a link, and the calendar file."""
    conversation = _conversation(message, INVITED)
    if conversation is None:
        return None
    return _built(
        "conversations/email/invitation",
        message,
        conversation,
        method=ics.REQUEST,
        sequence=conversation.ics_sequence,
    )


@builder("invitation_copy")
def invitation_copy(message) -> Built | None:
    """The leader's copy of the invitation, with the same calendar event. Skipped when the
    conversation has passed to another leader since it was queued."""
    conversation = _conversation(message, INVITED)
    if conversation is None or conversation.leader_id != message.to_id:
        return None
    return _built(
        "conversations/email/invitation_copy",
        message,
        conversation,
        method=ics.REQUEST,
        sequence=conversation.ics_sequence,
    )


@builder("invitation_update")
def invitation_update(message) -> Built | None:
    """A new time, a new place or both, as the move named them (ref "changed"; an update
    queued before it named neither, and says both). To the party whose proposed time the
    other took (ref "accepted_from"), it says who accepted it. Skipped when a later update
    has replaced it already."""
    conversation = _conversation(message, INVITED)
    sequence = message.ref.get("sequence")
    if conversation is None or sequence != conversation.ics_sequence:
        return None
    built = _built(
        "conversations/email/invitation_update",
        message,
        conversation,
        method=ics.REQUEST,
        sequence=sequence,
    )
    changed = message.ref.get("changed") or ["time", "place"]
    party = conversation.party(message.to)
    proposed = party is not None and party == message.ref.get("accepted_from")
    other = conversation.employee if party == "leader" else conversation.leader
    built.context |= {
        "new_time": "time" in changed,
        "new_place": "place" in changed,
        # The other party took the time this recipient proposed.
        "accepted_by": other if proposed else None,
    }
    return built


@builder("invitation_postponed")
def invitation_postponed(message) -> Built | None:
    """Postponed: METHOD:CANCEL takes the time it had out of both calendars. Skipped when
    a new time has replaced it already (that update, a higher SEQUENCE, says it all)."""
    conversation = _conversation(message, (S.POSTPONED, S.CANCELLED))
    sequence = message.ref.get("sequence")
    if conversation is None or sequence != conversation.ics_sequence:
        return None
    # The conversation has no time now; the message is about the one it had (unsaved).
    conversation.scheduled_at = datetime.fromisoformat(message.ref["scheduled_at"])
    return _built(
        "conversations/email/invitation_postponed",
        message,
        conversation,
        method=ics.CANCEL,
        sequence=sequence,
    )


@builder("invitation_held_early")
def invitation_held_early(message) -> Built | None:
    """Held now, before the day it was booked for: the calendar event moves to the time it
    is held (a REQUEST, SEQUENCE + 1), so that both calendars lose the booking that will
    not happen. Skipped once cancelled or postponed, or when a later message replaced it."""
    conversation = _conversation(message, (*INVITED, S.HELD, S.SUMMARY_AGREED, S.SIGNED))
    sequence = message.ref.get("sequence")
    if conversation is None or sequence != conversation.ics_sequence:
        return None
    planned = datetime.fromisoformat(message.ref["planned"])
    # The event is about the time it is held (unsaved); the mail names the one it had.
    conversation.scheduled_at = datetime.fromisoformat(message.ref["held_at"])
    built = _built(
        "conversations/email/invitation_held_early",
        message,
        conversation,
        method=ics.REQUEST,
        sequence=sequence,
    )
    built.context["planned"] = planned
    return built


@builder("invitation_cancel")
def invitation_cancel(message) -> Built | None:
    """The conversation is cancelled: METHOD:CANCEL removes it from the calendar."""
    conversation = _conversation(message, (S.CANCELLED,))
    if conversation is None or conversation.scheduled_at is None:
        return None
    return _built(
        "conversations/email/invitation_cancel",
        message,
        conversation,
        method=ics.CANCEL,
        sequence=message.ref.get("sequence", conversation.ics_sequence),
    )
