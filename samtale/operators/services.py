"""Operating tenants: create, suspend, resume, export, restore, delete, migrate
(`manage.py tenants`, docs/running/tenants.md). The tenant of the installation's own
database (tenancy.seed) is one of them: migrated, configured, suspended, exported and deleted
as any other (its database emptied, not dropped: the installation runs on it)."""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from samtale import tenancy as directory
from samtale.core import outbound
from samtale.operators import databases, deletion, releases
from samtale.tenancy import CONTROL, Tenant, accounts, activated, configurable
from samtale.tenancy.models import SLUG, Host, Registration
from samtale.tenancy.secrets import SecretUnreadable, encrypt

logger = logging.getLogger(__name__)


class TenantError(Exception):
    """What the operator is told: nothing was changed."""


def _clean_hosts(hosts: list[str]) -> list[str]:
    """Host names as a browser sends them, checked (configurable.host_name_check), and free."""
    try:
        cleaned = [configurable.host_name_check(host) for host in hosts if host.strip()]
    except configurable.Refused as refused:
        raise TenantError(str(refused)) from None
    if not cleaned:
        raise TenantError("A tenant needs at least one host name.")
    taken = set(settings.SAMTALE_HOSTS) | set(settings.SAMTALE_OPERATOR_HOSTS)
    taken |= set(Host.objects.values_list("name", flat=True))
    if clash := sorted(set(cleaned) & taken):
        raise TenantError(f"Another tenant, or the operators' page, answers at {', '.join(clash)}.")
    return list(dict.fromkeys(cleaned))


def default_url(host: str) -> str:
    """The address a tenant's links are made from when none is given: https:// and its
    first host name, as production serves it. On a laptop (DEBUG), a name this machine
    answers at (localhost, *.localhost, a loopback address) is served by the development
    server, so it gets that server's scheme and port, SITE_URL's (`make run`'s:
    http://sorvik.localhost:8000), or its e-mails' links would lead nowhere."""
    if not (settings.DEBUG and _this_machine(host)):
        return f"https://{host}"
    site = urlsplit(settings.SITE_URL)
    return f"{site.scheme or 'http'}://{host}" + (f":{site.port}" if site.port else "")


def _this_machine(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")


def _clean_url(url: str) -> str:
    try:
        return configurable.web_address_check(url, what="The tenant's address (--url)").rstrip("/")
    except configurable.Refused as refused:
        raise TenantError(str(refused)) from None


def _check_slug(slug: str) -> None:
    try:
        SLUG(slug)
    except ValidationError as error:
        raise TenantError(f"{slug!r}: {error.messages[0]}") from None
    if (
        slug in (settings.SAMTALE_TENANT, databases.TEMPLATE)
        or Registration.objects.filter(slug=slug).exists()
    ):
        raise TenantError(f"There is a tenant {slug!r} already.")


def required() -> list[str]:
    """What every registered tenant must configure (its sender): `tenants create` asks."""
    return [name for name, entry in directory.declared().items() if entry.required]


def tenant_create(
    *,
    slug: str,
    name: str,
    hosts: list[str],
    url: str = "",
    config: dict[str, str] | None = None,
    server: str = "",
) -> Tenant:
    """Register a tenant with a new, migrated, empty database of its own (on `server`, one
    SAMTALE_DATABASE_SERVERS names; "": the installation's own), and what it configures
    (`config`, NAME → text, checked as `tenant_configure` checks it; its sender at least).
    Nothing is made when anything is refused."""
    stored = config_checked({}, config or {})
    return create_checked(slug=slug, name=name, hosts=hosts, url=url, stored=stored, server=server)


def create_checked(
    *,
    slug: str,
    name: str,
    hosts: list[str],
    url: str,
    stored: dict[str, Any],
    suspended: bool = False,
    server: str = "",
) -> Tenant:
    """tenant_create with its configuration already checked and as kept (`stored`)."""
    _check_slug(slug)
    try:
        directory.servers.check(server)
    except directory.servers.ServerUnknown as unknown:
        raise TenantError(str(unknown)) from None
    if server and databases.engine() == "sqlite3":
        raise TenantError("Tenants are placed on other servers on PostgreSQL only.")
    hosts = _clean_hosts(hosts)
    url = _clean_url(url or default_url(hosts[0]))
    if not name.strip() or len(name.strip()) > 200 or not name.isprintable():
        raise TenantError("A tenant needs a name (the organization's), on one line.")
    if missing := [entry for entry in required() if entry not in stored]:
        raise TenantError(
            f"A tenant must configure {', '.join(missing)} (its e-mails and invitations are sent "
            "from it): give it as NAME=value."
        )
    accounts_checked(slug, {}, stored)
    servers_checked({}, stored)
    database = databases.database_create(slug, server)
    with transaction.atomic(using=CONTROL):
        row = Registration.objects.create(
            slug=slug,
            name=name.strip(),
            url=url,
            state=Registration.State.SUSPENDED if suspended else Registration.State.ACTIVE,
            server=server,
            database=database["NAME"],
            role=database.get("USER", ""),
            password=encrypt(database.get("PASSWORD", "")),
            config=stored,
            # A copy of the template, migrated: current (releases.roll reads it again).
            migration=Registration.Migration.CURRENT,
            migrated_to=releases.fingerprint(releases.code_migrations()),
            migrated_at=timezone.now(),
        )
        Host.objects.bulk_create(Host(tenant=row, name=host) for host in hosts)
    directory.forget()
    logger.info("Tenant %s created: %s at %s.", slug, name, ", ".join(hosts))
    return tenant_get(slug)


def tenant_get(slug: str) -> Tenant:
    directory.forget()
    tenant = directory.by_slug(slug)
    if tenant is None:
        raise TenantError(f"No tenant is called {slug!r}.")
    return tenant


def _registered(slug: str) -> Registration:
    row = Registration.objects.filter(slug=slug).first()
    if row is None:
        raise TenantError(f"No tenant is called {slug!r}.")
    return row


def tenant_suspend(slug: str, *, suspended: bool = True) -> None:
    """A suspended tenant's host names answer 503, and no background work runs for it;
    nothing of it is deleted. One whose data was deleted is not opened again."""
    row = _registered(slug)
    if row.state == Registration.State.DELETED:
        if not suspended:
            raise TenantError(
                f"{slug!r}'s data was deleted: it is not opened again (its database is empty)."
            )
        return
    if row.state == Registration.State.MOVING and not suspended:
        raise TenantError(f"{slug!r} is being moved: it opens again when the move ends.")
    row.state = Registration.State.SUSPENDED if suspended else Registration.State.ACTIVE
    row.save(update_fields=["state", "changed_at"])
    directory.forget()


def config_checked(stored: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The configuration as kept (`stored`, secrets encrypted) with `values` (NAME → text;
    empty: unset) set, each checked by its declaration (tenancy.configurable), and the whole
    checked for what does not hold together. TenantError names the value and says why."""
    declared = directory.declared()
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise TenantError(
            f"Not a setting a tenant configures: {', '.join(unknown)} "
            f"(it may: {', '.join(sorted(declared))})."
        )
    config = dict(stored)
    for name, text in values.items():
        if text.strip() == "":
            if declared[name].required and name in stored:
                raise TenantError(f"{name} cannot be unset: every tenant has one.")
            config.pop(name, None)
            continue
        try:
            value = declared[name].parse(text)
        except configurable.Refused as refused:
            raise TenantError(str(refused)) from None
        config[name] = directory.config_kept(name, value)
    as_used = directory.config_read(config)
    sketch = Tenant(slug="_checked", name="", url="", database={"NAME": "_"}, config=as_used)
    found = configurable.problems(lambda name: directory.value_of(sketch, name))
    if found:
        raise TenantError(" ".join(found))
    return config


def accounts_checked(slug: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    """What ties tenant `slug` to the world outside, where its configuration (as kept) goes
    from `before` to `after`: an account another tenant has (configurable's `account`: its
    sender, mailbox, calendar address, webhook token, organization number, Fiks account,
    archive folder, or one inside another's) is refused, or one would take what is meant for
    the other; so is an archive folder outside SAMTALE_ARCHIVE_ROOT. An account it already
    had is not asked again. TenantError says which, and whose."""
    settings_of_accounts = [e for e in directory.declared().values() if e.account]
    had, has = (
        _account_keys(settings_of_accounts, before),
        _account_keys(settings_of_accounts, after),
    )
    changed = [
        entry
        for entry in settings_of_accounts
        if has[entry.name] and has[entry.name] != had[entry.name]
    ]
    folder = next((entry for entry in changed if entry.kind == configurable.FOLDER), None)
    if folder is not None:
        _inside_the_archive_root(folder.name, has[folder.name])
    if not changed:
        return
    others = Registration.objects.exclude(slug=slug).exclude(state=Registration.State.DELETED)
    for row in others.order_by("slug"):
        try:
            theirs = _account_keys(settings_of_accounts, row.config)
        except SecretUnreadable:
            logger.error("Tenant %s's accounts cannot be read to compare (its secrets).", row.slug)
            continue
        for entry in changed:
            if accounts.accounts_meet(entry, has[entry.name], theirs[entry.name]):
                shown = "the value given" if entry.secret else repr(has[entry.name])
                whose = (
                    f"{row.slug}'s archive folder, or inside or around it"
                    if entry.kind == configurable.FOLDER
                    else f"{row.slug}'s already"
                )
                raise TenantError(
                    f"{entry.name}: {shown} is {whose}: two tenants cannot share it, or one "
                    "would take what is meant for the other. Nothing was changed."
                )


def servers_checked(before: dict[str, Any], after: dict[str, Any]) -> None:
    """A municipality's own servers Samtale's server connects to (its calendar mailbox, its
    identity providers), where its configuration (as kept) goes from `before` to `after`:
    one whose name resolves to an address inside this installation's network (core.outbound)
    is refused, unless SAMTALE_OUTBOUND_ALLOWED_NETWORKS allows it. A name that does not
    resolve now is taken (the mailbox's reader checks again at each connection)."""
    had = set(_servers(directory.config_read(before)))
    for what, host, port in _servers(directory.config_read(after)):
        if (what, host, port) in had:
            continue
        try:
            outbound.addresses_checked(host, port, settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS)
        except outbound.Refused as refused:
            raise TenantError(
                f"{what}: {refused}. Samtale's server would connect there for this tenant; "
                "give an address on the internet, or allow the network with "
                "SAMTALE_OUTBOUND_ALLOWED_NETWORKS. Nothing was changed."
            ) from None
        except (OSError, UnicodeError, ValueError):
            continue  # does not resolve now: checked again when connected to


def _servers(config: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(setting, host, port) of each server a tenant's configuration (as used) names."""
    found = []
    imap = urlsplit(str(config.get("SAMTALE_CALENDAR_IMAP_URL") or ""))
    if imap.hostname:
        tls = imap.scheme == "imaps"
        found.append(
            ("SAMTALE_CALENDAR_IMAP_URL", imap.hostname, imap.port or (993 if tls else 143))
        )
    for provider in config.get("SAMTALE_SSO_PROVIDERS") or []:
        server = urlsplit(str((provider.get("settings") or {}).get("server_url") or ""))
        if server.hostname:
            found.append(("SAMTALE_SSO_PROVIDERS", server.hostname, server.port or 443))
    return found


def _account_keys(entries: list[configurable.Declared], stored: dict[str, Any]) -> dict[str, str]:
    """Each account setting's key (tenancy.accounts.account_key), as the tenant uses it (a
    derived one too: the calendar address its sender's)."""
    sketch = Tenant(
        slug="_accounts",
        name="",
        url="",
        database={"NAME": "_"},
        config=directory.config_read(stored),
    )
    return {
        entry.name: accounts.account_key(entry, directory.value_of(sketch, entry.name))
        for entry in entries
    }


def _inside_the_archive_root(name: str, folder: str) -> None:
    root = settings.SAMTALE_ARCHIVE_ROOT
    if not root:
        raise TenantError(
            f"{name}: a tenant's archive folder must lie inside SAMTALE_ARCHIVE_ROOT, the folder "
            "the municipalities' archive folders are in, which is not set. Nothing was changed."
        )
    if not accounts.folder_inside(folder, root):
        raise TenantError(
            f"{name}: {folder!r} is not inside SAMTALE_ARCHIVE_ROOT ({root}), its links followed. "
            "Nothing was changed."
        )


def tenant_configure(slug: str, values: dict[str, str]) -> dict[str, Any]:
    """Set (or, with an empty value, unset) what the tenant configures for itself; the
    secrets are kept encrypted. A value refused changes nothing. Returns the configuration,
    its secrets shown as "***"."""
    row = _registered(slug)
    config = config_checked(dict(row.config), values)
    accounts_checked(slug, row.config, config)
    servers_checked(row.config, config)
    row.config = config
    row.save(update_fields=["config", "changed_at"])
    directory.forget()
    return config_shown(slug)


def config_shown(slug: str) -> dict[str, Any]:
    """The tenant's configuration for the operator: secrets as "***"."""
    row = _registered(slug)
    declared = directory.declared()
    return {
        name: "***" if declared[name].secret else value
        for name, value in sorted(row.config.items())
        if name in declared
    }


def tenant_set_url(slug: str, url: str) -> None:
    """The address the tenant's links are made from."""
    Registration.objects.filter(pk=_registered(slug).pk).update(url=_clean_url(url))
    directory.forget()


def tenant_delete(
    slug: str, *, by: str = "", backups: tuple[Path, ...] = (), certificate_to: Path | None = None
) -> deletion.Certificate:
    """Delete the tenant: its database, its role, its files, its register entry (the tenant of
    the installation's own database: every row of it, which stays, empty, and its host
    names answer as a suspended tenant's). Returns the certificate (tenants.deletion), written into
    `certificate_to` when given: the rows and checksum of every table as it was, who deleted
    it (`by`), and the snapshots in `backups` that may still hold it, and until when."""
    row = _registered(slug)
    if row.state not in (Registration.State.SUSPENDED, Registration.State.DELETED):
        raise TenantError(f"Suspend {slug!r} first: a tenant that serves people is not deleted.")
    tenant = tenant_get(slug)
    deleted_at = timezone.now()
    tables = deletion.table_digests(tenant)
    files = [str(path) for path in databases.files_of(slug) if path.exists()]
    if tenant.in_own_database:
        # The installation runs on it: emptied, and its row kept, saying so (tenancy.seed
        # does not open it again).
        deletion.own_database_empty(tenant)
        Registration.objects.filter(pk=row.pk).update(state=Registration.State.DELETED)
    else:
        databases.database_drop(tenant)
        row.delete()
    directory.forget()
    held, gone_by = deletion.backups_holding(tenant, list(backups), deleted_at)
    certificate = deletion.Certificate(
        slug=slug,
        name=tenant.name,
        emptied=tenant.in_own_database,
        deleted_at=deletion._iso(deleted_at),
        deleted_by=by,
        database=databases.described(tenant),
        tables=tables,
        rows=sum(int(str(facts["rows"])) for facts in tables.values()),
        files=files,
        backups=held,
        backups_gone_by=deletion._iso(gone_by),
        backup_days=settings.SAMTALE_BACKUP_DAYS,
    )
    if certificate_to is not None:
        deletion.certificate_write(certificate, certificate_to)
    logger.info(
        "Tenant %s deleted by %s: %s rows in %s tables.", slug, by, certificate.rows, len(tables)
    )
    return certificate


def row_counts(tenant: Tenant) -> dict[str, int]:
    """Every table of the tenant's database and its rows."""
    with activated(tenant):
        connection = connections[DEFAULT_DB_ALIAS]
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            counts = {}
            for table in tables:
                quoted = connection.ops.quote_name(table)  # a name the database gave
                cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return counts


@dataclass(frozen=True)
class Migrated:
    slug: str
    seconds: float
    output: str


def tenants_migrate(
    *,
    verbosity: int = 0,
    parallel: int = 4,
    canary: int = 2,
    canary_slugs: tuple[str, ...] = (),
    say: Any = lambda line: None,
    say_more: Any = None,
) -> tuple[list[Migrated], releases.Release]:
    """Bring the control database and the template (once there is one) to the latest
    migration, then every tenant behind, in waves (samtale.operators.releases): what the
    first two took, and the release over the tenants. `say` is given a line per wave and
    `say_more` one per tenant."""
    started = time.perf_counter()
    databases.control_ensure()
    out = StringIO()
    call_command(
        "migrate",
        database=CONTROL,
        interactive=False,
        verbosity=verbosity,
        stdout=out,
        skip_checks=True,
    )
    directory.forget()
    done = [Migrated("(control)", time.perf_counter() - started, out.getvalue())]
    if databases.template_exists():
        started = time.perf_counter()
        databases.template_refresh()
        done.append(Migrated("(template)", time.perf_counter() - started, ""))
    if databases.engine() != "sqlite3":
        for server in directory.servers.names():
            if revoked := databases.pg_memberships_revoked(server):
                say(f"The installation's role is no longer a member of {len(revoked)} roles.")
    for step in done:
        say(f"{step.slug:<16} migrated in {step.seconds:.1f} s")
    release = releases.Release(
        parallel=parallel,
        canary=canary,
        canary_slugs=canary_slugs,
        verbosity=verbosity,
        say=say,
        say_more=say_more,
    )
    try:
        return done, releases.roll(release)
    except releases.ReleaseError as error:
        raise TenantError(str(error)) from None
