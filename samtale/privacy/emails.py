"""The e-mails that bring a person the copy of their data HR asked for: never any of the
copy itself. One who can sign in is told it waits on their profile; one who has left gets
the one-time link in one e-mail and the code that opens it in another, to the address they
gave (privacy.links makes both when the e-mail is written; neither is stored)."""

from django.urls import reverse

from samtale import tenancy
from samtale.notifications.outbox import Built, builder
from samtale.privacy import links
from samtale.privacy.models import AccessCopy
from samtale.privacy.services import MAX_CODE_ATTEMPTS


def _copy(message, channel: str) -> AccessCopy | None:
    """The request the message is about, while it still waits for the person."""
    copy = AccessCopy.objects.filter(
        pk=message.ref.get("copy"), person=message.to, channel=channel
    ).first()
    if copy is None or copy.state != AccessCopy.Status.WAITING:
        return None
    return copy


@builder("access_copy_ready")
def access_copy_ready(message) -> Built | None:
    """To a person who can sign in: their copy waits on their profile."""
    copy = _copy(message, AccessCopy.Channel.ACCOUNT)
    if copy is None:
        return None
    return Built(
        template="privacy/email/access_copy_ready",
        context={
            "person": message.to,
            "copy": copy,
            "link": f"{tenancy.site_url()}{reverse('profile')}#dine-data",
        },
    )


@builder("access_copy_link", to_leavers=True)
def access_copy_link(message) -> Built | None:
    """To the address a person who has left gave: the one-time link, and that the code comes
    in another e-mail."""
    copy = _copy(message, AccessCopy.Channel.LINK)
    if copy is None or message.to_email.lower() != copy.address.lower():
        return None
    path = reverse("privacy_copy_link", kwargs={"token": links.token_for(copy)})
    return Built(
        template="privacy/email/access_copy_link",
        context={"person": message.to, "copy": copy, "link": f"{tenancy.site_url()}{path}"},
    )


@builder("access_copy_code", to_leavers=True)
def access_copy_code(message) -> Built | None:
    """To the same address, apart from the link: the code that opens it."""
    copy = _copy(message, AccessCopy.Channel.LINK)
    if copy is None or message.to_email.lower() != copy.address.lower():
        return None
    return Built(
        template="privacy/email/access_copy_code",
        context={
            "person": message.to,
            "copy": copy,
            "code": links.shown(links.code_for(copy)),
            "attempts": MAX_CODE_ATTEMPTS,
        },
    )
