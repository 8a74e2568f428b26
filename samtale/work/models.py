"""What the work keeps of itself beside the task table: when each periodic job last started
(work.schedule), and which task rows the relay handed to the broker (work.engine.relay)."""

from django.db import models


class JobRun(models.Model):
    """When a periodic job last started. Claimed with a conditional UPDATE, so two
    scheduler processes never start the same run twice (work.schedule)."""

    name = models.CharField(max_length=80, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_jobrun"  # made in core, kept by its name (work/migrations/0001)

    def __str__(self) -> str:
        return f"{self.name} {self.last_run_at}"


class Dispatch(models.Model):
    """A background task's message handed to the broker and not yet finished (work.engine):
    one per task row (django-tasks-db's DBTaskResult) the relay published. The sweep relays
    a ready row that has none (its message never sent) or an old one (its message lost); the
    heavy kinds of work count theirs to hold each tenant to its fair share of the queue."""

    result_id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=16, db_index=True)
    sent_at = models.DateTimeField()

    class Meta:
        db_table = "core_dispatch"  # made in core, kept by its name (work/migrations/0001)

    def __str__(self) -> str:
        return f"{self.kind} {self.result_id} {self.sent_at:%Y-%m-%d %H:%M:%S}"
