"""The records' retention: what names a person outside any conversation, and goes a fixed
time after its own event, whoever it was about (privacy.register's rules for them). Run by
the daily retention job beside the conversations' rules (privacy.retention), counted the
same way; a dry run counts only.

- the e-mail Samtale sent (to whom, the address, the subject), and a person's earlier e-mail
  addresses: SAMTALE_RETAIN_RECORDS_DAYS after they were made (a message still to be sent
  stays);
- an import's values before and after (national identity numbers among them): when it can
  no longer be undone, UNDO_DAYS after it was applied;
- the reason for a legal hold: SAMTALE_RETAIN_LEAVERS_YEARS after the hold was released;
- a session: when it has expired.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet

from samtale.core import tenancy
from samtale.notifications.models import OutboundEmail
from samtale.org.imports.undo import UNDO_DAYS
from samtale.org.models import EmailChange, ImportBatch
from samtale.privacy import retention
from samtale.privacy.models import LegalHold

COUNTED = ("emails", "email_changes", "import_undo", "hold_reasons", "sessions")


def _records_days() -> timedelta:
    return timedelta(days=tenancy.setting("SAMTALE_RETAIN_RECORDS_DAYS"))


def _emails(now: datetime) -> QuerySet:
    return OutboundEmail.objects.exclude(status=OutboundEmail.Status.QUEUED).filter(
        created_at__lt=now - _records_days()
    )


def _email_changes(now: datetime) -> QuerySet:
    return EmailChange.objects.filter(at__lt=now - _records_days())


def _import_undo(now: datetime) -> QuerySet:
    return ImportBatch.objects.filter(applied_at__lt=now - timedelta(days=UNDO_DAYS)).exclude(
        undo={}
    )


def _hold_reasons(now: datetime) -> QuerySet:
    """Released before the leavers' cut-off day: as long ago as a leaver's content is kept."""
    return LegalHold.objects.filter(released_at__date__lt=retention.left_before(now)).exclude(
        reason=""
    )


def _sessions(now: datetime) -> QuerySet:
    return Session.objects.filter(expire_date__lt=now)


@dataclass(frozen=True)
class Record:
    kind: str
    due: Callable[[datetime], QuerySet]
    blank: dict[str, Any] | None = None  # None: the rows are deleted


RECORDS = (
    Record("emails", _emails),
    Record("email_changes", _email_changes),
    Record("import_undo", _import_undo, {"undo": {}}),
    Record("hold_reasons", _hold_reasons, {"reason": ""}),
    Record("sessions", _sessions),
)


def sweep(now: datetime, *, dry_run: bool) -> Counter:
    """Delete (or blank) each kind of record that is due at `now`, each in its own
    transaction; with `dry_run`, count them only."""
    counts: Counter[str] = Counter()
    for record in RECORDS:
        rows = record.due(now)
        if dry_run:
            counts[record.kind] = rows.count()
            continue
        with transaction.atomic():
            if record.blank is None:
                counts[record.kind] = rows.delete()[1].get(rows.model._meta.label, 0)
            else:
                counts[record.kind] = rows.update(**record.blank)
    return counts
