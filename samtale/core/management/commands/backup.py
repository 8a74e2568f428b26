"""`manage.py backup`: a snapshot of the database while the app runs, with its checksum.

SQLite through its online backup API, PostgreSQL through `pg_dump --format=custom`
(samtale.core.backup). Sealed for the operator's key when SAMTALE_BACKUP_RECIPIENTS names
one (core.sealed: `<file>.age`, its checksum file beside it, opened again by `manage.py
restore --identity`). Then the snapshots it wrote into the same folder more than
SAMTALE_BACKUP_DAYS days ago are deleted: a deletion certificate counts on it. Prints where it
went, its size and its SHA-256; exits with status 1 and says why when no snapshot was made.
"""

from typing import Any

from django.core.management.base import CommandError

from samtale.core.backup import (
    BackupError,
    checksum_path,
    snapshot_seal,
    snapshot_take,
    snapshots_expired_delete,
)
from samtale.tenancy.commands import TenantCommand


class Command(TenantCommand):
    # One tenant's data, from one file or into one: never every tenant's at once.
    allows_every_tenant = False
    # A backup is what one runs when something is wrong: no system check may stand in its way.
    requires_system_checks = []
    help = (
        "Write a consistent snapshot of the database, and its checksum beside it, while the "
        "app runs (default: var/backups/)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            help="A folder to write the snapshot in (named by database and time), or a file name.",
        )

    def handle(self, *, output: Any, **options: Any) -> None:
        try:
            snapshot = snapshot_seal(snapshot_take(output=output))
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup was made. {error}") from error
        sealed = snapshot.path.name.endswith(".age")
        self.stdout.write(
            f"Backup written: {snapshot.path}"
            + (" (sealed for the operator)" if sealed else "")
            + f"\n  size   {snapshot.size:,} bytes\n"
            f"  sha256 {snapshot.sha256} (in {checksum_path(snapshot.path).name})"
        )
        for path in snapshots_expired_delete(snapshot.path.parent):
            self.stdout.write(f"Deleted, older than SAMTALE_BACKUP_DAYS: {path.name}")
