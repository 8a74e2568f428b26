"""Legal holds, the record of each retention run, the anonymous answer counts retention
keeps, and HR's requests for a copy of a person's data, which reaches the person only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """HR keeps a person's conversations from deletion (a dispute, a case under way), with
    why. Released, it stays as history: a hold is never deleted."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(released_at__isnull=True),
                name="legal_hold_one_active_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {'released' if self.released_at else 'held'}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class RetentionRun(models.Model):
    """One run of the retention policy (the daily job or `manage.py retention`): when, whether
    it only listed what would go, and how much went, per kind. Counts only, never content."""

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    # The policy it ran under (settings.SAMTALE_RETAIN_*), as it was then.
    notes_months = models.PositiveIntegerField()
    leavers_years = models.PositiveIntegerField()
    # {kind: rows}: see privacy.retention.COUNTED for the kinds.
    counts = models.JSONField(default=dict)
    # Conversations left alone: a legal hold on a party; a signed form not yet delivered to
    # the personnel file; answers that a period not yet published will count (or a
    # conversation of the same leaver held back for one of these).
    skipped_hold = models.PositiveIntegerField(default=0)
    skipped_unarchived = models.PositiveIntegerField(default=0)
    skipped_unpublished = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"retention {self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"


class AccessCopy(models.Model):
    """HR's request, on a person's request, for a copy of everything Samtale holds about them
    (GDPR art. 15), and how it reached them. The copy goes to the person only, never to HR:
    it waits in their own account (ACCOUNT), or, for one who has left and cannot sign in,
    it goes by a one-time link and, in a second e-mail, the code that opens it, to the
    address they gave (LINK). The ZIP is built when the person downloads it; nothing of it
    is kept here. HR sees the request and whether and when it was downloaded.

    Neither the link nor the code is stored: they are made from the row by a keyed hash
    (privacy.links, as Django's password reset links are), so that the outbox can write
    the same ones into the e-mails however often it tries; only their digests are kept, to
    know them again. The reason and note are kept here, not in the audit log, which can
    never be deleted. (Before copies went to the person only, HR downloaded them: HR.)"""

    class Reason(models.TextChoices):
        WRITTEN = "written", _("The person asked in writing")
        ORAL = "oral", _("The person asked orally")
        LEAVER = "leaver", _("A person who has left asked by letter or e-mail")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        ACCOUNT = "account", _("In their account")
        LINK = "link", _("By a one-time link and a code by e-mail")
        HR = "hr", _("Downloaded by HR")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be downloaded")
        DELIVERED = "delivered", _("Downloaded")
        LOCKED = "locked", _("Locked after wrong codes")

    # What `state` adds to the statuses: a link not used in time.
    EXPIRED = "expired"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_copies"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # How and when the person asked, in HR's words ("asked by e-mail on 3 March").
    note = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # When the person downloaded it (in their account: the first time).
    delivered_at = models.DateTimeField(null=True, blank=True)
    # LINK only: the address the person gave, until when the link works, the digests of the
    # link's token and of the code, and the wrong codes given.
    address = models.EmailField(max_length=254, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="access_copy_one_token",
            )
        ]

    def __str__(self) -> str:
        return f"copy of {self.person_id} asked by {self.made_by_id} ({self.channel})"

    @property
    def state(self) -> str:
        """The status, or EXPIRED for a link still waiting after its time."""
        if (
            self.status == self.Status.WAITING
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        ):
            return self.EXPIRED
        return self.status

    def get_state_display(self) -> str:
        if self.state == self.EXPIRED:
            return str(_("The link expired unused"))
        return self.get_status_display()
