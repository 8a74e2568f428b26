"""What happened, by whom: the audit trail every service writes to; when each long-running
process last said it was alive; each tenant's health as last checked; the messages from
outside set aside."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One entry of the audit log: append-only and chained (samtale.core.audit).

    Each entry carries the SHA-256 of the entry before it and its own, over its canonical
    form (core.audit.canonical); the database refuses UPDATE and DELETE on the table
    (triggers, migration 0004) and `manage.py audit_verify` walks the chain.

    Never conversation content: who, what (by kind and id, and names of fields), when and
    from where.

    On SQLite a migration that alters this table rebuilds it and loses its triggers: such a
    migration creates them again (samtale/core/tests/test_audit_chain.py fails otherwise).
    """

    # The entry's place in the chain, given by core.audit under the chain's lock: 1, 2, 3 …
    # without gaps, so that a deleted entry shows as a gap. Not an auto-increment: a
    # PostgreSQL sequence leaves gaps of its own when a transaction rolls back.
    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    # Not a constraint and never cascaded: an entry outlives its actor, and an update by
    # SET_NULL would be refused. actor_name names them when the person is gone.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=201, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    # Never conversation content: what changed, named by field, not the text itself.
    data = models.JSONField(default=dict, blank=True)
    # From where: the client's address of the request (core.http.client_ip); empty for
    # the worker and management commands.
    ip = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # /metrics counts the failed sign-ins at every scrape (accounts.metrics): from
            # this index, not over the whole log.
            models.Index(fields=["action"], name="audit_by_action"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return (
            f"{self.pk} {self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )


class ProcessBeat(models.Model):
    """A long-running process (a web process, the worker, the scheduler) saying it is alive,
    at most every SAMTALE_HEARTBEAT_SECONDS (core.health.beat). `/health/ready` fails when a
    process it requires has not beaten within SAMTALE_HEARTBEAT_LIMIT_SECONDS: a scheduler
    that died stops every periodic job without a word otherwise.

    In the control database (core.tenancy.router): the installation's processes, whichever
    tenants they serve. One row per process (a restart is a new pid, so a new row); the
    scheduler deletes rows silent for a day."""

    process = models.CharField(max_length=20)  # "web", "worker" or "scheduler"
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "host", "pid"], name="beat_per_process")
        ]
        indexes = [models.Index(fields=["process", "beat_at"])]

    def __str__(self) -> str:
        return f"{self.process} {self.host}:{self.pid} {self.beat_at}"


class TenantHealth(models.Model):
    """A tenant's health as last checked inside it (core.health.tenant_health_record, by the
    scheduler every minute): each check's short answer. In the control database, so that the
    operators' page and /metrics show every tenant's without reaching into any tenant's
    database. Names no person and holds no figure of a tenant's content."""

    tenant = models.CharField(max_length=30, unique=True)  # its slug
    ok = models.BooleanField()
    checks = models.JSONField(default=dict)
    # What its domains report beside the checks (core.health.tenant_note): how the last
    # period's figures were proved before they were published, in counts of figures.
    notes = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.tenant} {'ok' if self.ok else 'not ok'} {self.checked_at}"


class SetAsideMessage(models.Model):
    """A message from outside that was not taken, recorded once (core.setaside): a Fiks
    Arkiv answer that could not be read, decrypted, verified or validated, or came from
    the wrong account; an e-mail to the calendar address over a limit, or whose handling
    failed. It was acknowledged (taken off its queue, or passed by in its mailbox), so it
    is never read again and blocks nothing behind it; the archive staff and /metrics see it.

    Never the message itself: where it came from, why it was set aside, its size."""

    # What brought it: "fiks" (the archive's answers), "calendar_mail" (the calendar
    # address's webhook and mailbox).
    source = models.CharField(max_length=40)
    # The message's own id within its source (a Fiks melding-id, a mailbox's UID, a
    # digest): the same message set aside twice is one row, counted in `times`.
    key = models.CharField(max_length=200)
    # Why, as a code the pages translate (core.setaside.REASONS).
    reason = models.CharField(max_length=40)
    # For the operator: which limit, what failed. Never the message's content.
    detail = models.CharField(max_length=500, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # What it concerned, by id: {"delivery": 12, "type": "…", "sender": "…"}.
    ref = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()
    times = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="set_aside_once")]
        indexes = [models.Index(fields=["source", "reason"], name="set_aside_by_reason")]

    def __str__(self) -> str:
        return f"{self.source} {self.key} {self.reason}"
