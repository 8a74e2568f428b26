"""`manage.py restore FILE`: bring back a snapshot made by `manage.py backup`.

Refuses a snapshot whose checksum file is missing or does not match, and one of the other
database's kind, before it changes anything. Replaces everything in the configured
database, so it asks first; a sealed snapshot (`.age`) is opened with the operator's key file
(`--identity`) and checked again after; `--yes` answers for a script, and without it a run that has no
terminal to ask on is refused. Stop the app, the worker and the scheduler before it.
"""

import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from samtale.core.backup import (
    BackupError,
    database_label,
    snapshot_restore,
    snapshot_unseal,
    snapshot_verify,
)
from samtale.tenancy.commands import TenantCommand


class Command(TenantCommand):
    # One tenant's data, from one file or into one: never every tenant's at once.
    allows_every_tenant = False
    # A restore is what one runs when something is wrong: no system check may stand in its way.
    requires_system_checks = []
    help = (
        "Replace everything in the database with a snapshot from manage.py backup, after "
        "checking its checksum. Stop the app, the worker and the scheduler first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="The snapshot (its .sha256 file beside it).")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: replace the database at once."
        )
        parser.add_argument(
            "--identity", type=Path, help="The operator's age key file, for a sealed snapshot."
        )

    def handle(self, *, file: Any, yes: Any, identity: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="samtale-restore-") as private:
            try:
                if file.name.endswith(".age"):
                    file = snapshot_unseal(file, identity, Path(private))
                snapshot = snapshot_verify(file)
                if not yes:
                    self._confirm(snapshot.path.name)
                restored = snapshot_restore(snapshot)
            except (BackupError, OSError) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {snapshot.path.name} (sha256 {snapshot.sha256}) into "
            f"{restored.database}: {restored.tables} tables, "
            f"{restored.audit_entries} audit log entries.\n"
            "Check the audit log's chain with `manage.py audit_verify`."
        )

    def _confirm(self, name: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Restoring replaces everything in the database, and there is no terminal to "
                "ask on: run it again with --yes. Nothing was restored."
            )
        self.stdout.write(f"This replaces everything in {database_label()} with {name}.")
        if input("Type yes to go on: ").strip().lower() != "yes":
            raise CommandError("Not confirmed. Nothing was restored.")
