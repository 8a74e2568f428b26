"""`manage.py audit_verify`: is the audit log's chain whole?

Walks every entry in id order (streaming: fine for millions), recomputes each hash and
checks each link (core.audit.chain_verify). Prints OK with the count and the last entry's
hash, which an operator may keep elsewhere: entries removed from the end of the chain
leave no break behind, but a head that no longer matches the one kept shows it. Otherwise
it names the first broken entry and exits with status 1.

Each tenant has its own chain, in its own database (tenancy): `--tenant <slug>` checks
one; without it, each tenant's in turn (under its short name), every broken one named.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from samtale.core.audit import chain_verify
from samtale.tenancy.commands import TenantCommand


class Command(TenantCommand):
    help = "Check the whole audit log's chain of hashes and name the first broken entry."
    every_tenant_by_default = True
    suspended_too = True  # a suspended tenant's chain is checked as any other's

    def handle(self, **options: Any) -> None:
        result = chain_verify()
        broken = result.broken
        if broken is None:
            self.stdout.write(
                f"OK: {result.count} entries, the chain is whole. "
                f"Last entry: {result.head_id}, hash {result.head_hash}"
            )
            return
        when = (
            f" ({timezone.localtime(broken.at).isoformat()})"
            if isinstance(broken.at, datetime)
            else ""
        )
        raise CommandError(
            f"The audit log is broken at entry {broken.id}{when}: {broken.detail}. "
            f"The {result.count} entries before it are whole."
        )
