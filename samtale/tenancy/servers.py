"""The database servers tenants are placed on (SAMTALE_DATABASE_SERVERS): "" is the
installation's own, DATABASE_URL's; each other is named there. The register says which one
holds each tenant (samtale.tenancy.models.Registration.server); the app reaches a tenant's
database through its server's pool (`reach`), and the operators' commands reach the server
itself (`direct`) for what a pooler cannot do: create, dump, restore and drop databases."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, cast

import dj_database_url
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

if TYPE_CHECKING:
    from samtale.tenancy.context import Tenant

OWN = ""


class ServerUnknown(LookupError):
    """The register places a tenant on a server this installation is not told of."""


def names() -> list[str]:
    """Every server's name, the installation's own ("") first."""
    return [OWN, *sorted(settings.SAMTALE_DATABASE_SERVERS)]


def check(name: str) -> None:
    """ServerUnknown, saying which there are, unless `name` is one."""
    if name != OWN:
        _entry(name)


def _entry(name: str) -> dict[str, Any]:
    try:
        return settings.SAMTALE_DATABASE_SERVERS[name]
    except KeyError:
        raise ServerUnknown(
            f"No database server is called {name!r} (SAMTALE_DATABASE_SERVERS names "
            f"{', '.join(sorted(settings.SAMTALE_DATABASE_SERVERS)) or 'none'})."
        ) from None


def reach(name: str) -> dict[str, Any]:
    """What a tenant's database settings take from its server: where the app connects (the
    pool in front of it, or the server), and as whom the installation connects there. The
    installation's own: nothing (DATABASE_URL's)."""
    if name == OWN:
        return {}
    entry = _entry(name)
    reached = {
        "HOST": entry["pool"]["HOST"],
        "PORT": entry["pool"]["PORT"],
        "USER": entry["direct"]["USER"],
        "PASSWORD": entry["direct"]["PASSWORD"],
    }
    # libpq's options for the server (sslmode, sslrootcert), kept through its pool too.
    options: dict[str, Any] = dict(entry["direct"].get("OPTIONS", {}))
    if entry.get("pooled"):
        reached.update(POOLED)
        options.update(POOLED_OPTIONS)
    if options:
        reached["OPTIONS"] = options
    return reached


# A connection through a transaction-pooling PgBouncer (DB_POOLED's, for DATABASE_URL): given
# back at the end of each request or task, no server-side cursor, no prepared statement.
POOLED_OPTIONS: dict[str, Any] = {"prepare_threshold": None}
POOLED = {
    "CONN_MAX_AGE": 0,
    "DISABLE_SERVER_SIDE_CURSORS": True,
    "OPTIONS": POOLED_OPTIONS,
}


def direct(name: str) -> dict[str, Any]:
    """Django's settings for the server itself, its maintenance database as NAME (the
    installation's own: DATABASE_DIRECT_URL, else the control database's settings)."""
    config: dict[str, Any]
    if name != OWN:
        config = copy.deepcopy(_entry(name)["direct"])
    elif settings.DATABASE_DIRECT_URL:
        config = dict(dj_database_url.parse(settings.DATABASE_DIRECT_URL))
    else:
        config = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
        config["NAME"] = connections.settings["control"]["NAME"]
    config["ENGINE"] = connections.settings[DEFAULT_DB_ALIAS]["ENGINE"]
    config.update(CONN_MAX_AGE=0, AUTOCOMMIT=True)
    config.setdefault("OPTIONS", {})
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("ATOMIC_REQUESTS", False)
    config.setdefault("TEST", {})
    return config


def template_name() -> str:
    """The name of the tenants' template database on each PostgreSQL server: migrated and
    empty, copied for each new tenant (operators.databases), and what a dump is checked
    against (core.dumps)."""
    return f"{settings.SAMTALE_TENANT_DATABASES}template"


def unpooled(tenant: Any) -> Tenant:
    """The tenant as reached on its server itself, not through a pooler: for what a
    transaction pooler cannot carry (pg_dump's session, a migration's locks). The
    installation's own database is reached as this process reaches it (DATABASE_URL)."""
    from samtale.tenancy.context import Tenant

    if not tenant.database:
        return cast("Tenant", tenant)

    server = direct(tenant.server)
    database = {key: value for key, value in tenant.database.items() if key not in POOLED}
    database.update(HOST=server.get("HOST", ""), PORT=server.get("PORT", ""))
    return Tenant(
        slug=f"{tenant.slug}!direct",
        name=tenant.name,
        url=tenant.url,
        hosts=tenant.hosts,
        database=database,
        config=tenant.config,
        server=tenant.server,
    )


def libpq(config: dict[str, Any], database: str = "") -> list[str]:
    """pg_dump's and pg_restore's arguments to reach a server as `config` does."""
    args = ["--host", str(config.get("HOST") or "127.0.0.1")]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    return [*args, "--dbname", database or str(config["NAME"])]
