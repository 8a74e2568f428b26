"""Whether this installation can do its work, and how each tenant is doing.

Two kinds of check, each answering OK or a short code that says what is wrong ("pending",
"behind"), never an exception's text: the answers are read outside, and such texts name
hosts, paths and people.

- **Readiness** (`/health/ready`, for the load balancer): what makes this process unable to
  serve anyone: the control database, which every request's tenant is looked up in, its
  migrations, and the installation's worker and scheduler where it requires them. No
  tenant's database is asked: one municipality's archive, mailbox or backlog never takes
  the others off the load balancer.
- **A tenant's health**: its database, migrations, task backlog, archive, outgoing mail and
  calendar mailbox, asked inside the tenant by the scheduler's job every minute
  (`tenant_health_record`) and kept in the control database (core.TenantHealth): the
  operators' page and `/metrics` read it there, under the tenant's name, without reaching
  into any tenant's database.

Core's own checks are below; a domain registers its own with `@readiness_check` or
`@tenant_check` from its AppConfig.ready() (as jobs register with `@periodic`), for core
imports no domain app. The answers must stay cheap: one short query per check; the
migrations are read from disk only until they are all applied.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Q
from django.utils import timezone

from samtale import tenancy
from samtale.core.models import ProcessBeat, TenantHealth

logger = logging.getLogger(__name__)

OK = "ok"
# The check itself failed (the reason is in the log, not in the answer).
ERROR = "error"
# Not asked: a check it stands on failed (no database, or its tables not made yet).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    name: str
    check: Callable[[], str]
    # Asked only when this says so (a process the installation is told to require).
    applies: Callable[[], bool] = lambda: True
    # Every check after it stands on it: when it fails, they are not asked.
    gate: bool = False


# The installation's (/health/ready), and each tenant's (asked inside it).
READINESS: dict[str, Check] = {}
TENANT_CHECKS: dict[str, Check] = {}


def readiness_check(
    name: str, *, applies: Callable[[], bool] | None = None, gate: bool = False
) -> Callable[..., Any]:
    """Register a check of the installation: a function of no arguments that answers OK or
    a short code of what is wrong (a few words of lower case, no details)."""

    def register(check: Callable[[], str]) -> Callable[[], str]:
        READINESS[name] = Check(name, check, applies or (lambda: True), gate)
        return check

    return register


def tenant_check(name: str, *, gate: bool = False) -> Callable[..., Any]:
    """Register a check asked inside each tenant (its database, its archive): OK or a short
    code, as a readiness check answers."""

    def register(check: Callable[[], str]) -> Callable[[], str]:
        TENANT_CHECKS[name] = Check(name, check, lambda: True, gate)
        return check

    return register


def readiness() -> tuple[bool, dict[str, str]]:
    """Ask every check of the installation that applies; (all ok, name → answer)."""
    return _ask(READINESS)


# What a tenant's domains report beside their checks, for the operators' page: a few figures
# about how the tenant's work went (never a person, never a figure of its content).
TENANT_NOTES: dict[str, Callable[[], dict[str, Any] | None]] = {}


def tenant_note(name: str) -> Callable[..., Any]:
    """Register a note asked inside each tenant with its checks: a function of no arguments
    that answers a small dict of plain values (JSON), or None."""

    def register(note: Callable[[], dict[str, Any] | None]) -> Callable[[], dict[str, Any] | None]:
        TENANT_NOTES[name] = note
        return note

    return register


def tenant_notes() -> dict[str, dict[str, Any]]:
    """Ask every tenant note in the current tenant (one that fails is left out, logged)."""
    notes = {}
    for name, note in TENANT_NOTES.items():
        try:
            answer = note()
        except Exception:  # noqa: BLE001 - a broken note is left out, never a failed tick
            logger.warning("The tenant note %r failed.", name, exc_info=True)
            continue
        if answer is not None:
            notes[name] = answer
    return notes


def tenant_health() -> tuple[bool, dict[str, str]]:
    """Ask every tenant check in the current tenant; (all ok, name → answer)."""
    return _ask(TENANT_CHECKS)


def _ask(checks: dict[str, Check]) -> tuple[bool, dict[str, str]]:
    answers: dict[str, str] = {}
    blocked = False
    for entry in checks.values():
        if not entry.applies():
            continue
        if blocked:
            answers[entry.name] = UNKNOWN
            continue
        try:
            answer = entry.check()
        except Exception:  # noqa: BLE001 - a broken check is a failing one, never a 500
            logger.warning("The health check %r failed.", entry.name, exc_info=True)
            answer = ERROR
        answers[entry.name] = answer
        blocked = entry.gate and answer != OK
    return all(answer == OK for answer in answers.values()), answers


# The installation's checks ---------------------------------------------------------------


@readiness_check("control", gate=True)
def control_check() -> str:
    """The control database answers: every request's tenant is looked up there."""
    try:
        with connections[tenancy.CONTROL].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return OK


# Once every migration is applied to a database, it stays so for this process's life: a
# new version with new migrations comes with new processes. The databases' labels.
_migrated: set[str] = set()


def _migrations_applied(alias: str, label: str) -> str:
    """Every migration on disk is applied to the database (building the plan reads them
    all: done only until the answer is yes)."""
    if label not in _migrated:
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connections[alias])
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            _migrated.add(label)
    return OK if label in _migrated else "pending"


@readiness_check("migrations", gate=True)
def control_migrations_check() -> str:
    return _migrations_applied(tenancy.CONTROL, f"{tenancy.CONTROL}:")


def _heartbeat_check(process: str) -> None:
    def check() -> str:
        since = timezone.now() - timedelta(seconds=settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS)
        alive = ProcessBeat.objects.filter(process=process, beat_at__gte=since).exists()
        return OK if alive else "no_heartbeat"

    readiness_check(process, applies=lambda: process in settings.SAMTALE_READY_REQUIRES)(check)


# The worker and the scheduler, when the installation requires them: a scheduler that died
# stops every periodic job, a worker every e-mail, and neither says so.
_heartbeat_check("worker")
_heartbeat_check("scheduler")


# Each tenant's checks ----------------------------------------------------------------------


@tenant_check("database", gate=True)
def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return OK


@tenant_check("migrations", gate=True)
def migrations_check() -> str:
    return _migrations_applied("default", tenancy.current().slug)


@tenant_check("tasks")
def tasks_check() -> str:
    """No task has waited for the worker longer than SAMTALE_READY_TASK_WAIT_SECONDS (its
    wait counted from when it was enqueued, or from when it was due if it was put off)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    since = timezone.now() - timedelta(seconds=settings.SAMTALE_READY_TASK_WAIT_SECONDS)
    late = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max(), enqueued_at__lt=since) | Q(run_after__lt=since)
    )
    return "behind" if late.exists() else OK


def tenant_health_record(now: datetime | None = None) -> TenantHealth:
    """Ask the current tenant's checks and keep the answers in the control database, where
    the operators' page and /metrics read them."""
    ok, answers = tenant_health()
    notes = tenant_notes() if answers.get("database") == OK else {}
    slug = tenancy.current().slug
    record, _created = TenantHealth.objects.update_or_create(
        tenant=slug,
        defaults={
            "ok": ok,
            "checks": answers,
            "notes": notes,
            "checked_at": now or timezone.now(),
        },
    )
    if not ok:
        failing = ", ".join(f"{name}: {answer}" for name, answer in answers.items() if answer != OK)
        logger.warning("Tenant %s is not well (%s).", slug, failing)
    return record


def tenants_health() -> dict[str, TenantHealth]:
    """Every tenant's health as last checked, by slug (from the control database)."""
    return {record.tenant: record for record in TenantHealth.objects.all()}


# Heartbeats: one row per process (core.ProcessBeat), in the control database: the
# installation's processes, whichever tenants they serve.

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
    if (
        not every
        or (last is not None and clock - last < every)
        or connections[tenancy.CONTROL].in_atomic_block
    ):
        return False
    # Counted from the attempt: a database that is away is not asked on every request.
    _last_beat[(process, pid)] = clock
    now = timezone.now()
    try:
        if not ProcessBeat.objects.filter(process=process, host=HOST, pid=pid).update(beat_at=now):
            ProcessBeat.objects.create(
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
    """Delete the heartbeats of processes silent for HEARTBEAT_KEEP, and the health of
    tenants no longer checked for as long; how many heartbeats."""
    now = now or timezone.now()
    deleted, _ = ProcessBeat.objects.filter(beat_at__lt=now - HEARTBEAT_KEEP).delete()
    TenantHealth.objects.filter(checked_at__lt=now - HEARTBEAT_KEEP).delete()
    return deleted
