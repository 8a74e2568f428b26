"""What the actions follow of the conversations below them (conversations.signals)."""

from django.dispatch import receiver

from samtale.actions.models import Action
from samtale.conversations.models import Conversation
from samtale.conversations.signals import status_changed


@receiver(status_changed, sender=Conversation)
def followed_while_signed(sender, *, conversation: Conversation, to: str, **kwargs) -> None:
    """The agreed actions are followed up while their conversation is signed: the follow-up
    overviews read this flag instead of joining to the conversation."""
    signed = Conversation.Status.SIGNED
    if signed in (conversation.status, to):
        Action.objects.filter(goal__conversation=conversation).update(followed=to == signed)
