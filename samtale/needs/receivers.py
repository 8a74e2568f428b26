"""What the shared-needs register does when something happens below it."""

from django.dispatch import receiver

from samtale.conversations.models import Conversation
from samtale.conversations.signals import conversation_signed
from samtale.needs.services import needs_register_from


@receiver(conversation_signed, sender=Conversation, dispatch_uid="needs.conversation_signed")
def register_shared_needs(sender, *, conversation, **kwargs) -> None:
    """The needs the conclusion shares reach the register, now that both have signed."""
    needs_register_from(conversation=conversation)
