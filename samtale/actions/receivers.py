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
    if signed not in (conversation.status, to):
        return
    now_signed = to == signed
    own = Action.objects.filter(goal__conversation=conversation)
    own.update(followed=now_signed)
    # Each action is followed up in one place, and so in the lists and counts once: what a
    # signed later conversation carried over from this one is followed up there ...
    carried_on = own.filter(carried_to__goal__conversation__status=signed).values("pk")
    Action.objects.filter(pk__in=carried_on).update(followed=False)
    # ... and what this one carried over from an earlier conversation is followed up here,
    # or, were this one ever to be signed no longer, there again.
    earlier = Action.objects.filter(
        carried_to__goal__conversation=conversation, goal__conversation__status=signed
    ).values("pk")
    Action.objects.filter(pk__in=earlier).update(followed=not now_signed)
