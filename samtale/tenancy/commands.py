"""Commands and the tenants they act in (tenancy): a command is an entry point, and
says which tenant its work is for.

- The product's commands that act on tenants' data are `TenantCommand`s: `--tenant <slug>`
  names one, `--every-tenant` asks for each in turn. With neither, one called inside a tenant
  (`tenants run <slug> -- <command>`, or another command's call_command) acts in that one;
  otherwise a command that is about each tenant (retention, audit_verify) acts in each, and
  one that is about one tenant (demo_data, backup) acts in the installation's only tenant,
  and where there are several says which there are and acts in none.
- Commands that activate their tenants themselves (the worker, the scheduler, `tenants`)
  are `TenantAware`.
- Django's own commands and others' (migrate, createsuperuser, shell, dbshell) act in the
  tenant of the installation's own database (DATABASE_URL's; tenancy.seed) where the
  installation serves one, activated here, at the command line
  (`execute_from_command_line`); `tenants run <slug> -- <command>` runs one in another.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.core.management import ManagementUtility
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from samtale import tenancy
from samtale.tenancy import seed


class TenantAware(BaseCommand):
    """A command whose work activates its tenants itself."""

    def check(self, *args: Any, **kwargs: Any) -> None:
        # The system checks that ask a database (what its features are) ask the control
        # database: every tenant's is of one kind, and this command is in none of them.
        if kwargs.get("databases") is None:
            kwargs["databases"] = [tenancy.CONTROL]
        return super().check(*args, **kwargs)


class TenantCommand(TenantAware, BaseCommand):
    # With neither --tenant nor --every-tenant, outside any tenant: every tenant (True), or
    # the installation's only one (False).
    every_tenant_by_default = False
    # Whether it may run in every tenant at all: not one that writes one tenant's data from
    # one file, or into one (restore, backup, the demo's data).
    allows_every_tenant = True
    # Every tenant includes the suspended ones (what checks a tenant, not what works in it).
    suspended_too = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--tenant", default="", metavar="SLUG", help="In this tenant only.")
        if self.allows_every_tenant:
            where.add_argument(
                "--every-tenant", action="store_true", help="In every tenant, one after the other."
            )
        return parser

    def execute(self, *args: Any, **options: Any) -> str | None:
        slug = options.pop("tenant", "") or ""
        every = options.pop("every_tenant", False)
        tenants = self.tenants(slug=slug, every=every)
        # Where BaseCommand.execute will write (call_command's stdout), for the headings.
        if options.get("stdout"):
            self.stdout = OutputWrapper(options["stdout"])
        if options.get("stderr"):
            self.stderr = OutputWrapper(options["stderr"])
        outputs, failed = [], []
        for tenant in tenants:
            with tenancy.activated(tenant):
                if len(tenants) > 1:
                    self.stdout.write(f"{tenant.slug}:")
                try:
                    outputs.append(super().execute(*args, **options) or "")
                except CommandError as error:
                    if len(tenants) == 1:
                        raise
                    # One tenant's failure stops no other's run: each is said, then all.
                    self.stderr.write(f"{tenant.slug}: {error}")
                    failed.append(tenant.slug)
        if failed:
            raise CommandError(f"Failed in {', '.join(failed)}.")
        return "".join(outputs)

    def tenants(self, *, slug: str, every: bool) -> list[tenancy.Tenant]:
        """The tenants this run acts in, each in turn."""
        tenancy.forget()
        if slug:
            tenant = tenancy.by_slug(slug)
            if tenant is None:
                raise CommandError(f"No tenant is called {slug!r} ({_slugs()}).")
            return [tenant]
        if every or (self.every_tenant_by_default and not tenancy.active()):
            return tenancy.every_tenant(suspended=self.suspended_too)
        if tenancy.active():
            return [tenancy.current()]
        tenants = tenancy.every_tenant()
        if len(tenants) != 1:
            raise CommandError(
                f"This installation serves {len(tenants)} tenants: name one with --tenant "
                f"({_slugs()})" + (", or --every-tenant." if self.allows_every_tenant else ".")
            )
        return tenants


def _slugs() -> str:
    return ", ".join(t.slug for t in tenancy.every_tenant(suspended=True)) or "none"


def execute_from_command_line(argv: list[str] | None = None) -> None:
    """manage.py: a command of Django's own, or another's that does not activate a tenant,
    runs in the tenant of the installation's own database where there is one."""
    argv = argv or sys.argv
    utility = ManagementUtility(argv)
    with _tenant_of(argv[1] if len(argv) > 1 else "help"):
        utility.execute()


def _tenant_of(name: str) -> AbstractContextManager[object]:
    import django
    from django.conf import settings
    from django.core.management import get_commands, load_command_class

    try:
        django.setup()
        app = get_commands().get(name)
        command = load_command_class(app, name) if app else None
    except Exception:  # noqa: BLE001 - ManagementUtility says what is wrong, as it always has
        return nullcontext()
    if command is None or isinstance(command, TenantAware):
        return nullcontext()
    # As the environment registers it (tenancy.seed), not read from the register: a command
    # of Django's runs where no database may be reached yet (collectstatic in an image's
    # build, the first migrate).
    if not settings.SAMTALE_HOSTS:
        return nullcontext()
    return tenancy.activated(seed.environment_tenant())
