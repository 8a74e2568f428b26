"""Operating tenants: create, suspend, resume, export, restore, delete, migrate
(`manage.py tenants`, docs/running/tenants.md). The home tenant (the installation's own
database) is the installation's: it is migrated with the others, and none of the rest
applies to it."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from samtale.core import tenancy as directory
from samtale.core.backup import snapshot_restore, snapshot_take, snapshot_verify
from samtale.core.secrets import encrypt
from samtale.core.tenancy import CONTROL, Tenant, activated
from samtale.tenants import databases
from samtale.tenants.models import SLUG, Host
from samtale.tenants.models import Tenant as Row

logger = logging.getLogger(__name__)


class TenantError(Exception):
    """What the operator is told: nothing was changed."""


def _clean_hosts(hosts: list[str]) -> list[str]:
    cleaned = [host.strip().lower().rstrip(".") for host in hosts if host.strip()]
    if not cleaned:
        raise TenantError("A tenant needs at least one host name.")
    taken = set(settings.SAMTALE_HOSTS) | set(settings.SAMTALE_OPERATOR_HOSTS)
    taken |= set(Host.objects.values_list("name", flat=True))
    if clash := sorted(set(cleaned) & taken):
        raise TenantError(f"Another tenant, or the operators' page, answers at {', '.join(clash)}.")
    return list(dict.fromkeys(cleaned))


def _check_slug(slug: str) -> None:
    try:
        SLUG(slug)
    except ValidationError as error:
        raise TenantError(f"{slug!r}: {error.messages[0]}") from None
    if (
        slug in (settings.SAMTALE_TENANT, databases.TEMPLATE)
        or Row.objects.filter(slug=slug).exists()
    ):
        raise TenantError(f"There is a tenant {slug!r} already.")


def tenant_create(*, slug: str, name: str, hosts: list[str], url: str = "") -> Tenant:
    """Register a tenant with a new, migrated, empty database of its own."""
    _check_slug(slug)
    hosts = _clean_hosts(hosts)
    if not name.strip():
        raise TenantError("A tenant needs a name (the organization's).")
    database = databases.database_create(slug)
    with transaction.atomic(using=CONTROL):
        row = Row.objects.create(
            slug=slug,
            name=name.strip(),
            url=(url or f"https://{hosts[0]}").rstrip("/"),
            database=database["NAME"],
            role=database.get("USER", ""),
            password=encrypt(database.get("PASSWORD", "")),
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


def _registered(slug: str) -> Row:
    if slug == settings.SAMTALE_TENANT:
        raise TenantError(
            f"{slug!r} is the home tenant: its database is the installation's own "
            "(DATABASE_URL), operated with the installation."
        )
    row = Row.objects.filter(slug=slug).first()
    if row is None:
        raise TenantError(f"No tenant is called {slug!r}.")
    return row


def tenant_suspend(slug: str, *, suspended: bool = True) -> None:
    """A suspended tenant's host names answer 503, and no background work runs for it;
    nothing of it is deleted."""
    row = _registered(slug)
    row.state = Row.State.SUSPENDED if suspended else Row.State.ACTIVE
    row.save(update_fields=["state", "changed_at"])
    directory.forget()


def _parsed(name: str, text: str):
    kind, _own = directory.CONFIGURABLE[name]
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise TenantError(f"{name} is a number, not {text!r}.") from None
    if kind is bool:
        if text.lower() not in ("true", "false", "yes", "no", "1", "0"):
            raise TenantError(f"{name} is true or false, not {text!r}.")
        return text.lower() in ("true", "yes", "1")
    if kind == directory.JSON:
        return _sso_providers(name, text)
    return text


def _sso_providers(name: str, text: str) -> str:
    """Checked, and kept as the JSON it is (encrypted)."""
    try:
        providers = json.loads(text)
    except ValueError:
        raise TenantError(f"{name} is JSON: a list of providers.") from None
    needed = {"provider_id", "name", "client_id", "secret", "settings"}
    if not isinstance(providers, list) or not all(
        isinstance(p, dict) and needed <= set(p) and p["settings"].get("server_url")
        for p in providers
    ):
        raise TenantError(
            f"{name} is a list of {{{', '.join(sorted(needed))}}}, with settings.server_url."
        )
    return json.dumps(providers)


def tenant_configure(slug: str, values: dict[str, str]) -> dict:
    """Set (or, with an empty value, unset) what the tenant configures for itself; the
    secrets are kept encrypted. Returns the configuration, its secrets shown as "***"."""
    row = _registered(slug)
    unknown = sorted(set(values) - set(directory.CONFIGURABLE))
    if unknown:
        raise TenantError(
            f"Not a setting a tenant configures: {', '.join(unknown)} "
            f"(it may: {', '.join(sorted(directory.CONFIGURABLE))})."
        )
    config = dict(row.config)
    for name, text in values.items():
        if text == "":
            config.pop(name, None)
            continue
        value = _parsed(name, text)
        config[name] = encrypt(value) if _kept_secret(name) else value
    row.config = config
    row.save(update_fields=["config", "changed_at"])
    directory.forget()
    return config_shown(slug)


def _kept_secret(name: str) -> bool:
    return directory.CONFIGURABLE[name][0] in (directory.SECRET, directory.JSON)


def config_shown(slug: str) -> dict:
    """The tenant's configuration for the operator: secrets as "***"."""
    row = _registered(slug)
    return {
        name: "***" if _kept_secret(name) else value for name, value in sorted(row.config.items())
    }


def tenant_set_url(slug: str, url: str) -> None:
    """The address the tenant's links are made from."""
    Row.objects.filter(pk=_registered(slug).pk).update(url=url.rstrip("/"))
    directory.forget()


def tenant_delete(slug: str) -> dict[str, int]:
    """Delete the tenant: its database, its role, its files, its register entry. Returns
    the rows it held, per table, counted before."""
    row = _registered(slug)
    if row.state != Row.State.SUSPENDED:
        raise TenantError(f"Suspend {slug!r} first: a tenant that serves people is not deleted.")
    tenant = tenant_get(slug)
    held = row_counts(tenant)
    databases.database_drop(tenant)
    row.delete()
    directory.forget()
    logger.info("Tenant %s deleted: %s rows in %s tables.", slug, sum(held.values()), len(held))
    return held


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


def tenants_migrate(*, verbosity: int = 0) -> list[Migrated]:
    """Bring the control database, the template (once there is one), the home tenant and
    every registered tenant to the latest migration, one after the other."""
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
    for tenant in directory.every_tenant(suspended=True):
        started = time.perf_counter()
        output = databases.migrate(tenant, verbosity=verbosity)
        done.append(Migrated(tenant.slug, time.perf_counter() - started, output))
    return done


MANIFEST = "tenant.json"


def tenant_export(slug: str, folder: Path) -> Path:
    """Everything the tenant holds, as a folder: a snapshot of its database (core.backup,
    with its checksum) and the register's entry, which `tenant_restore` reads back."""
    tenant = tenant_get(slug)
    folder.mkdir(parents=True, exist_ok=False)
    with activated(tenant):
        snapshot = snapshot_take(
            output=folder / f"{slug}{'.sqlite3' if databases.engine() == 'sqlite3' else '.dump'}"
        )
    manifest = {
        "slug": tenant.slug,
        "name": tenant.name,
        "url": tenant.url,
        "hosts": list(tenant.hosts),
        "snapshot": snapshot.path.name,
        "kind": snapshot.kind,
        "sha256": snapshot.sha256,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return folder


def tenant_restore(folder: Path, *, slug: str = "", hosts: list[str] | None = None) -> Tenant:
    """A tenant exported (tenant_export) made again here, under its own slug and host
    names unless others are given."""
    manifest = json.loads((folder / MANIFEST).read_text())
    snapshot = snapshot_verify(folder / manifest["snapshot"])
    tenant = tenant_create(
        slug=slug or manifest["slug"],
        name=manifest["name"],
        hosts=hosts or manifest["hosts"],
        url="" if hosts else manifest["url"],
    )
    with activated(tenant):
        snapshot_restore(snapshot)
    if manifest.get("config"):
        tenant_configure(tenant.slug, manifest["config"])
    return tenant_get(tenant.slug)
