"""Legal holds, the record of each retention run, the anonymous answer counts retention
keeps, and the copies HR made of a person's data on their request."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
    # the personnel file (or a conversation of the same leaver waiting for one).
    skipped_hold = models.PositiveIntegerField(default=0)
    skipped_unarchived = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"retention {self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"


class RetainedLikert(models.Model):
    """The answers to the statements of conversations whose content retention removed, kept
    as counts only: per year, unit, profession group and statement, how many people answered
    and how many gave each value. Added to the live answers when the worker counts the
    organization's figures (insight.tallies.count_likert), so a figure is the same after
    retention as before it. No person, conversation or time is kept: each leader's answers
    are added into the cell they fall in, and nothing tells whose they were."""

    year = models.PositiveSmallIntegerField()
    # The unit the person was in when their content went (the figures count people by the
    # unit they are in now); 0: none. A plain number, not a key, like RoundCount's.
    unit_id = models.BigIntegerField()
    profession_group = models.CharField(max_length=100, blank=True)
    statement_key = models.CharField(max_length=80)
    people = models.PositiveIntegerField(default=0)
    n1 = models.PositiveIntegerField(default=0)
    n2 = models.PositiveIntegerField(default=0)
    n3 = models.PositiveIntegerField(default=0)
    n4 = models.PositiveIntegerField(default=0)
    n5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit_id", "profession_group", "statement_key"],
                name="retained_likert_one_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.statement_key}: {self.people}"


class AccessCopy(models.Model):
    """A copy of everything Samtale holds about a person that HR made for them on request
    (their own download from the profile is in the audit log only). The reason is kept here,
    not in the audit log, which can never be deleted."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_copies"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"copy of {self.person_id} by {self.made_by_id}"
