"""A tenant's database moved to another PostgreSQL server (`tenants move <slug> <server>`,
docs/running/tenants.md), while its people go on reading it:

1. the register says it is moving, and then its database takes no more writes (PostgreSQL's
   default_transaction_read_only, set on the database, its sessions ended so that each
   opens again read-only): its pages are read, a change is answered "try again soon" (503),
   by each process from the first write its database refuses, if not from the register;
2. its role and an empty database it owns are made on the new server, and pg_dump's copy of
   the old one, checked to hold only what the migrations make (core.dumps), is restored
   there; both as the tenant's own role, so that nothing in it runs with more rights than
   the tenant's and the role owns everything as before;
3. every table's rows are counted and checksummed on both sides, and must agree;
4. the planner's statistics are made (ANALYZE: a restored database has none);
5. the register is switched to the new server and the tenant opened again (a suspension
   made meanwhile is kept);
6. the old database, still read-only, is dropped once every process has read the register
   again (REFRESH_SECONDS), or kept (--keep-old) to be dropped by hand.

A step that fails before the switch leaves the tenant where it was: writable again, as the
register said (or suspended, if it was suspended meanwhile), the new server without its copy.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from samtale import tenancy
from samtale.core import dumps
from samtale.core.libpq import pg_env
from samtale.operators import databases
from samtale.operators.services import TenantError, tenant_get
from samtale.tenancy.models import Registration
from samtale.tenancy.secrets import decrypt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Moved:
    slug: str
    source: str
    target: str
    tables: int
    rows: int
    # From the moment the database took no more writes to the moment the register named the
    # new server; and the whole command's.
    read_only_seconds: float
    seconds: float


def tenant_move(
    slug: str, target: str, *, keep_old: bool = False, say: Callable[[str], None] = print
) -> Moved:
    started = time.perf_counter()
    row, tenant = _movable(slug, target)
    source, name, role = row.server, row.database, row.role
    with tempfile.TemporaryDirectory(prefix="samtale-move-") as folder:
        # What the migrations make, from the template, before anything changes: what the
        # copy may hold (core.dumps).
        reference = _reference(Path(folder))
        say(f"{slug}: from {_label(source)} to {_label(target)}; read-only from now.")
        read_only = time.perf_counter()
        try:
            tables, rows = _moved(row, tenant, target, reference, Path(folder))
        except BaseException:
            _undone(row, target)
            raise
    switched = time.perf_counter()
    say(f"{slug}: on {_label(target)}, open again ({tables} tables, {rows} rows, all equal).")
    if keep_old:
        say(f"{slug}: the old database {name} on {_label(source)} is kept, read-only.")
    else:
        time.sleep(tenancy.REFRESH_SECONDS + 1)  # every process has read the register again
        databases.pg_drop(name, role, server=source)
    logger.info("Tenant %s moved from %s to %s.", slug, _label(source), _label(target))
    return Moved(
        slug, source, target, tables, rows, switched - read_only, time.perf_counter() - started
    )


def _moved(
    row: Registration, tenant: tenancy.Tenant, target: str, reference: Path, folder: Path
) -> tuple[int, int]:
    """The steps of a move, each of which may fail (and `_undone` then puts back what the
    earlier did): (tables, rows) copied."""
    password = decrypt(row.password)
    _announced(row)
    _writes(row.server, row.database, allowed=False)
    databases.pg_role_make(row.role, password, server=target)
    databases.pg_database_make(row.database, server=target)
    _copy(row, target, password, reference, folder)
    tables, rows = _compared(tenant, target)
    moved = _on(tenant, target)
    databases.analyze(moved)
    tenancy.close_connections(moved.slug)
    _switched(row, target)
    return tables, rows


def _announced(row: Registration) -> None:
    """The register says the tenant is moving before its database turns read-only: a change
    sent then is answered "try again" (503, Retry-After) at once by this process, and by every
    other from its first write the database refuses (tenancy.middleware), not with an error.
    A suspended tenant stays suspended (it is served nothing either way)."""
    Registration.objects.filter(pk=row.pk, state=Registration.State.ACTIVE).update(
        state=Registration.State.MOVING
    )
    tenancy.forget()


def _switched(row: Registration, target: str) -> None:
    """The register names the new server, and the tenant is open again, unless it was
    suspended meanwhile (a suspension made during the move is kept)."""
    with transaction.atomic(using=tenancy.CONTROL):
        Registration.objects.filter(pk=row.pk).update(server=target)
        _reopened(row)
    tenancy.forget()


def _reopened(row: Registration) -> None:
    Registration.objects.filter(pk=row.pk, state=Registration.State.MOVING).update(state=row.state)


def _undone(row: Registration, target: str) -> None:
    """After a failed step: the old database takes writes again, the tenant is as it was in
    the register (a suspension made meanwhile kept), and the new server has no copy. Each of
    these is tried whatever became of the one before, and what fails is logged. Once the
    register names the new server the move is done, and nothing is undone."""
    if Registration.objects.filter(pk=row.pk, server=target).exists():
        logger.error("The move of %s failed after the switch to %s: it is there.", row.slug, target)
        tenancy.forget()
        return
    for what, undo in (
        (
            "the old database takes writes again",
            lambda: _writes(row.server, row.database, allowed=True),
        ),
        ("the register says what it said", lambda: _reopened(row)),
        ("the copy is dropped", lambda: databases.pg_drop(row.database, row.role, server=target)),
    ):
        try:
            undo()
        except Exception:  # noqa: BLE001 - the move's own failure is raised; this is logged
            logger.exception("The move of %s failed, and then so did this: %s.", row.slug, what)
    tenancy.forget()


def _label(server: str) -> str:
    return server or "the installation's own server"


def _movable(slug: str, target: str) -> tuple[Registration, tenancy.Tenant]:
    if databases.engine() == "sqlite3":
        raise TenantError("Tenants move between PostgreSQL servers; on SQLite there is one.")
    try:
        tenancy.servers.check(target)
    except tenancy.servers.ServerUnknown as unknown:
        raise TenantError(str(unknown)) from None
    row = Registration.objects.filter(slug=slug).first()
    if row is None:
        raise TenantError(f"No registered tenant is called {slug!r}.")
    if row.state == Registration.State.MOVING:
        raise TenantError(
            f"{slug!r} is being moved already (or a move of it stopped: see the log)."
        )
    if row.server == target:
        raise TenantError(f"{slug!r} is on {_label(target)} already.")
    if not row.role:
        raise TenantError(f"{slug!r} has no role of its own to move with it.")
    if databases.pg_exists(row.database, server=target):
        raise TenantError(
            f"{_label(target).capitalize()} has a database called {row.database} already (an "
            "old copy kept by an earlier move?): drop it there first; nothing was changed."
        )
    return row, tenant_get(slug)


def _writes(server: str, name: str, *, allowed: bool) -> None:
    """The database takes writes again, or no more: its sessions are ended so that each
    opens again under the new default (a pooler opens its own again as asked)."""
    change = (
        "RESET default_transaction_read_only"
        if allowed
        else ("SET default_transaction_read_only = on")
    )
    databases._pg_admin(f'ALTER DATABASE "{name}" {change}', server=server)
    databases._pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
        server=server,
    )
    tenancy.close_connections()


def _reference(folder: Path) -> Path:
    """What the migrations make, as the copy's dump is checked against (core.dumps): the
    template, brought up to the latest migration first."""
    databases.template_refresh()
    return dumps.reference(folder)


def _as_role(row: Registration, server: str, password: str) -> dict:
    """The tenant's database on `server`, reached directly as the tenant's own role: what the
    copy is read and written as, so that nothing in it runs with more rights than the
    tenant's (the installation's role is a member of no tenant's role)."""
    config = tenancy.servers.direct(server)
    config.update(NAME=row.database, USER=row.role, PASSWORD=password)
    return config


def _copy(row: Registration, target: str, password: str, reference: Path, folder: Path) -> None:
    """pg_dump of the old database, checked to hold only what the migrations make, restored
    into the new one; both as the tenant's own role, which then owns everything as before."""
    dump = folder / "copy.dump"
    source = _as_role(row, row.server, password)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={dump}"], source)
    try:
        dumps.check(dump, reference, pg_env(source))
    except dumps.DumpRefused as refused:
        raise TenantError(str(refused)) from None
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            str(dump),
        ],
        _as_role(row, target, password),
    )


def _run(command: list[str], config: dict) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise TenantError("pg_dump and pg_restore (PostgreSQL's client programs) are needed.")
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [program, "--no-password", *command[1:], f"--dbname={config['NAME']}"],
        env=pg_env(config),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise TenantError(f"The copy failed ({command[0]}): {done.stderr.strip()[:500]}")


def _on(tenant: tenancy.Tenant, server: str) -> tenancy.Tenant:
    """The tenant as it will be reached on `server`: its own role, through that server's pool."""
    database = {**tenancy.servers.reach(server), "NAME": tenant.database["NAME"]}
    database.update(USER=tenant.database["USER"], PASSWORD=tenant.database["PASSWORD"])
    return tenancy.Tenant(
        slug=f"{tenant.slug}@{server}", name=tenant.name, url=tenant.url, database=database
    )


# Each row as text, hashed, the hashes sorted and hashed again: the same on both sides
# whatever order the rows are stored in.
_CHECKSUM = (
    "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') "
    "FROM {table} t"
)


def _sums(tenant: tenancy.Tenant) -> dict[str, tuple[int, str]]:
    with tenancy.activated(tenant):
        connection = connections[DEFAULT_DB_ALIAS]
        sums = {}
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(_CHECKSUM.format(table=connection.ops.quote_name(table)))
                sums[table] = tuple(cursor.fetchone())
    tenancy.close_connections(tenant.slug)
    return sums


def _compared(tenant: tenancy.Tenant, target: str) -> tuple[int, int]:
    """Every table's rows and checksum, old and new: (tables, rows), or TenantError naming
    those that differ."""
    old, new = _sums(tenant), _sums(_on(tenant, target))
    if differ := sorted(t for t in old.keys() | new.keys() if old.get(t) != new.get(t)):
        raise TenantError(f"The copy differs from the original in {', '.join(differ[:10])}.")
    return len(old), sum(count for count, _ in old.values())
