"""What the rounds follow of the conversations below them (conversations.signals)."""

from django.dispatch import receiver

from samtale.conversations.models import Conversation
from samtale.conversations.signals import conversation_planned
from samtale.rounds.models import Round
from samtale.rounds.services import participants_link


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
