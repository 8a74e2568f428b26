"""The signed follow-up form on its way to the personnel file.

1. `signed_form_record` (in the signing transaction): the form's content is frozen and a
   delivery is waiting for the configured channel. Nothing here can fail the signing.
2. `signed_form_render` (the worker, after commit): the PDF/A, then the employee is told
   it is ready (a link, no content: their copy). A rendering that fails is recorded on the
   form and its deliveries, and tried again by the worker.
3. `delivery_attempt`: the drop folder gets the Noark 5 package once; the download channel
   waits for the archive staff to download it and confirm it registered
   (`delivery_confirm`); Fiks Arkiv begins its exchange with the archive (archive.fiks.channel),
   which the worker carries on as the archive answers.
"""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.archive import alerts, channels, policy
from samtale.archive import content as form_content
from samtale.archive.models import Delivery, SignedForm
from samtale.archive.pdf import render_pdf
from samtale.conversations.models import SummaryRevision
from samtale.core import handoff
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
from samtale.tenancy import tenant_settings

# The worker's task that renders a newly signed form and delivers it (archive.jobs).
RENDER = "archive.render_signed_form"
# Minutes before a failed delivery or rendering is tried again, by the attempts so far.
RETRY_MINUTES = (1, 5, 30, 120, 360)


def signed_form_record(*, revision: SummaryRevision, render: bool = True) -> SignedForm:
    """Freeze the form of a revision both have signed and queue it for the archive. Called
    inside the signing transaction; the PDF is rendered by the worker after commit (or,
    with `render=False`, by its periodic round, as for the demo's history)."""
    employee_at, leader_at = revision.employee_signed_at, revision.leader_signed_at
    if employee_at is None or leader_at is None:
        raise ValueError(f"revision {revision.pk} is not signed by both: no form to record")
    content = form_content.form_content(revision)
    form, created = SignedForm.objects.get_or_create(
        revision=revision,
        defaults={
            "conversation": revision.conversation,
            "content": content,
            "fingerprint": form_content.fingerprint(content),
            "language": content["language"],
            "signed_at": max(employee_at, leader_at),
        },
    )
    if created:
        Delivery.objects.create(form=form, channel=tenant_settings.SAMTALE_ARCHIVE_CHANNEL)
        audit_log(actor=None, action="archive.form", obj=form, revision=revision.number)
        if render:
            handoff.after_commit(RENDER, form.pk)
    return form


def signed_form_render(*, form: SignedForm) -> bool:
    """Render the form's PDF if it has none; True when it has one afterwards.

    A failure is kept on the form and on its waiting deliveries (with the reason), never
    raised: the signing stands, and the worker tries again.
    """
    if form.pdf:
        return True
    try:
        pdf = render_pdf(form.content, form.fingerprint)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
        reason = _("The PDF could not be made: %(error)s") % {"error": error}
        SignedForm.objects.filter(pk=form.pk).update(render_error=reason[:2000])
        form.deliveries.exclude(status=Delivery.Status.DELIVERED).update(
            status=Delivery.Status.FAILED, error=reason[:2000], last_attempt_at=timezone.now()
        )
        return False
    with transaction.atomic():
        updated = SignedForm.objects.filter(pk=form.pk, pdf__isnull=True).update(
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            rendered_at=timezone.now(),
            render_error="",
        )
        form.refresh_from_db()
        if updated:
            # A download failed only for want of a PDF: it waits for the archive staff again.
            # The drop folder's deliveries are tried again by the worker.
            form.deliveries.filter(
                status=Delivery.Status.FAILED, channel=Delivery.Channel.DOWNLOAD
            ).update(status=Delivery.Status.WAITING, error="")
    return True


def employee_tell(*, form: SignedForm) -> None:
    """Tell the employee their copy of the signed form is ready: once, a link, no content."""
    if not form.pdf or form.employee_told_at:
        return
    with transaction.atomic():
        if not SignedForm.objects.filter(pk=form.pk, employee_told_at__isnull=True).update(
            employee_told_at=timezone.now()
        ):
            return
        employee = Person.objects.filter(pk=form.conversation.employee_id, is_active=True).first()
        if employee is not None:
            email_queue(
                to=employee,
                kind="signed_form_ready",
                ref={"form": form.pk},
                dedupe_key=f"signed_form:{form.pk}",
            )


def _claim(delivery: Delivery) -> bool:
    """Exactly one worker attempts a delivery at a time: a conditional update counts it."""
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk,
            status=delivery.status,
            attempts=delivery.attempts,
        )
        .exclude(status=Delivery.Status.DELIVERED)
        .update(attempts=delivery.attempts + 1, last_attempt_at=timezone.now())
    )


def delivery_attempt(*, delivery: Delivery, via: Any = None) -> Delivery:
    """Try a waiting or failed delivery once. The drop folder gets the package; a download
    waits for the archive staff, so it is only checked to have a PDF to offer; Fiks Arkiv
    sends its first message (over `via`, a transport, or one of its own). One that has now
    failed SAMTALE_ARCHIVE_ALERT_AFTER times is told to the archive staff and the
    administrators (archive.alerts)."""
    delivery = _attempt(delivery, via)
    if delivery.status == Delivery.Status.FAILED:
        alerts.delivery_failing_tell(delivery=delivery)
    return delivery


def _attempt(delivery: Delivery, via: Any) -> Delivery:
    finished = (Delivery.Status.DELIVERED, Delivery.Status.REFUSED)
    if delivery.status in finished or not _claim(delivery):
        return delivery
    delivery.refresh_from_db()
    form = delivery.form
    if not signed_form_render(form=form):
        return Delivery.objects.get(pk=delivery.pk)
    return channels.of(delivery).attempt(delivery, via)


def deliveries_due(now: datetime | None = None) -> QuerySet[Delivery]:
    """Deliveries the worker should try now: waiting or failed ones whose wait is over."""
    now = now or timezone.now()
    due = Q(last_attempt_at__isnull=True)
    for attempts, minutes in enumerate(RETRY_MINUTES, start=1):
        due |= Q(attempts=attempts, last_attempt_at__lte=now - timedelta(minutes=minutes))
    due |= Q(attempts__gt=len(RETRY_MINUTES), last_attempt_at__lte=now - timedelta(hours=6))
    fiks_idle = Q(channel=Delivery.Channel.FIKS, stage=Delivery.Stage.NONE)
    return (
        Delivery.objects.exclude(status__in=[Delivery.Status.DELIVERED, Delivery.Status.REFUSED])
        .filter(Q(channel=Delivery.Channel.FOLDER) | fiks_idle | Q(form__pdf__isnull=True))
        .filter(due)
        .select_related("form")
    )


# The archive's journal number as the archive staff type it ("2026/1234-5"): free text.
JOURNAL_NUMBER_MAX_LENGTH = 100


@transaction.atomic
def delivery_confirm(*, actor: Person, delivery: Delivery, journal_number: str = "") -> Delivery:
    """The archive staff confirm a downloaded package is registered in the archive, with the
    archive's journal number of the record if they give it (kept as the delivery's target,
    as Fiks Arkiv's is). It can be undone the same day (delivery_confirm_undo)."""
    require(policy.may_work_archive(actor))
    journal_number = " ".join(journal_number.split())
    if len(journal_number) > JOURNAL_NUMBER_MAX_LENGTH:
        raise DomainError(
            _("The journal number can be at most %(max)s characters.")
            % {"max": JOURNAL_NUMBER_MAX_LENGTH},
            field="journal_number",
        )
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.channel != Delivery.Channel.DOWNLOAD:
        raise DomainError(_("Only a downloaded package is confirmed by hand."))
    if delivery.status == Delivery.Status.DELIVERED:
        return delivery
    if not delivery.form.pdf:
        raise DomainError(_("The form has no PDF yet; it cannot have been registered."))
    delivery.status = Delivery.Status.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.delivered_by = actor
    delivery.error = ""
    delivery.target = journal_number
    delivery.save(update_fields=["status", "delivered_at", "delivered_by", "error", "target"])
    audit_log(
        actor=actor,
        action="archive.delivered",
        obj=delivery.form,
        delivery=delivery.pk,
        to="download",
        **({"journalpost": journal_number} if journal_number else {}),
    )
    return delivery


@transaction.atomic
def delivery_confirm_undo(*, actor: Person, delivery: Delivery) -> Delivery:
    """Undo a registration confirmed by hand, the day it was made (Europe/Oslo): by any of
    the archive staff, who found it was the wrong form or not registered after all. The
    delivery waits again, without its time, who confirmed it or its journal number."""
    require(policy.may_work_archive(actor))
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if not policy.confirm_undoable(delivery):
        raise DomainError(
            _(
                "Only a registration confirmed by hand today can be undone. Ask the operator "
                "of Samtale if one from an earlier day was wrong."
            )
        )
    journal_number = delivery.target
    delivery.status = Delivery.Status.WAITING
    delivery.delivered_at = None
    delivery.delivered_by = None
    delivery.target = ""
    delivery.save(update_fields=["status", "delivered_at", "delivered_by", "target"])
    audit_log(
        actor=actor,
        action="archive.confirm_undone",
        obj=delivery.form,
        delivery=delivery.pk,
        **({"journalpost": journal_number} if journal_number else {}),
    )
    return delivery


def delivery_retry(*, actor: Person, delivery: Delivery) -> Delivery:
    """The archive staff ask for a failed (or refused) delivery to be tried at once."""
    require(policy.may_work_archive(actor))
    if delivery.status not in (Delivery.Status.FAILED, Delivery.Status.REFUSED):
        raise DomainError(_("Only a failed delivery is tried again."))
    if delivery.status == Delivery.Status.REFUSED:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
        delivery.refresh_from_db()
    audit_log(actor=actor, action="archive.retry", obj=delivery.form, delivery=delivery.pk)
    return delivery_attempt(delivery=delivery)
