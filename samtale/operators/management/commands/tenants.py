"""`manage.py tenants …`: the installation's tenants (docs/running/tenants.md).

tenants list
tenants create nordvik --name "Nordvik kommune" --host nordvik.samtale.no [--url …] \
    --set DEFAULT_FROM_EMAIL="Nordvik kommune <samtale@nordvik.kommune.no>" [--set NAME=value …]
tenants configure nordvik [NAME=value …]
tenants suspend nordvik | tenants resume nordvik
tenants export nordvik var/exports/nordvik --to age1… [--to-file receivers.txt]
tenants restore var/exports/nordvik --identity key.txt [--slug … --host …] [--set NAME=value …]
tenants delete nordvik --yes [--by "Navn"] [--backups var/backups …] [--certificate var/deletions]
tenants migrate [--parallel 4] [--canary 2 | --canary-slugs nordvik,sorvik]
tenants run nordvik -- audit_verify
tenants create … --server east | tenants move nordvik east [--keep-old]
tenants backup var/backups/2026-11-28 [--server east]
"""

import getpass
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from samtale import tenancy
from samtale.core import sealed
from samtale.operators import operators, services, transfer
from samtale.tenancy.commands import TenantAware

# A tenant's state as `tenants list` says it.
STATES = {
    "moving": "being moved (read only)",
    "deleted": "deleted (its database emptied by tenants delete)",
}


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
            "--server", default="", help="The database server (SAMTALE_DATABASE_SERVERS names)."
        )
        _values_argument(
            create,
            f"What it configures (again for each); at least {', '.join(services.required())}.",
        )
        for name in ("suspend", "resume"):
            sub.add_parser(name).add_argument("slug")
        _export_arguments(sub)
        restore = sub.add_parser("restore", help="A tenant exported, made again here.")
        restore.add_argument("folder", type=Path)
        restore.add_argument("--slug", default="")
        restore.add_argument("--host", action="append", dest="hosts")
        _values_argument(restore, "Set on top of what the folder carries (again for each).")
        restore.add_argument(
            "--identity", type=Path, help="The age key file that opens a sealed export."
        )
        _delete_arguments(sub)
        configure = sub.add_parser(
            "configure", help="What a tenant configures: NAME=value (empty: unset); none: show."
        )
        configure.add_argument("slug")
        configure.add_argument("values", nargs="*", metavar="NAME=value")
        _migrate_arguments(sub)
        operator = sub.add_parser(
            "operator", help="An operator of the operators' page, or a new password for one."
        )
        operator.add_argument("username")
        operator.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )
        _server_arguments(sub)
        run = sub.add_parser("run", help="A manage.py command inside a tenant.")
        run.add_argument("slug")
        run.add_argument("command", nargs="+")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except services.TenantError as error:
            raise CommandError(str(error)) from None

    def do_list(self, **options):
        """Each tenant as its pages name it (the header's name) and where they are (the
        address its e-mails' links start with), then its short name, host names and
        database."""
        tenancy.forget()
        migration = {row.slug: row for row in services.Registration.objects.all()}
        for tenant in tenancy.every_tenant(suspended=True):
            row = migration.get(tenant.slug)
            state = STATES.get(row.state, row.state) if row else "active"
            name = (
                tenant.name or "(no name: SAMTALE_ORGANIZATION is not set; its pages say Samtale)"
            )
            self.stdout.write(f"{name}  {tenant.url}  {state}")
            database = tenant.database.get("NAME") or "the installation's own (DATABASE_URL)"
            self.stdout.write(
                f"    {tenant.slug} · hosts: {', '.join(tenant.hosts)} · database: {database}"
            )
            if row is not None:
                self.stdout.write(f"    migration: {_migration_state(row)}")

    def do_create(self, *, slug, name, hosts, url, values, server, **options):
        started = time.perf_counter()
        tenant = services.tenant_create(
            slug=slug, name=name, hosts=hosts, url=url, config=_pairs(values), server=server
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

    def do_export(self, *, slug, folder, recipients, to_file, unencrypted, **options):
        keys = [*recipients, *(_recipients_in(to_file) if to_file else [])]
        keys = keys or sealed.operators()
        if not keys and not unencrypted:
            raise CommandError(
                "Say whom the export is for: --to age1… (their public key), or set "
                "SAMTALE_BACKUP_RECIPIENTS; --unencrypted writes it in clear."
            )
        if not keys and not settings.DEBUG:
            raise CommandError(
                "An export in clear is refused in production: it holds every person's data. "
                "Seal it for its receiver with --to age1…."
            )
        try:
            transfer.tenant_export(slug, folder, recipients=keys)
        except sealed.SealError as error:
            raise CommandError(str(error)) from None
        opened = " --identity <their key file>" if keys else ""
        self.stdout.write(
            f"Exported {slug} to {folder}/"
            + (f", sealed for {len(keys)} receiver(s)" if keys else ", in clear")
            + f" (restore it with: tenants restore {folder}{opened}; the open copy is "
            f"{transfer.OPEN_COPY}{sealed.SUFFIX if keys else ''})."
        )

    def do_backup(self, *, folder, server, **options):
        started = time.perf_counter()
        done = transfer.tenants_backup(folder, server=server, say=self.stdout.write)
        self.stdout.write(
            f"Exported {len(done)} tenants to {folder}/ in {time.perf_counter() - started:.1f} s "
            f"(each restores alone: tenants restore {folder}/<slug>)."
        )

    def do_restore(self, *, folder, slug, hosts, values, identity, **options):
        done = transfer.tenant_restore(
            folder, slug=slug, hosts=hosts, values=_pairs(values), identity=identity
        )
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
        var = Path(settings.BASE_DIR) / "var"
        done = services.tenant_delete(
            slug,
            by=options["by"] or getpass.getuser(),
            backups=tuple(options["backups"] or [var / "backups"]),
            certificate_to=options["certificate"] or var / "deletions",
        )
        where = options["certificate"] or var / "deletions"
        self.stdout.write(
            f"Deleted {slug}: {done.rows} rows in {len(done.tables)} tables"
            + (", its database emptied" if done.emptied else ", its database and its files")
            + f". Certificate: {where}/ ({len(done.backups)} backup(s) may hold it until "
            f"{done.backups_gone_by} at the latest)."
        )

    def do_configure(self, *, slug, values, **options):
        pairs = _pairs(values)
        shown = services.tenant_configure(slug, pairs) if pairs else services.config_shown(slug)
        for name, value in shown.items():
            self.stdout.write(f"{name}={value}")
        if not shown:
            self.stdout.write(f"{slug} configures nothing of its own: the installation's defaults.")

    def do_migrate(self, *, parallel, canary, canary_slugs, verbosity, **options):
        """Per wave a line, and the summary; at -v 2 a line per tenant and migrate's own."""
        say = self.stdout.write if verbosity >= 1 else (lambda line: None)
        steps, release = services.tenants_migrate(
            verbosity=max(0, verbosity - 1),
            parallel=parallel,
            canary=canary,
            canary_slugs=tuple(slug.strip() for slug in canary_slugs.split(",") if slug.strip()),
            say=say,
            say_more=self.stdout.write if verbosity >= 2 else None,
        )
        for step in steps:
            if verbosity >= 2 and step.output.strip():
                self.stdout.write(step.output.rstrip())
        say(release.summary())
        if release.failed or release.left_behind:
            raise CommandError(
                f"Not every tenant is current: {release.summary()}. The register says why "
                "(tenants list); run tenants migrate again once the cause is fixed: it "
                "migrates only those still behind."
            )

    def do_move(self, *, slug, server, keep_old, **options):
        from samtale.operators import moving

        moved = moving.tenant_move(slug, server, keep_old=keep_old, say=self.stdout.write)
        self.stdout.write(
            f"Moved {slug} in {moved.seconds:.1f} s, read-only for {moved.read_only_seconds:.1f} s: "
            f"{moved.tables} tables, {moved.rows} rows."
        )

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
            call_command(name, *rest, stdout=self.stdout, stderr=self.stderr)


def _values_argument(parser, help: str) -> None:
    """--set NAME=value, again for each."""
    parser.add_argument(
        "--set", action="append", default=[], dest="values", metavar="NAME=value", help=help
    )


def _export_arguments(sub) -> None:
    export = sub.add_parser("export", help="Everything a tenant holds, into a new folder.")
    export.add_argument("slug")
    export.add_argument("folder", type=Path)
    export.add_argument(
        "--to",
        action="append",
        default=[],
        dest="recipients",
        help="The receiver's age public key (age1…), again for each: the export is sealed "
        "for them (default: SAMTALE_BACKUP_RECIPIENTS).",
    )
    export.add_argument(
        "--to-file", type=Path, help="A file of age public keys, one a line (age's -R)."
    )
    export.add_argument(
        "--unencrypted",
        action="store_true",
        help="Write it in clear when no receiver is known (refused in production).",
    )


def _delete_arguments(sub) -> None:
    delete = sub.add_parser(
        "delete", help="A suspended tenant's data, with a certificate of what was deleted."
    )
    delete.add_argument("slug")
    delete.add_argument("--yes", action="store_true", help="No question asked.")
    delete.add_argument("--by", default="", help="Who deletes it (default: this user).")
    delete.add_argument(
        "--backups",
        action="append",
        type=Path,
        default=[],
        help="A folder of backups to name in the certificate (again for each; default: "
        "var/backups).",
    )
    delete.add_argument(
        "--certificate",
        type=Path,
        default=None,
        help="Where the certificate is written (default: var/deletions).",
    )


def _server_arguments(sub) -> None:
    """The sub-commands of the database servers: a tenant moved to another, and every
    tenant (or one server's) backed up."""
    move = sub.add_parser(
        "move", help="A tenant's database to another server, read-only while it is copied."
    )
    move.add_argument("slug")
    move.add_argument("server", help='A name SAMTALE_DATABASE_SERVERS gives; "": the own.')
    move.add_argument("--keep-old", action="store_true", help="Keep the old copy (read-only).")
    backup = sub.add_parser(
        "backup", help="Every tenant (--server: those on one server) exported, each alone."
    )
    backup.add_argument("folder", type=Path)
    backup.add_argument("--server", default=None, help='A server\'s name; "": the own.')


def _migrate_arguments(sub) -> None:
    migrate = sub.add_parser(
        "migrate",
        help="The template and every tenant behind, to the latest migration, in waves.",
    )
    migrate.add_argument(
        "--parallel",
        type=_positive,
        default=4,
        metavar="N",
        help="Tenants read and migrated at a time per database server (default 4).",
    )
    migrate.add_argument(
        "--canary",
        type=int,
        default=2,
        metavar="N",
        help="The first wave: this many of the tenants behind, the home tenant first "
        "(default 2; 0: no canaries). A failure there starts no further wave.",
    )
    migrate.add_argument(
        "--canary-slugs",
        default="",
        metavar="a,b",
        help="The first wave: these tenants (those of them behind) instead.",
    )


def _migration_state(row) -> str:
    """What the last `tenants migrate` recorded of the tenant (the register)."""
    if not row.migration:
        return "not recorded yet (tenants migrate records it)"
    when = f" {row.migrated_at:%Y-%m-%d %H:%M}" if row.migrated_at else ""
    error = row.migration_error.splitlines()[0] if row.migration_error else ""
    return f"{row.migration}{when}" + (f": {error}" if error else "")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(text)
    return int(text)


def _recipients_in(path: Path) -> list[str]:
    """The age public keys in a recipients file: one a line, "#" comments."""
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _pairs(values: list[str]) -> dict[str, str]:
    """NAME=value arguments (a value may hold "="); one without "=" is refused."""
    if bad := [value for value in values if "=" not in value]:
        raise CommandError(f"Give each setting as NAME=value, not {bad[0]!r}.")
    return dict(value.partition("=")[::2] for value in values)
