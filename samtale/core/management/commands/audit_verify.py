"""`manage.py audit_verify`: is the audit log's chain whole?

Walks every entry in id order (streaming: fine for millions), recomputes each hash and
checks each link (core.audit.chain_verify). Prints OK with the count and the last entry's
hash, which an operator may keep elsewhere: entries removed from the end of the chain
leave no break behind, but a head that no longer matches the one kept shows it. Otherwise
it names the first broken entry and exits with status 1.

Each tenant has its own chain, in its own database (core.tenancy): `--tenant <slug>` checks
one, `--every-tenant` each in turn (a line each, prefixed with its short name); without
either, the home tenant's.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from samtale.core import tenancy
from samtale.core.audit import chain_verify


class Command(BaseCommand):
    help = "Check the whole audit log's chain of hashes and name the first broken entry."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--tenant", help="The tenant whose chain to check (its short name).")
        which.add_argument("--every-tenant", action="store_true", help="Each tenant's chain.")

    def handle(self, *, tenant=None, every_tenant=False, **options):
        if not tenant and not every_tenant:
            return self.verify("")
        tenancy.forget()
        tenants = (
            tenancy.every_tenant(suspended=True) if every_tenant else [tenancy.by_slug(tenant)]
        )
        if tenants == [None]:
            raise CommandError(f"No tenant is called {tenant!r}.")
        broken = []
        for one in tenants:
            with tenancy.activated(one):
                try:
                    self.verify(f"{one.slug}: ")
                except CommandError as error:
                    self.stderr.write(f"{one.slug}: {error}")
                    broken.append(one.slug)
        if broken:
            raise CommandError(f"Broken chains: {', '.join(broken)}.")

    def verify(self, prefix: str) -> None:
        result = chain_verify()
        broken = result.broken
        if broken is None:
            self.stdout.write(
                f"{prefix}OK: {result.count} entries, the chain is whole. "
                f"Last entry: {result.head_id}, hash {result.head_hash}"
            )
            return
        when = f" ({timezone.localtime(broken.at).isoformat()})" if broken.at else ""
        raise CommandError(
            f"The audit log is broken at entry {broken.id}{when}: {broken.detail}. "
            f"The {result.count} entries before it are whole."
        )
