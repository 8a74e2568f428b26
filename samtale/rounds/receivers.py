"""What the rounds follow of the conversations and the organization below them
(conversations.signals, org.signals)."""

from django.dispatch import receiver

from samtale.conversations.models import Conversation
from samtale.conversations.signals import conversation_planned
from samtale.org.models import LeaderChange
from samtale.org.signals import line_manager_changed
from samtale.rounds.models import Participant, Round
from samtale.rounds.services import participants_link


@receiver(line_manager_changed, sender=LeaderChange)
def holder_follows(sender, *, change: LeaderChange, **kwargs) -> None:
    """In the open rounds, the earlier line manager's place as the person's holder passes to
    the new one, and the participant follows its conversation where it moved
    (conversations.services.handover ran before: change.moved). A holder HR chose who is not
    the earlier line manager stays."""
    participants = Participant.objects.filter(person_id=change.person_id, round__closed_at=None)
    if change.new_manager_id is not None and change.old_manager_id is not None:
        participants.filter(holder_id=change.old_manager_id).update(holder_id=change.new_manager_id)
    for old, new in change.moved:
        for participant in participants.filter(conversation_id=old):
            participant.conversation_id = new
            participant.save(update_fields=["conversation", "updated_at"])


@receiver(conversation_planned, sender=Conversation)
def outside_conversation_counts(sender, *, conversation: Conversation, actor, **kwargs) -> None:
    """A conversation planned outside a round counts in the open round its employee takes part
    in, when it is what that round holds (rounds.selectors.outside_conversations)."""
    if conversation.round_id is not None:
        return
    rounds = Round.objects.filter(
        closed_at__isnull=True,
        participants__person_id=conversation.employee_id,
        participants__included=True,
    ).order_by("period_start", "pk")
    for round in rounds:
        if participants_link(actor=actor, round=round, person_ids=[conversation.employee_id]):
            # The caller holds this object: let it know its round.
            conversation.refresh_from_db(fields=["round"])
            return
