"""Legal holds, retention runs and copies of a person's data. Each service checks the actor
through the access policy, runs in one transaction and leaves an audit entry."""

from collections import Counter
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core import access
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person
from samtale.privacy import export, retention
from samtale.privacy.models import AccessCopy, LegalHold, RetentionRun

MAX_REASON = 2000


def _reason(text: str, *, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Say why."), field=field)
    if len(text) > MAX_REASON:
        raise DomainError(_("Keep it under %(n)d characters.") % {"n": MAX_REASON}, field=field)
    return text


def _not_yourself(actor: Person, person: Person) -> None:
    if actor.pk == person.pk:
        raise DomainError(_("Another HR adviser sets or releases a legal hold on you."))


@transaction.atomic
def legal_hold_set(*, actor: Person, person: Person, reason: str) -> LegalHold:
    """Keep a person's conversations from deletion until the hold is released, with why. The
    person reads the reason in their own copy of their data."""
    require(access.may_set_legal_hold(actor))
    _not_yourself(actor, person)
    reason = _reason(reason)
    # The person's row, locked: two holds set at once wait for each other (PostgreSQL; the
    # unique constraint refuses a second active hold on any database).
    Person.objects.select_for_update().filter(pk=person.pk).first()
    if LegalHold.objects.filter(person=person, released_at__isnull=True).exists():
        raise DomainError(_("%(name)s is already on legal hold.") % {"name": person.full_name})
    hold = LegalHold.objects.create(person=person, reason=reason, set_by=actor)
    audit_log(actor=actor, action="privacy.hold_set", obj=person, hold=hold.pk)
    return hold


@transaction.atomic
def legal_hold_release(*, actor: Person, person: Person) -> LegalHold:
    """End the hold in force: the policy applies to the person's conversations again (the
    next daily run deletes what is due). The hold is kept as history."""
    require(access.may_set_legal_hold(actor))
    _not_yourself(actor, person)
    hold = LegalHold.objects.filter(person=person, released_at__isnull=True).first()
    released = hold is not None and LegalHold.objects.filter(
        pk=hold.pk, released_at__isnull=True
    ).update(released_at=timezone.now(), released_by=actor)
    if not released:
        raise DomainError(_("%(name)s is not on legal hold.") % {"name": person.full_name})
    audit_log(actor=actor, action="privacy.hold_release", obj=person, hold=hold.pk)
    hold.refresh_from_db()
    return hold


def retention_run(
    *, actor: Person | None = None, dry_run: bool = False, now: datetime | None = None
) -> tuple[RetentionRun, retention.Plan]:
    """Run the retention policy (privacy.retention): delete what is due, or with `dry_run`
    only count it. Either way the run is recorded (RetentionRun, for HR) with one audit entry,
    counts only. The deleting is done in many small transactions, so a run stopped halfway
    has deleted whole parts and leaves its record unfinished."""
    run = RetentionRun.objects.create(
        dry_run=dry_run,
        notes_months=settings.SAMTALE_RETAIN_NOTES_MONTHS,
        leavers_years=settings.SAMTALE_RETAIN_LEAVERS_YEARS,
    )
    plan = retention.due(now)
    counts = retention.preview(plan) if dry_run else retention.apply(plan)
    late = Counter(
        hold=counts.pop("skipped_hold", 0), unarchived=counts.pop("skipped_unarchived", 0)
    )
    with transaction.atomic():
        run.counts = {kind: counts.get(kind, 0) for kind in retention.COUNTED}
        run.skipped_hold = len(plan.held) + late["hold"]
        run.skipped_unarchived = len(plan.unarchived) + late["unarchived"]
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "skipped_hold", "skipped_unarchived", "finished_at"])
        audit_log(
            actor=actor,
            action="retention.run",
            obj=run,
            dry_run=dry_run,
            skipped_hold=run.skipped_hold,
            skipped_unarchived=run.skipped_unarchived,
            **run.counts,
        )
    return run, plan


def own_copy_make(*, actor: Person) -> bytes:
    """The signed-in person's copy of everything Samtale holds about them (a ZIP)."""
    data = export.person_export(actor)
    audit_log(actor=actor, action="privacy.export", obj=actor, person=actor.pk, by="self")
    return data


def access_copy_make(*, actor: Person, person: Person, reason: str) -> bytes:
    """HR makes a person's copy on their request (one who has left cannot sign in): the same
    ZIP as the person's own, the reason kept (AccessCopy), the making audited. Built before
    the record is written, so that no write lock is held while it is built."""
    require(access.may_export_for(actor, person))
    reason = _reason(reason)
    data = export.person_export(person)
    with transaction.atomic():
        copy = AccessCopy.objects.create(person=person, made_by=actor, reason=reason)
        audit_log(
            actor=actor,
            action="privacy.export",
            obj=person,
            person=person.pk,
            by="hr",
            copy=copy.pk,
        )
    return data
