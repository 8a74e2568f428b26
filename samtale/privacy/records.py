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
- a session: when it has expired;
- the comments on a unit's competence plan, and HR's comments on the needs: deleted (blanked)
  SAMTALE_RETAIN_PLAN_YEARS after the end of the plan's (the need's) year;
- a leaver's national identity number: with the rest of what they wrote,
  SAMTALE_RETAIN_LEAVERS_YEARS after they left, once no signed form of theirs waits for the
  personnel file (the archive classifies by it) and they are not on legal hold;
- the link to a person's account at the identity provider, with the claims it last gave: the
  day after they are no longer active (should they come back, the first sign-in links again).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from samtale.archive.models import SignedForm
from samtale.competence.models import PlanComment
from samtale.needs.models import NeedChange
from samtale.notifications.models import OutboundEmail
from samtale.org.imports.undo import UNDO_DAYS
from samtale.org.models import EmailChange, ImportBatch
from samtale.privacy import retention
from samtale.privacy.models import LegalHold
from samtale.tenancy import tenant_settings

COUNTED = (
    "emails",
    "email_changes",
    "import_undo",
    "hold_reasons",
    "sessions",
    "plan_comments",
    "need_comments",
    "national_ids",
    "provider_links",
)


def _records_days() -> timedelta:
    return timedelta(days=tenant_settings.SAMTALE_RETAIN_RECORDS_DAYS)


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


def _plans_before(now: datetime) -> int:
    """Plans of a year before this one have had their SAMTALE_RETAIN_PLAN_YEARS."""
    return timezone.localdate(now).year - tenant_settings.SAMTALE_RETAIN_PLAN_YEARS


def _plan_comments(now: datetime) -> QuerySet:
    return PlanComment.objects.filter(year__lt=_plans_before(now))


def _need_comments(now: datetime) -> QuerySet:
    return NeedChange.objects.filter(need__year__lt=_plans_before(now)).exclude(comment="")


def _national_ids(now: datetime) -> QuerySet:
    """Of leavers past their time, not on hold, with no signed form left (one is deleted
    once it has reached the personnel file)."""
    held = LegalHold.objects.filter(released_at__isnull=True).values("person_id")
    forms = SignedForm.objects.values("conversation__employee_id")
    return (
        retention.leavers(now)
        .filter(national_id__isnull=False)
        .exclude(pk__in=held)
        .exclude(pk__in=forms)
    )


def _provider_links(now: datetime) -> QuerySet:
    return SocialAccount.objects.filter(user__is_active=False)


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
    Record("plan_comments", _plan_comments),
    Record("need_comments", _need_comments, {"comment": ""}),
    Record("national_ids", _national_ids, {"national_id": None}),
    Record("provider_links", _provider_links),
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
