from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale import tenancy
from samtale.accounts import services
from samtale.accounts.tokens import password_reset_token
from samtale.notifications.outbox import Built, builder
from samtale.org.models import EmailChange


def _link(message, path: str) -> str:
    # The tenant's address (SITE_URL for the home tenant), like every link in an e-mail:
    # never the Host header the request came with.
    return f"{tenancy.site_url()}{path}"


@builder("password_reset")
def password_reset(message) -> Built | None:
    """The one-time link is made when the mail is sent, so it is never stored. It goes only
    to the address it was asked for: if that has changed since, nothing is sent."""
    person = message.to
    if message.to_email.lower() != person.email.lower():
        return None
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": password_reset_token.make_token(person),
        },
    )
    return Built(
        template="accounts/email/password_reset",
        context={"person": person, "link": _link(message, path)},
    )


def _change(message) -> EmailChange | None:
    return EmailChange.objects.filter(pk=message.ref.get("change"), person=message.to).first()


def _masked(address: str) -> str:
    """o***@kommune.no: enough for the owner to recognise, little for anyone else."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


@builder("password_reset_held")
def password_reset_held(message) -> Built | None:
    """To the new address: the link waits for the old address to confirm."""
    change = _change(message)
    if change is None:
        return None
    return Built(
        template="accounts/email/password_reset_held",
        context={
            "person": message.to,
            "change": change,
            "old": _masked(message.ref.get("asked") or change.old_email),
        },
    )


@builder("password_reset_confirm")
def password_reset_confirm(message) -> Built | None:
    """To the old address: confirm that the reset may go to the new one."""
    change = _change(message)
    if change is None or change.confirmed_at is not None:
        return None
    path = reverse(
        "password_reset_old_address", kwargs={"token": services.reset_confirm_token(change)}
    )
    return Built(
        template="accounts/email/password_reset_confirm",
        context={"person": message.to, "change": change, "link": _link(message, path)},
    )


@builder("login_failures")
def login_failures(message) -> Built:
    """Failed sign-ins with the person's address: how many, and what it means for them."""
    return Built(
        template="accounts/email/login_failures",
        context={
            "person": message.to,
            "failures": message.ref["failures"],
            "stopped": message.ref.get("stopped", False),
            "reset_path": reverse("password_reset"),
        },
    )
