"""A tenant deleted, and the certificate that says so (`tenants delete`,
docs/running/tenants.md): what was deleted, when and by whom, every table's rows and a
checksum of its content as it was, and which backups may still hold it and until when — what
the data processing agreement promises a municipality at the end.

The checksum of a table is SHA-256 over its rows in the order of its first column, each row
the text of its values: whoever kept a copy of the database (a snapshot, their own export) can
compute it again and see that the deleted content is the one they hold.

The tenant whose database is the installation's own (DATABASE_URL, tenancy.seed), which the
installation goes on using, has it emptied (every table but Django's record of migrations) rather than
dropped, and SQLite's file is vacuumed so that no deleted page lingers in it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from samtale.tenancy import Tenant, activated

# Kept, so that the emptied database is still one the installation knows how to migrate.
KEPT = ("django_migrations",)
_STAMP = re.compile(r"-(\d{8}T\d{6}Z)\.")


@dataclass(frozen=True)
class Held:
    """A backup that may still hold the tenant's data, and until when at the latest."""

    path: str
    taken_at: str
    until: str


@dataclass
class Certificate:
    slug: str
    name: str
    # Its database emptied, not dropped (the installation's own, tenancy.seed).
    emptied: bool
    deleted_at: str
    deleted_by: str
    database: str
    tables: dict[str, dict[str, object]] = field(default_factory=dict)
    rows: int = 0
    files: list[str] = field(default_factory=list)
    backups: list[Held] = field(default_factory=list)
    backups_gone_by: str = ""
    backup_days: int = 0


def table_digests(tenant: Tenant) -> dict[str, dict[str, object]]:
    """Every table of the tenant's database: its rows and the SHA-256 of its content."""
    found: dict[str, dict[str, object]] = {}
    with activated(tenant):
        connection = connections[DEFAULT_DB_ALIAS]
        for table in sorted(connection.introspection.table_names()):
            quoted = connection.ops.quote_name(table)  # a name the database gave
            digest = hashlib.sha256()
            count = 0
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608
                while batch := cursor.fetchmany(2000):
                    for row in batch:
                        digest.update(_row_text(row))
                        count += 1
            found[table] = {"rows": count, "sha256": digest.hexdigest()}
    return found


def _row_text(row: tuple) -> bytes:
    values = [v.hex() if isinstance(v, (bytes, memoryview)) else str(v) for v in row]
    return ("\x1f".join(values) + "\n").encode()


def own_database_empty(tenant: Tenant) -> None:
    """Every row of the installation's own database deleted, its tables kept. The audit log's
    append-only rule (core migration 0004) stands for everything else: here the whole
    tenant goes, its log with it, so the rule is set aside for this one transaction."""
    with activated(tenant):
        connection = connections[DEFAULT_DB_ALIAS]
        tables = [t for t in connection.introspection.table_names() if t not in KEPT]
        quoted = [connection.ops.quote_name(t) for t in tables]
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            try:
                with transaction.atomic():
                    cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
                    for name in quoted:
                        cursor.execute(f"DELETE FROM {name}")  # noqa: S608
                    cursor.execute(_sqlite_no_delete())
                cursor.execute("VACUUM")
            finally:
                cursor.execute("PRAGMA foreign_keys = ON")


def _sqlite_no_delete() -> str:
    from importlib import import_module

    audit = import_module("samtale.core.migrations.0004_audit_append_only")
    return audit.SQLITE_NO_DELETE


def backups_holding(
    tenant: Tenant, folders: list[Path], deleted_at: datetime
) -> tuple[list[Held], datetime]:
    """The snapshots of the tenant found in `folders` (manage.py backup's, named with the UTC
    time they were taken; tenants backup's, a folder per tenant), each held until it was
    taken + SAMTALE_BACKUP_DAYS; and the day by which no backup made under that period holds
    it any more (the last one possible was taken now)."""
    days = timedelta(days=settings.SAMTALE_BACKUP_DAYS)
    held = []
    for folder in folders:
        candidates = [*folder.glob("samtale-*"), *(folder / tenant.slug).glob("*")]
        for path in sorted(candidates):
            if path.name.endswith((".sha256", ".partial")) or not path.is_file():
                continue
            if path.name == "tenant.json":
                continue
            stamp = _STAMP.search(path.name)
            taken = (
                datetime.strptime(stamp.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                if stamp
                else datetime.fromtimestamp(path.stat().st_mtime, UTC)
            )
            held.append(Held(str(path), _iso(taken), _iso(taken + days)))
    return held, deleted_at + days


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def certificate_write(certificate: Certificate, folder: Path) -> tuple[Path, Path]:
    """The certificate as JSON (to check by machine) and as text in Norwegian (to hand the
    municipality), in `folder`: `<slug>-slettet-<UTC time>.json` and `.txt`."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = certificate.deleted_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    base = folder / f"{certificate.slug}-slettet-{stamp}"
    as_json = base.with_suffix(".json")
    as_json.write_text(json.dumps(asdict(certificate), indent=2, ensure_ascii=False) + "\n")
    as_text = base.with_suffix(".txt")
    as_text.write_text(certificate_text(certificate))
    return as_json, as_text


def certificate_text(c: Certificate) -> str:
    lines = [
        f"Slettebekreftelse: {c.name} ({c.slug})",
        "",
        f"Slettet:      {c.deleted_at} (UTC)",
        f"Slettet av:   {c.deleted_by}",
        f"Database:     {c.database}",
        f"Rader:        {c.rows} i {len(c.tables)} tabeller (per tabell nedenfor, med SHA-256",
        "              av innholdet slik det var: den kan regnes ut igjen fra en kopi)",
        "",
    ]
    if c.files:
        lines += ["Filer slettet:", *(f"  {path}" for path in c.files), ""]
    lines.append(
        f"Sikkerhetskopier: slettes {c.backup_days} dager etter at de ble tatt "
        "(SAMTALE_BACKUP_DAYS)."
    )
    if c.backups:
        lines.append("Disse kan fortsatt holde dataene, til senest:")
        lines += [f"  {held.until}  {held.path} (tatt {held.taken_at})" for held in c.backups]
    else:
        lines.append("Ingen sikkerhetskopi av dem ble funnet i mappene som ble sett etter.")
    lines += [
        f"Kopier tatt andre steder etter samme regel er borte senest {c.backups_gone_by}.",
        "",
        f"{'Tabell':<48} {'Rader':>9}  SHA-256",
    ]
    for table, facts in c.tables.items():
        lines.append(f"{table:<48} {facts['rows']:>9}  {facts['sha256']}")
    return "\n".join(lines) + "\n"
