from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import may_manage_org, require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org import services as org_services
from samtale.org.imports import people, undo, units
from samtale.org.imports.reader import read_table
from samtale.org.models import ImportBatch, LeaderChange, Person, Unit

PLANNERS = {ImportBatch.Kind.UNITS: units, ImportBatch.Kind.PEOPLE: people}

# The preview names at most this many of the people or units to deactivate.
NAMES_SHOWN = 200
# An uploaded file is kept until it is imported, or this long when it is not: it holds
# personal data (and national identity numbers where the archive is keyed by them).
FILE_KEPT = timedelta(hours=24)


def _plan(batch_kind: str, filename: str, content: bytes, *, actor: Person, mode: str) -> Any:
    table = read_table(filename=filename, content=content)
    full = mode == ImportBatch.Mode.FULL
    result: Any  # people's plan, or units'
    if batch_kind == ImportBatch.Kind.PEOPLE:
        result = people.plan(table, importer=actor.employee_number, full=full)
    else:
        result = units.plan(table, full=full)
    if batch_kind == ImportBatch.Kind.PEOPLE and actor.pk in result.deactivate:
        # The file is the whole roster; an administrator missing from it would lock themselves out.
        result.problems.add(
            1,
            "",
            _(
                "You are not in the file, so the import would deactivate you. Add yourself to "
                "the file, or let another administrator import it."
            ),
        )
    return result


def _deactivations(result: Any) -> int:
    """Everyone (every unit) the import would deactivate: missing from a full list, or with
    an end date passed."""
    ended = sum(1 for change in result.update.values() if change.get("is_active") is False)
    return len(result.deactivate) + ended


def _report(kind: str, result: Any) -> dict[str, Any]:
    model = Person if kind == ImportBatch.Kind.PEOPLE else Unit
    deactivations = _deactivations(result)
    limit = org_services.deactivation_limit(model.objects.filter(is_active=True).count())
    return {
        "counts": result.counts(),
        "problems": result.problems.by_row(),
        "ignored_columns": result.ignored_columns,
        "deactivate_names": result.deactivate_names[:NAMES_SHOWN],
        # More than the limit stops for the administrator to type the number.
        "deactivations": deactivations,
        "limit": limit,
        "confirm": deactivations > limit,
    }


def import_preview(
    *,
    actor: Person,
    kind: str,
    filename: str,
    content: bytes,
    mode: str = ImportBatch.Mode.UPDATE,
) -> ImportBatch:
    """Read the file and check every row without changing anything; keep the file for apply.
    `mode`: add and update only (the default), or a full list that deactivates the missing."""
    require(may_manage_org(actor))
    if kind not in PLANNERS:
        raise DomainError(_("Choose what the file contains."), field="kind")
    if mode not in ImportBatch.Mode.values:
        raise DomainError(_("Choose whether the file is the full list."), field="mode")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20},
            field="file",
        )
    try:
        result = _plan(kind, filename, content, actor=actor, mode=mode)
    except DomainError as e:
        raise DomainError(e.message, field="file") from None
    batch = ImportBatch.objects.create(
        kind=kind,
        mode=mode,
        filename=filename[:255],
        content=content,
        uploaded_by=actor,
        report=_report(kind, result),
    )
    audit_log(actor=actor, action="import.preview", obj=batch, **result.counts())
    return batch


def import_apply(*, actor: Person, batch: ImportBatch, confirm: str = "") -> ImportBatch:
    """Apply a previewed file in one transaction, checked again against today's data.

    An import that deactivates more than the limit goes only when `confirm` is that number,
    typed by the administrator. Raises DomainError, changing nothing, when the file now has
    problems, the number is not confirmed, or it was applied before.
    """
    require(may_manage_org(actor))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.APPLIED:
            raise DomainError(_("This file has already been imported."))
        if not batch.content:
            raise DomainError(
                _(
                    "Samtale no longer keeps this file (a day after it was checked). Upload it again."
                )
            )
        result = _plan(
            batch.kind, batch.filename, bytes(batch.content), actor=actor, mode=batch.mode
        )
        report = _report(batch.kind, result)
        if (
            not result.problems
            and report["confirm"]
            and confirm.strip() != str(report["deactivations"])
        ):
            batch.report = report
            batch.save(update_fields=["report"])
            raise DomainError(
                _(
                    "The import would deactivate %(count)d, more than %(limit)d at once. Check "
                    "the names, and type the number %(count)d to go on."
                )
                % {"count": report["deactivations"], "limit": report["limit"]},
                field="confirm",
            )
        if not result.problems:
            _apply(batch, result, actor=actor)
        batch.report = report
        batch.save()
    if result.problems:
        raise DomainError(
            _("The file has problems with today's data. Nothing was changed; see the list below.")
        )
    return batch


def _apply(batch: ImportBatch, result: Any, *, actor: Person) -> None:
    """Write a plan without problems, keep what undoes it, and tell what it changed: the
    changed addresses, the line managers, the role holders who come or go."""
    before = undo.snapshot(
        batch.kind, [change["pk"] for change in result.update.values()] + result.deactivate
    )
    PLANNERS[ImportBatch.Kind(batch.kind)].apply(result)
    batch.undo = undo.record(batch.kind, before, result.create)
    if batch.kind == ImportBatch.Kind.PEOPLE:
        org_services.email_changes_record(actor=actor, changes=result.email_changes)
        org_services.leader_changes_record(
            actor=actor,
            changes=undo.manager_changes(batch.undo),
            via=LeaderChange.Via.IMPORT,
        )
        org_services.role_holders_activity_record(
            actor=actor,
            person_ids=[change["pk"] for change in result.update.values() if "is_active" in change]
            + result.deactivate,
        )
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.content = b""  # what it changed is in the data and the report now
    audit_log(actor=actor, action="import.apply", obj=batch, **result.counts())


def may_undo(batch: ImportBatch, *, now: Any = None) -> bool:
    return (
        batch.status == ImportBatch.Status.APPLIED
        and batch.undone_at is None
        and bool(batch.undo)
        and batch.applied_at is not None
        and (now or timezone.now()) < undo.undo_until(batch.applied_at)
    )


def import_undo(*, actor: Person, batch: ImportBatch) -> ImportBatch:
    """Put back what an applied import changed, within UNDO_DAYS (org.imports.undo): the
    people it deactivated active again, the fields it changed back, what it created
    deactivated. Told as the import was: changed addresses to both addresses, roles given or
    taken to the role holders, HR and the administrators."""
    require(may_manage_org(actor))
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at is not None:
            raise DomainError(_("This import has already been undone."))
        if not may_undo(batch):
            raise DomainError(
                _("An import can be undone for %(days)d days after it was applied.")
                % {"days": undo.UNDO_DAYS}
            )
        restored = undo.restore(batch.kind, batch.undo)
        if batch.kind == ImportBatch.Kind.PEOPLE:
            org_services.email_changes_record(actor=actor, changes=restored.emails)
            org_services.role_holders_activity_record(actor=actor, person_ids=restored.activity)
            org_services.leader_changes_record(
                actor=actor, changes=restored.managers, via=LeaderChange.Via.UNDO
            )
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.report = batch.report | {"undo": restored.counts()}
        batch.save(update_fields=["undone_at", "undone_by", "report"])
        audit_log(actor=actor, action="import.undo", obj=batch, **restored.counts())
    return batch


def import_files_forget(*, now: Any = None) -> int:
    """Drop the files checked but not imported within FILE_KEPT (the reports stay);
    returns how many."""
    now = now or timezone.now()
    return (
        ImportBatch.objects.filter(created_at__lt=now - FILE_KEPT)
        .exclude(content=b"")
        .update(content=b"")
    )
