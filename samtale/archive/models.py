from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.archive import causes
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.core.spreadsheet import file_name


class SignedForm(models.Model):
    """The follow-up form (oppfølgingsskjema) of one signed revision, as it goes to the
    personnel file: what it says, frozen when both signed, and its PDF/A once rendered.

    `content` holds the names, roles, dates, conclusion, goals and actions as they were at
    signing (a later rename or move does not change a signed document); `fingerprint` is the
    SHA-256 of its canonical form, printed in the PDF. The PDF is rendered from `content` by
    the worker; a rendering that fails fails the delivery, never the signing.
    """

    revision = models.OneToOneField(
        SummaryRevision, on_delete=models.CASCADE, related_name="signed_form"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="signed_forms"
    )
    content = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    language = models.CharField(max_length=5)
    # When the second of the two signed: the form's date.
    signed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    # Why the last rendering failed; empty once it succeeds.
    render_error = models.TextField(blank=True)
    # When the employee was told the form is ready (the copy to the employee).
    employee_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"form {self.conversation_id} rev {self.content.get('revision')}"

    @property
    def number(self) -> int:
        return self.content["revision"]

    @property
    def held_at(self):
        value = self.content.get("held_at")
        return datetime.fromisoformat(value) if value else None

    @property
    def filename(self) -> str:
        return f"oppfolgingsskjema-{self.conversation_id}-{self.number}.pdf"

    def download_name(self, kind: str = "samtale", ext: str = "pdf") -> str:
        """The name it is downloaded by, as it reads in a folder of downloads: whose
        conversation and the day it was held, as signed (samtale-kari-nilsen-2026-12-14.pdf;
        a correction "-versjon-2"). The archive staff and the two see the name anyway; what
        the form says is never in it."""
        held = self.held_at or self.signed_at
        version = f"versjon-{self.number}" if self.number > 1 else None
        name = self.content["employee"]["name"]
        return file_name(kind, name, version, day=timezone.localdate(held), ext=ext)


class Delivery(models.Model):
    """One signed form on its way to the personnel file by one channel.

    A form goes once per channel (unique together): delivering again after a success does
    nothing, so the same revision never lands twice. A failure keeps the reason and is
    tried again by the worker.
    """

    class Channel(models.TextChoices):
        DOWNLOAD = "download", _("Download by the archive staff")
        FOLDER = "folder", _("Drop folder")
        FIKS = "fiks", _("Fiks Arkiv")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        # The archive refused the message as invalid: not sent again as it is.
        REFUSED = "refused", _("Refused by the archive")

    class Stage(models.TextChoices):
        """Where a Fiks Arkiv delivery is in its exchange with the archive."""

        NONE = "", _("Not sent")
        SEARCHING = "searching", _("Looking up the personnel file")
        FILING = "filing", _("Filing")
        RECEIVED = "received", _("Received by the archive")

    form = models.ForeignKey(SignedForm, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Who confirmed a downloaded package as registered in the archive.
    delivered_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where it landed: the file name in the drop folder, or (Fiks Arkiv) the archive's
    # journal number of the record.
    target = models.CharField(max_length=500, blank=True)
    # Fiks Arkiv: the exchange under way (the message in flight, when it was sent) and the
    # archive's own ids from its receipt. The message in flight is known by two ids: the one
    # it travels under, which the archive's answer names in svar-til (Fiks IO gives it when
    # it takes the message), and Samtale's own, given before it is sent, which the archive
    # echoes (klientKorrelasjonsId): a message whose sending timed out is still answered.
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True, default="")
    message_id = models.CharField(max_length=36, blank=True, db_index=True)
    correlation_id = models.CharField(max_length=36, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    archive_file_id = models.CharField(max_length=64, blank=True)
    archive_record_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "channel"], name="delivery_once_per_channel")
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.form} → {self.channel} ({self.status})"

    @property
    def error_text(self) -> str:
        """Why it failed, in the active language where the cause was recorded as a code."""
        return causes.error_text(self.error)
