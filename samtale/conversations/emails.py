from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.notifications.outbox import Built, builder


@builder("invitation")
def invitation(message) -> Built | None:
    """Invite the employee: purpose, time, place, and a link to the preparation.

    The link leads to the app; no content of the conversation is ever in the mail.
    """
    conversation = (
        Conversation.objects.select_related("employee", "leader", "guide_version")
        .filter(pk=message.ref["conversation"], status=Conversation.Status.INVITED)
        .first()
    )
    if conversation is None:
        return None
    return Built(
        template="conversations/email/invitation",
        context={
            "conversation": conversation,
            "path": reverse("preparation", args=[conversation.pk]),
        },
    )
