"""A release rolled over every tenant (`manage.py tenants migrate`, docs/running/upgrades.md).

Each tenant's database says which migrations it has applied (its django_migrations table);
the code says which there are (its migration graph, read from disk once per run). So the
run first reads every tenant's table, a few at a time per database server, and migrates
only those behind, in waves: a few canaries first (a failure there stops the release
before it reaches anyone else), then the rest, again a few at a time per server. The
register (samtale.tenancy.models.Registration, its `migration…` fields) records how each went,
for the operators; the database's own table stays the truth, so a run after a failure
migrates exactly those still behind, and that is all resuming takes.

The tenant of the installation's own database (tenancy.seed) is read and migrated in this
process, not a worker's: its connection is this process's own "default" (under a test
runner, a test database only this thread's transaction sees)."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from io import StringIO

import django
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from samtale import tenancy
from samtale.operators import databases
from samtale.tenancy import Tenant, activated
from samtale.tenancy.connections import close_thread_connections
from samtale.tenancy.models import Registration

logger = logging.getLogger(__name__)

Migration = tuple[str, str]  # (app label, migration name)


class ReleaseError(Exception):
    """What the operator is told before anything was migrated (a canary that is no tenant)."""


def code_migrations() -> frozenset[Migration]:
    """Every migration the code has (its graph on disk, squashed ones as Django plans them
    for a new database): what a current tenant's database has applied."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def fingerprint(migrations: Iterable[Migration]) -> str:
    """The register's `migrated_to`: sha256 of the sorted "app.name" lines (64 characters)."""
    text = "\n".join(sorted(f"{app}.{name}" for app, name in migrations))
    return hashlib.sha256(text.encode()).hexdigest()


def applied_here() -> frozenset[Migration]:
    """The migrations the database of the active tenant has applied: one query, or two when
    it has no django_migrations table (a database never migrated: none)."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            return frozenset((app, name) for app, name in cursor.fetchall())
    except DatabaseError:
        if connection.in_atomic_block:
            raise  # the caller's transaction is broken now: its own error to see
        if MigrationRecorder(connection).has_table():
            raise
        return frozenset()


def short(error: BaseException, password: str = "") -> str:
    """The first lines of an error, for the register and the operator: no traceback, and the
    tenant's password never (a driver may repeat what it was given)."""
    text = f"{type(error).__name__}: {error}".strip()
    if password:
        text = text.replace(password, "***")
    return "\n".join(line for line in text.splitlines()[:4] if line.strip())[:600]


@dataclass
class Outcome:
    """How one tenant went: read, and migrated when it was behind."""

    slug: str
    server: str = ""
    behind: int = 0  # migrations it lacked when read
    migrated: bool = False
    error: str = ""
    fingerprint: str = ""  # of what it had applied at the end, when it could be read
    seconds: float = 0.0
    output: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error)


# Reading ---------------------------------------------------------------------------------


def _read(tenant: Tenant, plan: frozenset[Migration], server: str) -> Outcome:
    """A tenant's standing, in a thread of a pool: its connection closed after (a pool's
    thread outlives the work; a few hundred tenants' connections would pass the server's
    limit)."""
    started = time.perf_counter()
    outcome = Outcome(tenant.slug, server=server)
    try:
        with activated(tenant):
            try:
                applied = applied_here()
            finally:
                if not tenant.in_own_database:
                    close_thread_connections()
    except Exception as error:  # noqa: BLE001 - a database that does not answer is reported
        outcome.error = short(error, str(tenant.database.get("PASSWORD", "")))
        return outcome
    finally:
        tenancy.close_connections(tenant.slug)  # none, for the installation's own
    outcome.behind = len(plan - applied)
    outcome.fingerprint = fingerprint(applied & plan)
    outcome.seconds = time.perf_counter() - started
    return outcome


def read_all(
    tenants: list[Tenant], servers: dict[str, str], plan: frozenset[Migration], parallel: int
) -> list[Outcome]:
    """Every tenant's standing, in `tenants`' order: `parallel` reads at a time per database
    server (one pool of threads each). The installation's own database's tenant is read in
    this thread: its connection is this thread's own "default"."""
    by_server: dict[str, list[Tenant]] = defaultdict(list)
    for tenant in tenants:
        if not tenant.in_own_database:
            by_server[servers.get(tenant.slug, "")].append(tenant)
    pools = {server: ThreadPoolExecutor(max_workers=parallel) for server in by_server}
    try:
        futures = {
            tenant.slug: pools[server].submit(_read, tenant, plan, server)
            for server, group in by_server.items()
            for tenant in group
        }
        found = {t.slug: _read(t, plan, "") for t in tenants if t.in_own_database}
        found |= {slug: future.result() for slug, future in futures.items()}
    finally:
        for pool in pools.values():
            pool.shutdown()
    return [found[tenant.slug] for tenant in tenants]


# Migrating -------------------------------------------------------------------------------

# Each tenant is migrated by Django's own `migrate` command, in a pool of worker processes
# (multiprocessing's "spawn": fresh interpreters, nothing inherited from this process's
# open connections). Not in threads: `migrate` is not known to be thread-safe (it renders
# model states into the apps registry and sends post_migrate, whose receivers assume one
# migrate at a time per process). Not a `manage.py` process per tenant either: measured on
# the 2-core benchmark machine (bench/migrate.py), starting Python and Django takes 2 s and
# `tenants run <slug> -- migrate` 4 s with nothing to apply, while the migration of one new
# column takes 0.5-0.8 s in a worker already started: most of a release would go to
# starting processes. A worker starts once and migrates tenant after tenant. It is given
# the tenant itself (its database settings, password included, through the pool's pipe,
# never a command line), so it needs no register of its own to find it.


def _migrate_in_worker(tenant: Tenant, verbosity: int, plan: frozenset[Migration]) -> Outcome:
    """In a worker process: the tenant migrated, and what it has applied after."""
    started = time.perf_counter()
    out = StringIO()
    outcome = Outcome(tenant.slug)
    try:
        with activated(tenant):
            try:
                databases.migrate_active(out, verbosity=verbosity)
                outcome.migrated = True
            except Exception as error:  # noqa: BLE001 - reported, and recorded as failed
                outcome.error = short(error, str(tenant.database.get("PASSWORD", "")))
            try:
                outcome.fingerprint = fingerprint(applied_here() & plan)
            except DatabaseError:
                pass  # a database that broke meanwhile: its error above says why
            finally:
                close_thread_connections()
    finally:
        tenancy.close_connections(tenant.slug)
    outcome.output = out.getvalue()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _migrate_here(tenant: Tenant, verbosity: int, plan: frozenset[Migration]) -> Outcome:
    """The installation's own database's tenant, in this process: its database is this
    process's own "default"."""
    started = time.perf_counter()
    out = StringIO()
    outcome = Outcome(tenant.slug)
    with activated(tenant):
        try:
            databases.migrate_active(out, verbosity=verbosity)
            outcome.migrated = True
            outcome.fingerprint = fingerprint(applied_here() & plan)
        except Exception as error:  # noqa: BLE001 - reported
            outcome.error = short(error)
    outcome.output = out.getvalue()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _in_workers(
    tenants: list[Tenant], release: Release, pool: ProcessPoolExecutor
) -> list[Outcome]:
    """`tenants` migrated in the workers, at most `release.parallel` at a time per database
    server, each recorded as it starts and as it ends (here: the register is this thread's)."""
    queues: dict[str, deque[Tenant]] = defaultdict(deque)
    for tenant in tenants:
        queues[release.servers.get(tenant.slug, "")].append(tenant)
    running: dict = {}
    busy: Counter = Counter()
    outcomes = []

    def start() -> None:
        for server, queue in queues.items():
            while queue and busy[server] < release.parallel:
                tenant = queue.popleft()
                Registration.objects.filter(slug=tenant.slug).update(
                    migration=Registration.Migration.MIGRATING
                )
                future = pool.submit(_migrate_in_worker, tenant, release.verbosity, release.plan)
                running[future] = (tenant, server)
                busy[server] += 1

    start()
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            tenant, server = running.pop(future)
            busy[server] -= 1
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died: the tenant failed
                outcome = Outcome(tenant.slug, error=short(error))
            outcome.server = server
            outcome.behind = release.standing[tenant.slug].behind
            record_migrated(outcome)
            release.say_tenant(outcome)
            outcomes.append(outcome)
        start()
    return outcomes


# The register ----------------------------------------------------------------------------


def record_read(outcomes: list[Outcome], target: str) -> None:
    """What the reading found: the current ones recorded current (one UPDATE for all, of the
    rows that say otherwise), the ones that did not answer recorded failed."""
    current = [o.slug for o in outcomes if not (o.failed or o.behind)]
    Registration.objects.filter(slug__in=current).exclude(
        migration=Registration.Migration.CURRENT, migrated_to=target
    ).update(
        migration=Registration.Migration.CURRENT,
        migrated_to=target,
        migrated_at=timezone.now(),
        migration_error="",
    )
    for outcome in outcomes:
        if outcome.failed:
            logger.warning("Tenant %s was not read: %s", outcome.slug, outcome.error)
        if outcome.failed:
            Registration.objects.filter(slug=outcome.slug).update(
                migration=Registration.Migration.FAILED, migration_error=outcome.error
            )


def record_migrated(outcome: Outcome) -> None:
    if outcome.failed:
        logger.warning("Tenant %s was not migrated: %s", outcome.slug, outcome.error)
    fields: dict = {"migrated_at": timezone.now()}
    if outcome.fingerprint:
        fields["migrated_to"] = outcome.fingerprint
    if outcome.failed:
        fields |= {"migration": Registration.Migration.FAILED, "migration_error": outcome.error}
    else:
        fields |= {"migration": Registration.Migration.CURRENT, "migration_error": ""}
    Registration.objects.filter(slug=outcome.slug).update(**fields)


# The run ---------------------------------------------------------------------------------


@dataclass
class Release:
    """One `tenants migrate` over the tenants, and what it found and did."""

    parallel: int = 4
    canary: int = 2
    canary_slugs: tuple[str, ...] = ()
    verbosity: int = 0
    say: Callable[[str], None] = print  # a line for the operator
    say_more: Callable[[str], None] | None = None  # a tenant's own line (-v 2), when set
    servers: dict[str, str] = field(default_factory=dict)  # slug → its database server
    moving: set[str] = field(default_factory=set)  # being moved: not migrated now
    plan: frozenset[Migration] = frozenset()  # the code's migrations
    target: str = ""  # their fingerprint
    standing: dict[str, Outcome] = field(default_factory=dict)  # as read
    migrated: list[Outcome] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)  # behind, after a canary failed
    seconds: float = 0.0

    def say_tenant(self, outcome: Outcome) -> None:
        if self.say_more is None:
            return
        where = f" on {outcome.server}" if outcome.server else ""
        if outcome.failed:
            state = f"failed: {outcome.error.splitlines()[0]}"
        elif outcome.migrated:
            state = f"migrated ({outcome.behind} applied) in {outcome.seconds:.1f} s"
        elif outcome.behind:
            state = f"{outcome.behind} migrations behind"
        else:
            state = "current"
        self.say_more(f"  {outcome.slug}{where}: {state}")
        if outcome.output.strip():
            self.say_more(outcome.output.rstrip())

    @property
    def left_behind(self) -> list[str]:
        """Behind and not migrated by this run, though none of theirs failed: those a failed
        canary left unstarted, and those being moved to another server."""
        moving = [o.slug for o in self.standing.values() if o.behind and o.slug in self.moving]
        return self.not_started + sorted(moving)

    @property
    def failed(self) -> list[str]:
        read = [o.slug for o in self.standing.values() if o.failed]
        return read + [o.slug for o in self.migrated if o.failed]

    def summary(self) -> str:
        current = sum(1 for o in self.standing.values() if not (o.failed or o.behind))
        done = sum(1 for o in self.migrated if not o.failed)
        line = (
            f"{len(self.standing)} tenants: {current} current, {done} migrated in "
            f"{self.seconds:.0f} s, {len(self.failed)} failed"
        )
        if self.failed:
            line += f" ({', '.join(self.failed)})"
        if self.not_started:
            line += f", {len(self.not_started)} not started"
        if moving := [slug for slug in self.left_behind if slug in self.moving]:
            line += f", {len(moving)} being moved (migrate after the move: {', '.join(moving)})"
        return line


def _canaries(behind: list[Tenant], everyone: list[Tenant], release: Release) -> list[Tenant]:
    """The first wave: the tenants named (--canary-slugs) that are behind, or else the first
    `canary` of those behind (in the register's order)."""
    if release.canary_slugs:
        return [tenant for tenant in behind if tenant.slug in release.canary_slugs]
    return behind[: max(0, release.canary)]


def _wave(tenants: list[Tenant], release: Release, workers: _Workers) -> list[Outcome]:
    outcomes = []
    for tenant in tenants:
        if tenant.in_own_database:
            outcome = _migrate_here(tenant, release.verbosity, release.plan)
            outcome.behind = release.standing[tenant.slug].behind
            record_migrated(outcome)
            release.say_tenant(outcome)
            outcomes.append(outcome)
    others = [tenant for tenant in tenants if not tenant.in_own_database]
    return outcomes + (_in_workers(others, release, workers()) if others else [])


class _Workers:
    """The workers' pool, made when a wave first needs it (none when nothing but the
    tenant of the installation's own database is behind): as many workers as may run at
    once."""

    def __init__(self, behind: list[Tenant], release: Release):
        others = [tenant for tenant in behind if not tenant.in_own_database]
        servers = {release.servers.get(tenant.slug, "") for tenant in others}
        self.size = max(1, min(len(others), release.parallel * len(servers)))
        self.pool: ProcessPoolExecutor | None = None

    def __call__(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.size,
                mp_context=multiprocessing.get_context("spawn"),
                # Django set up before anything of the product is unpickled there.
                initializer=django.setup,
            )
        return self.pool

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _unserved(everyone: list[Tenant]) -> list[Outcome]:
    """Registered tenants the register's reading left out (tenancy.register: a server
    this installation is not told of, a password it cannot decrypt): failed, not forgotten."""
    served = [tenant.slug for tenant in everyone]
    return [
        Outcome(
            slug,
            server=server,
            error="Not served: its database server or its password cannot be read here "
            "(the log says which).",
        )
        for slug, server in Registration.objects.exclude(slug__in=served).values_list(
            "slug", "server"
        )
    ]


def roll(release: Release) -> Release:
    """Read every tenant, record the current ones, migrate those behind in waves."""
    started = time.perf_counter()
    tenancy.forget()
    everyone = tenancy.every_tenant(suspended=True)
    if unknown := sorted(set(release.canary_slugs) - {tenant.slug for tenant in everyone}):
        raise ReleaseError(f"No tenant is called {', '.join(map(repr, unknown))}.")
    release.servers = {tenant.slug: tenant.server for tenant in everyone}
    release.moving = {tenant.slug for tenant in everyone if tenant.moving}
    release.plan = plan = code_migrations()
    release.target = fingerprint(plan)
    outcomes = read_all(everyone, release.servers, plan, release.parallel)
    unserved = _unserved(everyone)
    release.standing = {outcome.slug: outcome for outcome in [*outcomes, *unserved]}
    record_read([*outcomes, *unserved], release.target)
    for outcome in release.standing.values():
        release.say_tenant(outcome)
    behind = [
        tenant
        for tenant, outcome in zip(everyone, outcomes, strict=True)
        if outcome.behind and not outcome.failed and tenant.slug not in release.moving
    ]
    unanswered = sum(1 for outcome in release.standing.values() if outcome.failed)
    release.say(
        f"Read {len(release.standing)} tenants in {time.perf_counter() - started:.1f} s: "
        f"{len(behind)} behind, {unanswered} did not answer."
    )
    canaries = _canaries(behind, everyone, release)
    waves = [canaries, [tenant for tenant in behind if tenant not in canaries]]
    workers = _Workers(behind, release)
    try:
        _waves(waves, release, workers)
    finally:
        workers.shutdown()
    release.seconds = time.perf_counter() - started
    return release


def _waves(waves: list[list[Tenant]], release: Release, workers: _Workers) -> None:
    for number, wave in enumerate(waves, 1):
        if not wave:
            continue
        started = time.perf_counter()
        canaries = number == 1
        label = f"canaries: {', '.join(t.slug for t in wave)}" if canaries else "the rest"
        outcomes = _wave(wave, release, workers)
        release.migrated += outcomes
        failed = [outcome.slug for outcome in outcomes if outcome.failed]
        release.say(
            f"Wave {number} ({label}): {len(outcomes) - len(failed)} migrated, "
            f"{len(failed)} failed{' (' + ', '.join(failed) + ')' if failed else ''} "
            f"in {time.perf_counter() - started:.1f} s."
        )
        if canaries and failed:
            release.not_started = [tenant.slug for later in waves[1:] for tenant in later]
            release.say(
                f"A canary failed: no further wave starts ({len(release.not_started)} not "
                "started). Fix its cause, then run tenants migrate again."
            )
            return
