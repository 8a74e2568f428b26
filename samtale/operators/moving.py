"""A tenant's database moved to another PostgreSQL server (`tenants move <slug> <server>`,
docs/running/tenants.md), while its people go on reading it:

1. the register says it is moving and its database takes no more writes (PostgreSQL's
   default_transaction_read_only, set on the database, its sessions ended so that each
   opens again read-only): its pages are read, a change is answered "try again soon";
2. its role and an empty database are made on the new server, and pg_dump's copy of the old
   one is restored there, as the role, so that the role owns everything as before;
3. every table's rows are counted and checksummed on both sides, and must agree;
4. the planner's statistics are made (ANALYZE: a restored database has none);
5. the register is switched to the new server and the tenant opened again;
6. the old database, still read-only, is dropped once every process has read the register
   again (REFRESH_SECONDS), or kept (--keep-old) to be dropped by hand.

Anything that fails before the switch leaves the tenant where it was, writable again, and
the new server without its copy."""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from samtale import tenancy
from samtale.core.backup import pg_env
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
    source, state = row.server, row.state
    name, role = row.database, row.role
    say(f"{slug}: from {_label(source)} to {_label(target)}; read-only from now.")
    _writes(source, name, allowed=False)
    Registration.objects.filter(pk=row.pk).update(state=Registration.State.MOVING)
    tenancy.forget()
    read_only = time.perf_counter()
    try:
        databases.pg_role_make(role, decrypt(row.password), server=target)
        databases.pg_database_make(name, server=target)
        _copy(source, target, name, role)
        say(f"{slug}: copied; comparing every table.")
        tables, rows = _compared(tenant, target)
        moved = _on(tenant, target)
        databases.analyze(moved)
        tenancy.close_connections(moved.slug)
    except Exception:
        databases.pg_drop(name, role, server=target)
        _writes(source, name, allowed=True)
        Registration.objects.filter(pk=row.pk).update(state=state)
        tenancy.forget()
        raise
    with transaction.atomic(using=tenancy.CONTROL):
        Registration.objects.filter(pk=row.pk).update(server=target, state=state)
    tenancy.forget()
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


def _copy(source: str, target: str, name: str, role: str) -> None:
    """pg_dump of the old database into pg_restore of the new one, as the installation's role,
    creating every object as the tenant's role (--role), so that it owns them as before."""
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise TenantError("pg_dump and pg_restore (PostgreSQL's client programs) are needed.")
    dump = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
        [pg_dump, "--no-password", "--format=custom", "--no-owner", "--no-acl", "-d", name],
        env=pg_env(tenancy.servers.direct(source)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    restore = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [pg_restore, "--no-password", "--no-owner", "--no-acl", "--exit-on-error"]
        + [f"--role={role}", "--single-transaction", "-d", name],
        env=pg_env(tenancy.servers.direct(target)),
        stdin=dump.stdout,
        capture_output=True,
        check=False,
    )
    assert dump.stdout is not None and dump.stderr is not None  # both are PIPEs
    dump.stdout.close()
    dumped = dump.wait()
    if dumped or restore.returncode:
        said = (dump.stderr.read() + restore.stderr).decode(errors="replace").strip()
        raise TenantError(
            f"The copy failed (pg_dump {dumped}, pg_restore {restore.returncode}): {said[:500]}"
        )


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
