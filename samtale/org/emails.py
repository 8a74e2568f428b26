"""Changes that widen what someone may read, or move their account: told at once by e-mail."""

from django.urls import reverse

from samtale.notifications.outbox import Built, builder
from samtale.org.models import EmailChange, RoleChange


@builder("role_changed")
def role_changed(message) -> Built | None:
    """To the person and to every HR user and administrator: who gave or took which role."""
    change = (
        RoleChange.objects.select_related("person", "changed_by")
        .filter(pk=message.ref.get("change"))
        .first()
    )
    if change is None:
        return None
    return Built(
        template="org/email/role_changed",
        context={
            "recipient": message.to,
            "change": change,
            "is_self": change.person_id == message.to_id,
            "history_path": reverse("role_changes"),
        },
    )


@builder("email_changed")
def email_changed(message) -> Built | None:
    """To the old and the new address: the account's address moved, and by whom."""
    change = (
        EmailChange.objects.select_related("person", "changed_by")
        .filter(pk=message.ref.get("change"), person=message.to)
        .first()
    )
    if change is None:
        return None
    return Built(
        template="org/email/email_changed",
        context={
            "person": message.to,
            "change": change,
            "to_old": message.to_email.lower() == change.old_email.lower(),
        },
    )


@builder("deactivations_held")
def deactivations_held(message) -> Built | None:
    """To every administrator, once an hour at most: the identity provider asked to
    deactivate more people than the limit, and the rest wait for one of them."""
    from samtale.org.services import held_deactivations

    count = held_deactivations().count()
    if not count:
        return None
    return Built(
        template="org/email/deactivations_held",
        context={
            "recipient": message.to,
            "count": count,
            "path": reverse("held_deactivations"),
        },
    )
