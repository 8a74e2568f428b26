from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import may_manage_org, require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org import services as org_services
from samtale.org.imports import people, units
from samtale.org.imports.reader import read_table
from samtale.org.models import ImportBatch, Person

PLANNERS = {ImportBatch.Kind.UNITS: units, ImportBatch.Kind.PEOPLE: people}

# The preview names at most this many of the people or units to deactivate.
NAMES_SHOWN = 200
# An uploaded file is kept until it is imported, or this long when it is not: it holds
# personal data (and national identity numbers where the archive is keyed by them).
FILE_KEPT = timedelta(hours=24)


def _plan(batch_kind: str, filename: str, content: bytes, *, actor: Person):
    table = read_table(filename=filename, content=content)
    if batch_kind == ImportBatch.Kind.PEOPLE:
        result = people.plan(table, importer=actor.employee_number)
    else:
        result = units.plan(table)
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


def _report(result) -> dict:
    return {
        "counts": result.counts(),
        "problems": result.problems.by_row(),
        "ignored_columns": result.ignored_columns,
        "deactivate_names": result.deactivate_names[:NAMES_SHOWN],
    }


def import_preview(*, actor: Person, kind: str, filename: str, content: bytes) -> ImportBatch:
    """Read the file and check every row without changing anything; keep the file for apply."""
    require(may_manage_org(actor))
    if kind not in PLANNERS:
        raise DomainError(_("Choose what the file contains."), field="kind")
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20},
            field="file",
        )
    try:
        result = _plan(kind, filename, content, actor=actor)
    except DomainError as e:
        raise DomainError(e.message, field="file") from None
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=filename[:255],
        content=content,
        uploaded_by=actor,
        report=_report(result),
    )
    audit_log(actor=actor, action="import.preview", obj=batch, **result.counts())
    return batch


def import_apply(*, actor: Person, batch: ImportBatch) -> ImportBatch:
    """Apply a previewed file in one transaction, checked again against today's data.

    Raises DomainError, changing nothing, when the file now has problems or was applied before.
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
        result = _plan(batch.kind, batch.filename, bytes(batch.content), actor=actor)
        if not result.problems:
            PLANNERS[batch.kind].apply(result)
            if batch.kind == ImportBatch.Kind.PEOPLE:
                org_services.email_changes_record(actor=actor, changes=result.email_changes)
                org_services.role_holders_activity_record(
                    actor=actor,
                    person_ids=[
                        change["pk"] for change in result.update.values() if "is_active" in change
                    ]
                    + result.deactivate,
                )
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.content = b""  # what it changed is in the data and the report now
            audit_log(actor=actor, action="import.apply", obj=batch, **result.counts())
        batch.report = _report(result)
        batch.save()
    if result.problems:
        raise DomainError(
            _("The file has problems with today's data. Nothing was changed; see the list below.")
        )
    return batch


def import_files_forget(*, now=None) -> int:
    """Drop the files checked but not imported within FILE_KEPT (the reports stay);
    returns how many."""
    now = now or timezone.now()
    return (
        ImportBatch.objects.filter(created_at__lt=now - FILE_KEPT)
        .exclude(content=b"")
        .update(content=b"")
    )
