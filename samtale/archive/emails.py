from django.urls import reverse

from samtale.archive import policy
from samtale.notifications.outbox import Built, builder


@builder("signed_form_ready")
def signed_form_ready(message) -> Built | None:
    """The employee's copy of the signed follow-up form: a link to it, never its content.
    Asked of core.access when sent: a form the person may no longer read sends nothing."""
    person = message.to
    form = (
        policy.signed_forms_visible_to(person)
        .select_related("conversation__leader")
        .filter(pk=message.ref.get("form"), conversation__employee=person)
        .first()
    )
    if form is None or not form.pdf:
        return None
    conversation = form.conversation
    return Built(
        template="archive/email/signed_form_ready",
        context={
            "person": person,
            "leader": conversation.leader,
            "date": conversation.held_or_planned_at,
            "revision": form.number,
            "path": reverse("conversation_detail", args=[conversation.pk]) + "#revisjoner",
        },
    )
