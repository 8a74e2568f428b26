"""Messages from outside that are set aside: taken off their queue or passed by in their
mailbox, recorded once, and never read again (core.models.SetAsideMessage).

Whatever comes from outside (the archive's Fiks answers, the mail to the calendar address)
can be wrong on purpose or by accident: too large, unreadable, forged, or one that makes
its handler fail. Left where it is, such a message is read again and again, and one at the
head of a queue blocks every good one behind it. So a reader that cannot take a message
calls `set_aside` and acknowledges it: one row per message (by its source and its own id),
one log line saying which limit or check, and the count in /metrics
(`samtale_set_aside_messages`). Nothing of what the message said is applied, or kept.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.core.models import SetAsideMessage

logger = logging.getLogger(__name__)

# Why a message was set aside: the code kept, and what the pages say.
UNREADABLE = "unreadable"
UNDECRYPTABLE = "undecryptable"
UNSIGNED = "unsigned"
WRONG_SENDER = "wrong_sender"
NOT_WAITING = "not_waiting"
INVALID = "invalid"
TOO_LARGE = "too_large"
TOO_MANY = "too_many"
FAILED = "failed"

REASONS = {
    UNREADABLE: _("It could not be read"),
    UNDECRYPTABLE: _("It could not be decrypted with Samtale's key"),
    UNSIGNED: _("It is not signed with the archive's certificate"),
    WRONG_SENDER: _("It came from another account than the archive's"),
    NOT_WAITING: _("It answers no message that waits for an answer"),
    INVALID: _("It is not what its message type allows"),
    TOO_LARGE: _("It is larger than Samtale takes"),
    TOO_MANY: _("It holds more parts or answers than Samtale takes"),
    FAILED: _("Handling it failed"),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def set_aside(
    *, source: str, key: str, reason: str, detail: str = "", size: int = 0, **ref: Any
) -> bool:
    """Record that a message of `source` (its own id `key`) was not taken, and why; True the
    first time, False when it was set aside before (then counted again). Logs one line, with
    `detail` saying which limit or check; `ref` names what it concerned, by id. The row is
    written in the caller's transaction (a savepoint of its own, so that the duplicate's
    IntegrityError does not spoil it): a caller sets aside where nothing rolls back after."""
    key = (key or "-")[:200]
    detail = detail[:500]
    logger.warning("%s: a message set aside (%s): %s [%s]", source, reason, detail, key)
    now = timezone.now()
    try:
        with transaction.atomic():
            SetAsideMessage.objects.create(
                source=source,
                key=key,
                reason=reason,
                detail=detail,
                size=size,
                ref=ref,
                at=now,
            )
        return True
    except IntegrityError:
        SetAsideMessage.objects.filter(source=source, key=key).update(times=F("times") + 1)
        return False


def set_aside_prune(now: Any = None) -> int:
    """Forget what was set aside more than SAMTALE_SET_ASIDE_KEEP_DAYS ago (the scheduler,
    daily): a sender that keeps trying is a row per message. Returns how many."""
    now = now or timezone.now()
    keep = timedelta(days=settings.SAMTALE_SET_ASIDE_KEEP_DAYS)
    deleted, _ = SetAsideMessage.objects.filter(at__lt=now - keep).delete()
    return deleted
