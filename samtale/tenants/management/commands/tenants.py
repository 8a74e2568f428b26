"""`manage.py tenants …`: the installation's tenants (docs/running/tenants.md).

tenants list
tenants create nordvik --name "Nordvik kommune" --host nordvik.samtale.no [--url …] \
    --set DEFAULT_FROM_EMAIL="Nordvik kommune <samtale@nordvik.kommune.no>" [--set NAME=value …]
tenants configure nordvik [NAME=value …]
tenants suspend nordvik | tenants resume nordvik
tenants export nordvik var/exports/nordvik
tenants restore var/exports/nordvik [--slug … --host …] [--set NAME=value …]
tenants delete nordvik --yes
tenants migrate
tenants run nordvik -- audit_verify
"""

import getpass
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from samtale.core import tenancy
from samtale.core.commands import TenantAware
from samtale.tenants import operators, services, transfer


class Command(TenantAware, BaseCommand):
    help = "Create, list, suspend, export, restore, delete and migrate the tenants."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every tenant, its host names and state.")
        create = sub.add_parser("create", help="A new tenant with an empty database.")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--host", action="append", required=True, dest="hosts")
        create.add_argument("--url", default="")
        create.add_argument(
            "--set",
            action="append",
            default=[],
            dest="values",
            metavar="NAME=value",
            help=f"What it configures (again for each); at least {', '.join(services.required())}.",
        )
        for name in ("suspend", "resume"):
            sub.add_parser(name).add_argument("slug")
        export = sub.add_parser("export", help="Everything a tenant holds, into a new folder.")
        export.add_argument("slug")
        export.add_argument("folder", type=Path)
        restore = sub.add_parser("restore", help="A tenant exported, made again here.")
        restore.add_argument("folder", type=Path)
        restore.add_argument("--slug", default="")
        restore.add_argument("--host", action="append", dest="hosts")
        restore.add_argument(
            "--set",
            action="append",
            default=[],
            dest="values",
            metavar="NAME=value",
            help="Set on top of what the folder carries (again for each).",
        )
        delete = sub.add_parser("delete", help="A suspended tenant's database and files.")
        delete.add_argument("slug")
        delete.add_argument("--yes", action="store_true", help="No question asked.")
        configure = sub.add_parser(
            "configure", help="What a tenant configures: NAME=value (empty: unset); none: show."
        )
        configure.add_argument("slug")
        configure.add_argument("values", nargs="*", metavar="NAME=value")
        sub.add_parser("migrate", help="The template and every tenant, to the latest migration.")
        operator = sub.add_parser(
            "operator", help="An operator of the operators' page, or a new password for one."
        )
        operator.add_argument("username")
        operator.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )
        run = sub.add_parser("run", help="A manage.py command inside a tenant.")
        run.add_argument("slug")
        run.add_argument("command", nargs="+")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except services.TenantError as error:
            raise CommandError(str(error)) from None

    def do_list(self, **options):
        tenancy.forget()
        for tenant in tenancy.every_tenant(suspended=True):
            state = "suspended" if tenant.suspended else "active"
            kind = "home" if tenant.home else tenant.database.get("NAME", "")
            self.stdout.write(f"{tenant.slug:<16} {state:<10} {tenant.name}  {tenant.url}")
            self.stdout.write(
                f"{'':<16} {'':<10} hosts: {', '.join(tenant.hosts)}; database: {kind}"
            )

    def do_create(self, *, slug, name, hosts, url, values, **options):
        started = time.perf_counter()
        tenant = services.tenant_create(
            slug=slug, name=name, hosts=hosts, url=url, config=_pairs(values)
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Created {tenant.name} ({tenant.slug}) at {tenant.url} in {seconds:.1f} s."
        )

    def do_suspend(self, *, slug, **options):
        services.tenant_suspend(slug)
        self.stdout.write(f"{slug} is suspended: its addresses answer 503, no work runs for it.")

    def do_resume(self, *, slug, **options):
        services.tenant_suspend(slug, suspended=False)
        self.stdout.write(f"{slug} is active again.")

    def do_export(self, *, slug, folder, **options):
        transfer.tenant_export(slug, folder)
        self.stdout.write(
            f"Exported {slug} to {folder}/ (restore it with: tenants restore {folder})."
        )

    def do_restore(self, *, folder, slug, hosts, values, **options):
        done = transfer.tenant_restore(folder, slug=slug, hosts=hosts, values=_pairs(values))
        tenant = done.tenant
        self.stdout.write(f"Restored {tenant.name} as {tenant.slug} at {', '.join(tenant.hosts)}.")
        if done.to_set_again:
            self.stdout.write(
                "Its configuration was exported with another installation's key and is not "
                f"carried over: set again with tenants configure {tenant.slug} NAME=value: "
                + ", ".join(done.to_set_again)
            )

    def do_delete(self, *, slug, yes, **options):
        if not yes:
            raise CommandError(f"Deleting {slug} cannot be undone: add --yes (export it first).")
        held = services.tenant_delete(slug)
        self.stdout.write(
            f"Deleted {slug}: {sum(held.values())} rows in {len(held)} tables, its database "
            "and its files."
        )

    def do_configure(self, *, slug, values, **options):
        pairs = _pairs(values)
        shown = services.tenant_configure(slug, pairs) if pairs else services.config_shown(slug)
        for name, value in shown.items():
            self.stdout.write(f"{name}={value}")
        if not shown:
            self.stdout.write(f"{slug} configures nothing of its own: the installation's defaults.")

    def do_migrate(self, **options):
        for done in services.tenants_migrate(verbosity=max(0, options["verbosity"] - 1)):
            if options["verbosity"] == 0:
                continue
            self.stdout.write(f"{done.slug:<16} migrated in {done.seconds:.1f} s")
            if done.output.strip():
                self.stdout.write(done.output.rstrip())

    def do_operator(self, *, username, password_stdin, **options):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Again: ") != password:
                raise CommandError("The two passwords differ; nothing was changed.")
        if len(password) < 12:
            raise CommandError("An operator's password has at least 12 characters.")
        operators.operator_set(username, password)
        self.stdout.write(
            f"{username} may sign in on {', '.join(settings.SAMTALE_OPERATOR_HOSTS) or '(SAMTALE_OPERATOR_HOSTS is empty)'}."
        )

    def do_run(self, *, slug, command, **options):
        tenancy.forget()
        tenant = tenancy.by_slug(slug)
        if tenant is None:
            raise CommandError(f"No tenant is called {slug!r}.")
        name, *rest = [part for part in command if part != "--"]
        with tenancy.activated(tenant):
            call_command(name, *rest, stdout=self.stdout._out, stderr=self.stderr._out)


def _pairs(values: list[str]) -> dict[str, str]:
    """NAME=value arguments (a value may hold "="); one without "=" is refused."""
    if bad := [value for value in values if "=" not in value]:
        raise CommandError(f"Give each setting as NAME=value, not {bad[0]!r}.")
    return dict(value.partition("=")[::2] for value in values)
