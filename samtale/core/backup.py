"""Snapshots of the database: `manage.py backup` takes one while the app runs, `manage.py
restore` brings one back (docs/running/backup.md).

A snapshot is one file, and beside it `<file>.sha256` in sha256sum's format, so that
`sha256sum -c` checks it anywhere it is copied to. SQLite: a copy made with SQLite's online
backup API, which reads every page in one read transaction: one moment, while the app goes
on writing (WAL). The copy is checked with PRAGMA integrity_check before it gets its name.
PostgreSQL: pg_dump's custom format, read in one repeatable-read transaction: one moment as
well. A snapshot appears under its final name whole or not at all.

Restoring fires no trigger, so the audit log's append-only triggers (core migration 0004)
do not block it, and the counting triggers (docs/developing/benchmarks.md) are not
fed a second time: SQLite's backup API copies pages, and `pg_restore --clean` drops the
tables and creates them again with their rows, triggers last. Either way the triggers
after a restore are the snapshot's, as they were.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from samtale.core import dumps
from samtale.core.libpq import pg_env

# What each kind of snapshot starts with, and its file name's ending.
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# pg_restore gives up on a table a running app still holds, instead of waiting for it.
RESTORE_LOCK_TIMEOUT = "-c lock_timeout=30s"


class BackupError(Exception):
    """A backup or restore that did not happen, with what the operator should know."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    kind: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Restored:
    snapshot: Snapshot
    database: str
    tables: int
    audit_entries: int


def database_kind() -> str:
    """The database's kind, "sqlite" or "postgresql": the kinds a snapshot is taken of."""
    if connection.vendor not in MAGIC:
        raise BackupError(f"Backups are made of SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def database_label() -> str:
    """The configured database in words, for the operator: which one a restore replaces."""
    config = connection.settings_dict
    if database_kind() == "sqlite":
        return f"the SQLite database {config['NAME']}"
    where = f"{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}"
    return f"the PostgreSQL database {config['NAME']} on {where}"


def snapshot_path(output: str | Path | None, *, kind: str, now: datetime) -> Path:
    """Where a new snapshot goes: `output` if it names a file; otherwise a name with the
    kind and the time in UTC (samtale-sqlite-20261124T071500Z.sqlite3) in `output`, a
    folder, or by default in var/backups/."""
    name = f"samtale-{kind}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX[kind]}"
    if output is None:
        return Path(settings.BASE_DIR) / "var" / "backups" / name
    if str(output).endswith(os.sep) or Path(output).is_dir():
        return Path(output) / name
    return Path(output)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot_take(*, output: str | Path | None = None, now: datetime | None = None) -> Snapshot:
    """A snapshot of the configured database and its checksum file, written while the app
    runs. It is made under a temporary name in the same folder and renamed when whole and
    checked, its checksum file first: no half snapshot ever has the final name."""
    kind = database_kind()
    path = snapshot_path(output, kind=kind, now=now or datetime.now(UTC))
    if path.exists():
        raise BackupError(f"{path} already exists; it is left as it is.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as error:
        raise BackupError(f"Cannot write in {path.parent}: {error.strerror}.") from error
    os.close(fd)
    partial = Path(name)
    try:
        if kind == "sqlite":
            _sqlite_copy(partial)
        else:
            _postgresql_dump(partial)
        _fsync(partial)
        sha256 = file_sha256(partial)
        _write_atomic(checksum_path(path), f"{sha256}  {path.name}\n")
        os.replace(partial, path)
        _fsync(path.parent)
    finally:
        partial.unlink(missing_ok=True)
    return Snapshot(path=path, kind=kind, size=path.stat().st_size, sha256=sha256)


def snapshot_seal(snapshot: Snapshot) -> Snapshot:
    """The snapshot sealed for the operator (core.sealed, SAMTALE_BACKUP_RECIPIENTS), its
    checksum file then the sealed file's and the snapshot's own in a line of its own; as it is
    when no recipient is set."""
    from samtale.core import sealed

    keys = sealed.operators()
    if not keys:
        return snapshot
    try:
        path = sealed.seal(snapshot.path, keys)
    except sealed.SealError as error:
        raise BackupError(str(error)) from None
    checksum_path(snapshot.path).unlink(missing_ok=True)
    sha256 = file_sha256(path)
    _write_atomic(
        checksum_path(path),
        f"{sha256}  {path.name}\n# opened: {snapshot.sha256}  {snapshot.path.name}\n",
    )
    return Snapshot(path=path, kind=snapshot.kind, size=path.stat().st_size, sha256=sha256)


def snapshot_unseal(path: Path, identity: Path | None, into: Path) -> Path:
    """A sealed snapshot checked against its checksum file, opened with the key file
    `identity` into the folder `into`, with the checksum file the opened one must match."""
    from samtale.core import sealed

    if identity is None:
        raise BackupError(f"{path.name} is sealed: give the operator's key file (--identity).")
    lines = _checksum_lines(path)
    if file_sha256(path) != lines[0]:
        raise BackupError(f"{path.name} does not match its checksum file: nothing was restored.")
    if len(lines) < 2:
        raise BackupError(f"{checksum_path(path).name} does not say what the snapshot holds.")
    opened = into / path.name.removesuffix(sealed.SUFFIX)
    try:
        sealed.unseal(path, identity, opened)
    except sealed.SealError as error:
        raise BackupError(str(error)) from None
    _write_atomic(checksum_path(opened), f"{lines[1]}  {opened.name}\n")
    return opened


def _checksum_lines(path: Path) -> list[str]:
    """The SHA-256 sums in a sealed snapshot's checksum file: the sealed file's, the opened."""
    try:
        text = checksum_path(path).read_text()
    except OSError:
        raise BackupError(f"{checksum_path(path).name} is missing: nothing was restored.") from None
    return [
        line.removeprefix("# opened: ").split()[0] for line in text.splitlines() if line.strip()
    ]


def snapshots_expired_delete(folder: Path, now: datetime | None = None) -> list[Path]:
    """The snapshots `manage.py backup` named in `folder` (samtale-<kind>-<UTC time>…) taken
    more than SAMTALE_BACKUP_DAYS days before `now`, deleted with their checksum files."""
    from datetime import timedelta

    limit = (now or datetime.now(UTC)) - timedelta(days=settings.SAMTALE_BACKUP_DAYS)
    deleted = []
    for path in sorted(folder.glob("samtale-*")):
        if path.name.endswith(".sha256"):
            continue
        try:
            stamp = path.name.split("-", 2)[2][:16]
            taken = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except (IndexError, ValueError):
            continue
        if taken < limit:
            path.unlink(missing_ok=True)
            checksum_path(path).unlink(missing_ok=True)
            deleted.append(path)
    return deleted


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def snapshot_verify(path: Path) -> Snapshot:
    """The snapshot at `path`, if it is whole and of this database's kind: its checksum file
    must be there and match every byte. Refuses (BackupError) otherwise."""
    if not path.is_file():
        raise BackupError(f"There is no snapshot at {path}.")
    checksum = checksum_path(path)
    if not checksum.is_file():
        raise BackupError(
            f"{checksum.name} is missing beside {path.name}: without it the snapshot cannot "
            "be shown to be whole. Nothing was restored."
        )
    expected = checksum.read_text(errors="replace").split(maxsplit=1)[:1]
    sha256 = file_sha256(path)
    if expected != [sha256]:
        raise BackupError(
            f"{path.name} does not match its checksum in {checksum.name}: the file is damaged "
            "or not the one that was backed up. Nothing was restored."
        )
    with path.open("rb") as file:
        head = file.read(16)
    kind = next((k for k, magic in MAGIC.items() if head.startswith(magic)), None)
    if kind is None:
        raise BackupError(f"{path.name} is not a snapshot made by manage.py backup.")
    if kind != database_kind():
        raise BackupError(
            f"{path.name} is a {NAMES[kind]} snapshot, and this app's database is "
            f"{NAMES[database_kind()]}: it cannot be restored here. Nothing was restored."
        )
    return Snapshot(path=path, kind=kind, size=path.stat().st_size, sha256=sha256)


def snapshot_restore(snapshot: Snapshot) -> Restored:
    """Replace everything in the configured database with a verified snapshot
    (snapshot_verify). The app, the worker and the scheduler must be stopped first."""
    if snapshot.kind == "sqlite":
        _sqlite_restore(snapshot.path)
    else:
        _postgresql_restore(snapshot.path)
    with connection.cursor() as cursor:
        if snapshot.kind == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
        [tables] = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM core_auditentry")
        [entries] = cursor.fetchone()
    return Restored(
        snapshot=snapshot, database=database_label(), tables=tables, audit_entries=entries
    )


# SQLite ---------------------------------------------------------------------------------


def _sqlite_copy(partial: Path) -> None:
    # One step (pages=-1): every page is read in one read transaction, so the copy is one
    # moment. The copy keeps the source's WAL flag; as a file on its own it should not.
    connection.ensure_connection()
    copy = sqlite3.connect(partial)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(copy, f"The copy of {database_label()}")
    except sqlite3.Error as error:
        raise BackupError(f"The backup of {database_label()} failed: {error}.") from error
    finally:
        copy.close()


def _sqlite_restore(path: Path) -> None:
    # Into the database file through the backup API, not by putting a file in its place:
    # any process that still has the file open then sees the restored database, whole.
    # The destination keeps its own journal mode (WAL).
    connection.ensure_connection()
    snapshot = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        snapshot.backup(connection.connection)
        _sqlite_check(connection.connection, f"{database_label()} after the restore")
        connection.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as error:
        raise BackupError(f"The restore into {database_label()} failed: {error}.") from error
    finally:
        snapshot.close()


def _sqlite_check(database: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{what} fails SQLite's integrity check: {'; '.join(problems[:5])}.")


# PostgreSQL -----------------------------------------------------------------------------


def _postgresql_dump(partial: Path) -> None:
    _pg_run("pg_dump", _pg_dbname(), "--format=custom", f"--file={partial}", what="The backup")
    # pg_restore reads the dump's table of contents back: a cut-off dump fails here.
    _pg_run("pg_restore", "--list", str(partial), what="Reading the backup back")


def _postgresql_restore(path: Path) -> None:
    # Only what the migrations make, as they make it, is restored (core.dumps): a function
    # planted in a dump is refused, not run.
    with tempfile.TemporaryDirectory(prefix="samtale-restore-") as folder:
        try:
            reference = dumps.reference(Path(folder), connection.settings_dict)
            dumps.check(path, reference, pg_env(connection.settings_dict))
        except dumps.DumpRefused as refused:
            raise BackupError(str(refused)) from None
    # --clean drops each table before creating it again, so no row trigger sees the old
    # rows go; --single-transaction leaves the database as it was if anything fails.
    connection.close()
    try:
        _pg_run(
            "pg_restore",
            _pg_dbname(),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(path),
            what="The restore",
            options=RESTORE_LOCK_TIMEOUT,
        )
    except BackupError as error:
        hint = ""
        if "lock timeout" in str(error):
            hint = " A process still uses it: stop the app, the worker and the scheduler."
        raise BackupError(
            f"{error}\nNothing was restored: the database is as it was.{hint}"
        ) from None
    # pg_restore brings no planner statistics: without them the first queries on the big
    # tables are planned blind until autovacuum comes round (pg_restore's manual says so).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _pg_dbname() -> str:
    return f"--dbname={connection.settings_dict['NAME']}"


def _pg_run(program: str, *args: str, what: str, options: str = "") -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client) of the server's version or newer."
        )
    # --no-password: fail at once rather than wait for a password nobody will type.
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [executable, "--no-password", *args],
        env=pg_env(connection.settings_dict, options=options),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        detail = done.stderr.strip() or f"{program} exited with status {done.returncode}"
        raise BackupError(f"{what} of {database_label()} failed: {detail}")


# Files ----------------------------------------------------------------------------------


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    _fsync(partial)
    os.replace(partial, path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
