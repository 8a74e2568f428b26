"""Every e-mail the app sends, recorded with its status.

A message is claimed by inserting its row: a `dedupe_key` (e.g. the day's digest
for one person) is unique, so two workers or two scheduler runs never send the
same reminder twice. The body is not stored: it is rendered when sent, from the
references in `ref`, so one-time links and any text stay out of the database.
A worker sending it holds a lease (`lease_until`); see notifications.outbox.
"""

from django.conf import settings
from django.db import models


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        SKIPPED = "skipped", "skipped"

    kind = models.CharField(max_length=40)
    to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField(max_length=254)
    # What the builder needs to render the message: ids, never content.
    ref = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # The same on every attempt, so a copy sent twice (see outbox) is known as one message.
    message_id = models.CharField(max_length=200, blank=True)
    # Claims by a worker, and of them those the SMTP server refused.
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    # Not before: when queued, or the next try after a refusal.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Until when the worker that claimed it may send it; past it, the worker died.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the SMTP server accepted it.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            # The last days' messages of one kind, without the others of those days: the
            # conversations' step reminders (conversations.notices.step_reminders_due).
            models.Index(fields=["kind", "created_at"], name="outbox_kind_created"),
            # The sweep's question: which queued messages are due (outbox.stranded).
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outbox_queued_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class MailboxMark(models.Model):
    """How far an IMAP mailbox has been read (notifications.inbox): the mailbox is never
    changed, so what has been read is kept here. IMAP numbers new messages above every UID
    before them, so the highest UID read is enough; a new UIDVALIDITY (the mailbox was made
    anew) starts from the beginning.

    A message whose handling fails on the database stops the run there, to be read again by
    the next; `failures` counts the runs in a row that message `failed_uid` failed in, so
    that one that always fails is set aside after SAMTALE_CALENDAR_MAX_ATTEMPTS."""

    # The mailbox's URL without its password: imaps://user@host:993/INBOX.
    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_uid = models.BigIntegerField(default=0)
    failures = models.PositiveSmallIntegerField(default=0)
    # Since when the mailbox cannot be read (unreachable, or the login refused): the tenant's
    # health says so after a while (notifications.health). Empty once a read succeeds.
    unreadable_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} ({self.uidvalidity}:{self.last_uid})"
