"""Whether this installation can do its work: the readiness checks behind `/health/ready`,
and the heartbeats the long-running processes write so that a dead one is seen.

A check answers OK or a short code that says what is wrong ("pending", "behind"), never
an exception's text: the answer is public, and such texts name hosts, paths and people.
Core's own checks are below; a domain registers its own with `@readiness_check` from its
AppConfig.ready() (as jobs register with `@periodic`), for core imports no domain app.

The answers must stay cheap: a load balancer asks every few seconds, from every web
process. One short query per check; the migrations are read from disk only until they
are all applied; nothing is written but a heartbeat at most every
SAMTALE_HEARTBEAT_SECONDS.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from samtale.core import tenancy
from samtale.core.models import Heartbeat

logger = logging.getLogger(__name__)

OK = "ok"
# The check itself failed (the reason is in the log, not in the answer).
ERROR = "error"
# Not asked: a check it stands on failed (no database, or its tables not made yet).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ReadinessCheck:
    name: str
    check: Callable[[], str]
    # Asked only when this says so (a process the installation is told to require).
    applies: Callable[[], bool] = lambda: True
    # Every check after it stands on it: when it fails, they are not asked.
    gate: bool = False
    # Asked in every tenant's database (core.tenancy), the first answer not OK standing for
    # all; the answer names no tenant. Not the heartbeats: the installation's processes'.
    per_tenant: bool = False


CHECKS: dict[str, ReadinessCheck] = {}


def readiness_check(
    name: str,
    *,
    applies: Callable[[], bool] | None = None,
    gate: bool = False,
    per_tenant: bool = False,
) -> Callable:
    """Register a readiness check: a function of no arguments that answers OK or a short
    code of what is wrong (a few words of lower case, no details)."""

    def register(check: Callable[[], str]) -> Callable[[], str]:
        CHECKS[name] = ReadinessCheck(name, check, applies or (lambda: True), gate, per_tenant)
        return check

    return register


def readiness() -> tuple[bool, dict[str, str]]:
    """Ask every check that applies, in the order registered; (all ok, name → answer)."""
    answers: dict[str, str] = {}
    blocked = False
    for entry in CHECKS.values():
        if not entry.applies():
            continue
        if blocked:
            answers[entry.name] = UNKNOWN
            continue
        try:
            answer = _in_every_tenant(entry.check) if entry.per_tenant else entry.check()
        except Exception:  # noqa: BLE001 - a broken check is a failing one, never a 500
            logger.warning("The readiness check %r failed.", entry.name, exc_info=True)
            answer = ERROR
        answers[entry.name] = answer
        blocked = entry.gate and answer != OK
    return all(answer == OK for answer in answers.values()), answers


def _in_every_tenant(check: Callable[[], str]) -> str:
    for tenant in tenancy.every_tenant() or [tenancy.home()]:
        with tenancy.activated(tenant):
            answer = check()
        if answer != OK:
            return answer
    return OK


@readiness_check("database", gate=True, per_tenant=True)
def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return OK


# Once every migration is applied to a tenant's database, it stays so for this process's
# life: a new version with new migrations comes with new processes. The tenants' slugs.
_migrated: set[str] = set()


@readiness_check("migrations", gate=True, per_tenant=True)
def migrations_check() -> str:
    """Every migration on disk is applied (building the plan reads them all: done only
    until the answer is yes)."""
    slug = tenancy.current().slug
    if slug not in _migrated:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            _migrated.add(slug)
    return OK if slug in _migrated else "pending"


@readiness_check("tasks", per_tenant=True)
def tasks_check() -> str:
    """No task has waited for the worker longer than SAMTALE_READY_TASK_WAIT_SECONDS (its
    wait counted from when it was enqueued, or from when it was due if it was put off)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    since = timezone.now() - timedelta(seconds=settings.SAMTALE_READY_TASK_WAIT_SECONDS)
    late = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=since) | Q(run_after__lt=since)
    )
    return "behind" if late.exists() else OK


def _heartbeat_check(process: str) -> None:
    def check() -> str:
        since = timezone.now() - timedelta(seconds=settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS)
        alive = Heartbeat.objects.filter(process=process, beat_at__gte=since).exists()
        return OK if alive else "no_heartbeat"

    readiness_check(process, applies=lambda: process in settings.SAMTALE_READY_REQUIRES)(check)


# The worker and the scheduler, when the installation requires them: a scheduler that died
# stops every periodic job, a worker every e-mail, and neither says so.
_heartbeat_check("worker")
_heartbeat_check("scheduler")


# Heartbeats: one row per process (core.Heartbeat).

HOST = socket.gethostname()[:255]
# Rows silent this long are deleted (by the scheduler): their process is gone.
HEARTBEAT_KEEP = timedelta(days=1)
# When this process (pid: a forked web worker is a process of its own) last beat, by kind.
_last_beat: dict[tuple[str, int], float] = {}


def beat(process: str) -> bool:
    """Write this process's heartbeat if it has not for SAMTALE_HEARTBEAT_SECONDS; True
    when written. Most calls return at once on a clock of the process's own, without the
    database. Never raises: a database that does not answer is the caller's to notice."""
    every = settings.SAMTALE_HEARTBEAT_SECONDS
    pid = os.getpid()
    clock = time.monotonic()
    last = _last_beat.get((process, pid))
    # Never inside someone else's transaction: a failure would spoil it, and a rollback
    # would take the beat with it.
    if not every or (last is not None and clock - last < every) or connection.in_atomic_block:
        return False
    # Counted from the attempt: a database that is away is not asked on every request.
    _last_beat[(process, pid)] = clock
    now = timezone.now()
    try:
        if not Heartbeat.objects.filter(process=process, host=HOST, pid=pid).update(beat_at=now):
            Heartbeat.objects.create(
                process=process, host=HOST, pid=pid, started_at=now, beat_at=now
            )
    except DatabaseError as error:
        logger.debug("No heartbeat for %s: %s", process, error)
        return False
    if settings.SAMTALE_HEARTBEAT_FILE:
        # For a container's own health check, which then needs no database nor Django.
        try:
            Path(settings.SAMTALE_HEARTBEAT_FILE).touch()
        except OSError as error:
            logger.warning("Heartbeat file %s: %s", settings.SAMTALE_HEARTBEAT_FILE, error)
    return True


def heartbeats_prune(now: datetime | None = None) -> int:
    """Delete the heartbeats of processes silent for HEARTBEAT_KEEP; how many."""
    now = now or timezone.now()
    deleted, _ = Heartbeat.objects.filter(beat_at__lt=now - HEARTBEAT_KEEP).delete()
    return deleted
