"""Signing in and out in the audit log (core.audit): every success, failure and sign-out,
whichever way it came (the form, a password reset link, the session limit's sign-out).

Django's auth signals are the one place all of them pass. Like every entry, these are
written before the response goes out, and an error is not caught: a sign-in whose entry
cannot be written fails (the session is not saved with a 500), and so does a sign-out.

What was typed at a failed sign-in is never kept: not the password (Django hands the
signal a mask of it), and not the e-mail address, which may be a password typed into the
wrong field. The entry names the person by id when the address is someone's, and keeps a
keyed hash of what was typed, so that repeated attempts on one address can be told apart.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from samtale.core.audit import audit_log
from samtale.org.models import Person


def identifier_digest(identifier: str) -> str:
    """A keyed hash (the SECRET_KEY) of what was typed as the e-mail address: the same for
    the same address, unreadable without the key."""
    text = (identifier or "").strip().lower()
    return salted_hmac("samtale.audit.sign_in", text, algorithm="sha256").hexdigest()[:32]


def _person(identifier: str) -> Person | None:
    email = (identifier or "").strip().lower()[:254]
    return Person.objects.filter(email=email).only("pk").first() if email else None


def sign_in_refused(*, identifier: str, reason: str) -> None:
    """An attempt turned away before the password was checked: the address must wait
    ("wait") or may no longer sign in with a password ("stopped")."""
    audit_log(
        actor=None,
        action="login.refused",
        obj=_person(identifier),
        reason=reason,
        identifier=identifier_digest(identifier),
    )


@receiver(user_logged_in, dispatch_uid="samtale.audit.login")
def _signed_in(sender, request, user, **kwargs):
    audit_log(actor=user, action="login.succeeded", obj=user)


@receiver(user_login_failed, dispatch_uid="samtale.audit.login_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    identifier = credentials.get("username") or credentials.get("email") or ""
    audit_log(
        actor=None,
        action="login.failed",
        obj=_person(identifier),
        identifier=identifier_digest(identifier),
    )


@receiver(user_logged_out, dispatch_uid="samtale.audit.logout")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="logout", obj=user)
