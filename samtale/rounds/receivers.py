"""What the rounds follow of the conversations below them (conversations.signals)."""

from django.dispatch import receiver

from samtale.conversations.models import Conversation
from samtale.conversations.signals import status_changed
from samtale.rounds.models import Participant


@receiver(status_changed, sender=Conversation)
def participant_status(sender, *, conversation: Conversation, to: str, **kwargs) -> None:
    """A round's counts read the conversation's status from its participant."""
    Participant.objects.filter(conversation=conversation).update(conversation_status=to)
