"""Sign-in rules that cannot be turned against the people they protect.

- Failures for one e-mail address slow further attempts down (NIST SP 800-63B §5.2.2):
  free at first, then a wait that doubles with each consecutive failure, and a hard stop
  only after many. Attempts from a device the person signed in on before (accounts.devices)
  are not slowed by strangers' failures, so nobody who merely knows the address can keep
  its owner out. The person is told by e-mail.
- Failures from one client address slow that client down; right credentials still get in.
- Password reset links are rate limited per address and per client, and for a while after
  someone else changed a person's e-mail address a reset needs the old address's consent.
"""

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeGuard

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale import tenancy
from samtale.accounts.models import FailedLogin, LoginThrottle, ResetRequest
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import EmailChange, Person
from samtale.org.services import email_hold_start

# What is remembered of failures: a client's and a device's for a day, an address's
# consecutive failures for a month without any.
FAILED_LOGIN_DAYS = 1
THROTTLE_MEMORY_DAYS = 30


@dataclass(frozen=True)
class Gate:
    """What to do with a sign-in attempt before the password is checked."""

    wait_seconds: int = 0  # refuse: the next attempt for this address may come later
    stopped: bool = False  # refuse: only a new password (or a known device) signs in now
    pause: float = 0.0  # slow down: seconds to wait, then check the password as usual
    device: str = ""  # a device the person signed in on before, trusted for this attempt


def throttle_delay(failures: int) -> int:
    """Seconds before the next attempt after `failures` consecutive failures."""
    free = settings.LOGIN_FREE_FAILURES
    if failures < free:
        return 0
    exponent = min(failures - free, 30)
    return int(min(settings.LOGIN_DELAY_SECONDS * 2**exponent, settings.LOGIN_MAX_DELAY_SECONDS))


def _device_trusted(device: str | None) -> TypeGuard[str]:
    if not device:
        return False
    since = timezone.now() - timedelta(days=FAILED_LOGIN_DAYS)
    failures = FailedLogin.objects.filter(device=device, at__gte=since).count()
    return failures < settings.LOGIN_FREE_FAILURES


def _client_pause(ip: str | None) -> float:
    if not ip:
        return 0.0
    since = timezone.now() - timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    failures = FailedLogin.objects.filter(ip=ip, at__gte=since).count()
    excess = failures - settings.LOGIN_MAX_FAILURES_PER_IP
    if excess < 0:
        return 0.0
    # A tenth of a second more for each failure beyond the limit: a burst of guesses from one
    # client crawls, a colleague behind the same address waits a moment.
    return min(settings.LOGIN_IP_MAX_PAUSE_SECONDS, 0.1 * (excess + 1))


def login_gate(*, email: str, ip: str | None, device: str | None = None) -> Gate:
    """Whether an attempt to sign in as `email` may be checked now, and how slowly.

    An attempt from a device not trusted counts as a failure from the moment it is let
    through, until the password proves right (login_succeeded forgets it): a burst of
    parallel guesses gets the free attempts and then waits, not one check each.
    """
    email = email.lower()[:254]
    if _device_trusted(device):
        return Gate(device=device)
    now = timezone.now()
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
            email=email, defaults={"last_failure_at": now}
        )
        if throttle.failures >= settings.LOGIN_HARD_STOP_FAILURES:
            return Gate(stopped=True)
        if throttle.next_attempt_at is not None and throttle.next_attempt_at > now:
            return Gate(wait_seconds=math.ceil((throttle.next_attempt_at - now).total_seconds()))
        throttle.failures += 1
        throttle.last_failure_at = now
        throttle.next_attempt_at = now + timedelta(seconds=throttle_delay(throttle.failures))
        throttle.save()
    return Gate(pause=_client_pause(ip))


def login_failed(*, email: str, ip: str | None, gate: Gate) -> None:
    """Record a failed attempt (login_gate has counted it for the address already)."""
    email = email.lower()[:254]
    now = timezone.now()
    FailedLogin.objects.create(email=email, ip=ip or None, device=gate.device)
    if not gate.device:
        throttle = LoginThrottle.objects.filter(email=email).first()
        if throttle is not None:
            _warn(throttle)
    # Keep the tables small: older failures have no more effect, and an address tried a
    # few times only (most often a made-up one) is forgotten after a day.
    FailedLogin.objects.filter(at__lt=now - timedelta(days=FAILED_LOGIN_DAYS)).delete()
    LoginThrottle.objects.filter(
        Q(last_failure_at__lt=now - timedelta(days=THROTTLE_MEMORY_DAYS))
        | Q(
            last_failure_at__lt=now - timedelta(days=FAILED_LOGIN_DAYS),
            failures__lt=settings.LOGIN_FREE_FAILURES,
        )
    ).delete()


def _warn(throttle: LoginThrottle) -> None:
    """Tell the person when strangers' failures start to slow their sign-in (at most once a
    day), and when password sign-in stops."""
    if throttle.failures < settings.LOGIN_FREE_FAILURES:
        return
    stopped = throttle.failures == settings.LOGIN_HARD_STOP_FAILURES
    now = timezone.now()
    if not stopped and throttle.warned_at and throttle.warned_at > now - timedelta(days=1):
        return
    person = Person.objects.filter(email=throttle.email, is_active=True).first()
    if person is None:
        return
    # Claimed with a conditional UPDATE, so two failing requests never send two mails.
    claimed = LoginThrottle.objects.filter(pk=throttle.pk, warned_at=throttle.warned_at).update(
        warned_at=now
    )
    if claimed:
        email_queue(
            to=person,
            kind="login_failures",
            ref={"failures": throttle.failures, "stopped": stopped},
        )


def login_succeeded(*, email: str) -> None:
    """The right password: the address's failures are forgotten."""
    email = email.lower()
    LoginThrottle.objects.filter(email=email).delete()
    FailedLogin.objects.filter(email=email, device="").delete()


def login_throttle_clear(*, person: Person) -> None:
    """A new password lifts any slowing down and the hard stop."""
    LoginThrottle.objects.filter(email=person.email.lower()).delete()


# Password reset ---------------------------------------------------------------


def reset_wait_minutes(*, email: str, ip: str | None) -> int:
    """Minutes until another reset link may be asked for this address or from this client;
    0 when it may be asked now. Counted for any address, whether someone has it or not."""
    since = timezone.now() - timedelta(hours=1)
    recent = ResetRequest.objects.filter(at__gte=since)
    for requests, limit in (
        (recent.filter(email=email.lower()), settings.PASSWORD_RESET_MAX_PER_ADDRESS),
        (recent.filter(ip=ip) if ip else recent.none(), settings.PASSWORD_RESET_MAX_PER_CLIENT),
    ):
        times = list(requests.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            free_at = times[-1] + timedelta(hours=1)
            return max(1, math.ceil((free_at - timezone.now()).total_seconds() / 60))
    return 0


@dataclass(frozen=True)
class Hold:
    """A password reset that waits: `change` is the latest change of the person's address,
    `ask` the address that must confirm."""

    change: EmailChange
    ask: str


def email_change_hold(person: Person) -> Hold | None:
    """Whether a password reset for this person must first be confirmed, and by which address;
    None when a reset may go out.

    It must when someone else changed their address less than the hold ago. The address
    asked is the one the person had before that run of changes: a change made while an
    earlier one was still on hold does not move it, or a second change to another address
    of one's own would have the first one confirm.
    """
    hold = timedelta(hours=settings.SAMTALE_EMAIL_CHANGE_HOLD_HOURS)
    changes = list(
        EmailChange.objects.filter(person=person)
        .exclude(changed_by=person)
        .order_by("-at", "-pk")[:100]
    )
    if not changes or changes[0].confirmed_at is not None:
        return None
    if changes[0].at < email_hold_start():
        return None
    first = changes[0]
    for earlier in changes[1:]:
        if earlier.confirmed_at is not None or first.at - earlier.at > hold:
            break
        first = earlier
    return Hold(change=changes[0], ask=first.old_email)


def password_reset_request(*, email: str, ip: str | None, domain: str, https: bool) -> None:
    """Send a reset link to the active person with this address, if there is one.

    Within the hold after someone else changed their address, the link waits for the old
    address to confirm: the old address is asked, the new one is told why it waits.
    """
    email = email.strip().lower()
    ResetRequest.objects.create(email=email[:254], ip=ip or None)
    ResetRequest.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()
    ref = {"domain": domain, "https": https}
    for person in Person.objects.filter(email=email, is_active=True):
        hold = email_change_hold(person)
        if hold is None:
            email_queue(to=person, kind="password_reset", ref=ref)
            continue
        change = hold.change.pk
        audit_log(actor=None, action="password_reset.held", obj=person, change=change)
        email_queue(
            to=person, kind="password_reset_held", ref={"change": change, "asked": hold.ask}
        )
        email_queue(
            to=person,
            kind="password_reset_confirm",
            ref={**ref, "change": change},
            address=hold.ask,
        )


CONFIRM_SALT = "samtale.accounts.reset-confirm"


def reset_confirm_token(change: EmailChange) -> str:
    """The old address's one link to let a reset go to the new one."""
    return signing.dumps({"c": change.pk, "s": change.person.auth_stamp}, salt=_confirm_salt())


def _confirm_salt() -> str:
    # The tenant's own: one tenant's link is no link on another's host (tenancy).
    return f"{CONFIRM_SALT}:{tenancy.current().slug}"


def reset_confirm_change(token: str) -> EmailChange:
    """The e-mail change a confirmation link is for; DomainError if it is no longer valid."""
    try:
        data = signing.loads(token, salt=_confirm_salt(), max_age=settings.PASSWORD_RESET_TIMEOUT)
        change = EmailChange.objects.select_related("person").get(pk=data["c"])
    except (signing.BadSignature, EmailChange.DoesNotExist, KeyError, TypeError):
        raise DomainError(
            _("This link is not valid any more. Ask for a new password again.")
        ) from None
    person = change.person
    if (
        not person.is_active
        or person.auth_stamp != data.get("s")
        or person.email != change.new_email
        or change.confirmed_at is not None
    ):
        raise DomainError(_("This link is not valid any more. Ask for a new password again."))
    return change


@transaction.atomic
def password_reset_confirm_old_address(*, token: str, domain: str, https: bool) -> EmailChange:
    """The old address confirms: the reset link goes to the person's address now."""
    change = reset_confirm_change(token)
    updated = EmailChange.objects.filter(pk=change.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    if not updated:
        raise DomainError(_("This link is not valid any more. Ask for a new password again."))
    audit_log(actor=None, action="password_reset.confirmed", obj=change.person, change=change.pk)
    email_queue(to=change.person, kind="password_reset", ref={"domain": domain, "https": https})
    return change
