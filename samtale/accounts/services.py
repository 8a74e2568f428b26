"""Sign-in rules: lockout after repeated failures."""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from samtale.accounts.models import FailedLogin


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def login_lockout_minutes(*, email: str, ip: str | None) -> int:
    """Minutes left of a lockout for this e-mail (or this address), 0 when not locked.

    The lock lasts until the oldest failure of the window falls out of it.
    """
    since = _window_start()
    recent = FailedLogin.objects.filter(at__gte=since)
    for qs, limit in (
        (recent.filter(email=email.lower()), settings.LOGIN_MAX_FAILURES),
        (recent.filter(ip=ip) if ip else recent.none(), settings.LOGIN_MAX_FAILURES_PER_IP),
    ):
        stats = qs.aggregate(first=Min("at"))
        if stats["first"] is not None and qs.count() >= limit:
            ends = stats["first"] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            return max(1, math.ceil((ends - timezone.now()).total_seconds() / 60))
    return 0


def login_failure_record(*, email: str, ip: str | None) -> None:
    FailedLogin.objects.create(email=email.lower()[:254], ip=ip or None)
    # Keep the table small: anything older than a day has no more effect.
    FailedLogin.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()


def login_failures_clear(*, email: str) -> None:
    FailedLogin.objects.filter(email=email.lower()).delete()
