from django.conf import settings
from django.urls import reverse

from samtale.archive import causes, policy, selectors
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


@builder("archive_deliveries_failing")
def deliveries_failing(message) -> Built | None:
    """To the archive staff and the administrators: deliveries to the archive keep failing
    (archive.alerts). The counts, the cause and a link to the queue, no one's content;
    nothing once the person has neither role or the deliveries no longer fail."""
    person = message.to
    if not (person.is_archivist or person.is_org_admin):
        return None
    failing = selectors.deliveries_at_alert_limit()
    count = failing.count()
    if not count:
        return None
    delivery = (
        failing.filter(pk=message.ref.get("delivery")).first()
        or failing.order_by("-last_attempt_at", "-pk").first()
    )
    return Built(
        template="archive/email/deliveries_failing",
        context={
            "person": person,
            "failing": count,
            "limit": settings.SAMTALE_ARCHIVE_ALERT_AFTER,
            # A drop folder's cause names nobody (the archive's own words might), and the
            # template says it in the recipient's language (delivery.error_text).
            "delivery": delivery if delivery and causes.is_cause(delivery.error) else None,
            "path": reverse("archive_queue") + "?status=feilet",
        },
    )
