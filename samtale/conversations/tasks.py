from django.tasks import task
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.notifications.mail import send_templated


@task
def invitation_send(conversation_id: int) -> None:
    """Invite the employee: purpose, time, place, and a link to the preparation.

    The link leads to the app; no content of the conversation is ever in the mail.
    """
    conversation = (
        Conversation.objects.select_related("employee", "leader", "guide_version")
        .filter(pk=conversation_id, status=Conversation.Status.INVITED)
        .first()
    )
    if conversation is None:
        return
    path = reverse("preparation", args=[conversation.pk])
    send_templated(
        to=conversation.employee,
        template="conversations/email/invitation",
        context={"conversation": conversation, "path": path},
    )
