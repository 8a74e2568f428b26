"""Which tenant a host name belongs to, and every tenant there is.

The home tenant is the installation's own database (DATABASE_URL), answering at the
installation's host names (SAMTALE_HOSTS): an installation for one organization has no
other. Every other tenant is registered in the control database (tenancy.models), which is read
at most every REFRESH_SECONDS per process (each request would otherwise pay a
query for it): a tenant suspended or moved is served so within that time by every process,
at once by the one that changed it (`forget`). A host name no tenant has is looked up again
when the register was read more than MISS_SECONDS ago, so a tenant created or given a host
name is served by every process from a second after, never answered 404 by a process that
read the register just before (a flood of unknown names reads it at most once a second).
The home tenant's host names are settings and need no query; whether it is suspended (or its
data deleted: `tenants suspend`/`delete` act on it as on any other) is kept in the register
too, and read with the rest."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.db import DatabaseError

from samtale.tenancy import servers
from samtale.tenancy.configured import config_read
from samtale.tenancy.context import Tenant
from samtale.tenancy.secrets import SecretUnreadable

if TYPE_CHECKING:
    from samtale.tenancy.models import Registration

logger = logging.getLogger("samtale.tenancy")

REFRESH_SECONDS = 10.0
MISS_SECONDS = 1.0


class _Loaded(TypedDict):
    at: float | None
    by_host: dict[str, Tenant]
    tenants: tuple[Tenant, ...]
    home_suspended: bool


_lock = threading.Lock()
_loaded: _Loaded = {"at": None, "by_host": {}, "tenants": (), "home_suspended": False}


def home(*, state: bool = True) -> Tenant:
    """The installation's own tenant: its database is DATABASE_URL's, its settings the
    environment's; suspended as the register last read says (`state=False`: not asked, for
    what only needs its name and database)."""
    return Tenant(
        slug=settings.SAMTALE_TENANT,
        name=settings.SAMTALE_ORGANIZATION,
        url=settings.SITE_URL,
        hosts=tuple(settings.SAMTALE_HOSTS),
        home=True,
        suspended=state and _load()["home_suspended"],
    )


def forget() -> None:
    """Read the register again at the next lookup (after this process changed it)."""
    with _lock:
        _loaded["at"] = None


def registered() -> tuple[Tenant, ...]:
    """The registered tenants (not the home tenant), suspended ones too."""
    return _load()["tenants"]


def every_tenant(*, suspended: bool = False) -> list[Tenant]:
    """The home tenant, when it serves a host name, and every registered one (without the
    suspended, and those being moved, whose database takes no writes meanwhile: unless
    asked)."""
    tenants = [home()] if settings.SAMTALE_HOSTS else []
    return [t for t in tenants + list(registered()) if suspended or not (t.suspended or t.moving)]


def by_slug(slug: str) -> Tenant | None:
    if settings.SAMTALE_HOSTS and slug == settings.SAMTALE_TENANT:
        return home()
    return next((t for t in registered() if t.slug == slug), None)


def by_host(host: str) -> Tenant | None:
    """The tenant answering at `host` (a name without port), or None: no one's."""
    host = host.lower().rstrip(".")
    if settings.SAMTALE_HOSTS and host in settings.SAMTALE_HOSTS:
        return home()
    tenant = _load()["by_host"].get(host)
    if tenant is None:
        tenant = _load(MISS_SECONDS)["by_host"].get(host)
    return tenant


def _load(max_age: float | None = None) -> _Loaded:
    with _lock:
        at = _loaded["at"]
        age = REFRESH_SECONDS if max_age is None else min(max_age, REFRESH_SECONDS)
        if at is not None and time.monotonic() - at < age:
            return _loaded
    try:
        tenants = _read()
        home_suspended = _home_suspended(settings.SAMTALE_TENANT)
    except DatabaseError as error:
        # The control database is away, or was never made (an installation for one
        # organization that has not run `tenants migrate`): the register last read, if
        # any, is served meanwhile.
        logger.warning("The tenants' register cannot be read (%s).", str(error).strip()[:200])
        with _lock:
            _loaded["at"] = time.monotonic()  # asked again in REFRESH_SECONDS, not at once
            return _loaded
    with _lock:
        _loaded["tenants"] = tuple(tenants)
        _loaded["home_suspended"] = home_suspended
        _loaded["by_host"] = {host: t for t in tenants for host in t.hosts}
        _loaded["at"] = time.monotonic()
        return _loaded


def _read() -> list[Tenant]:
    tenants: list[Tenant] = []
    for row in _rows():
        try:
            tenants.append(tenant_of(row))
        except (SecretUnreadable, servers.ServerUnknown) as error:
            # Not served (its host names answer 404) rather than every tenant stopped.
            logger.error("Tenant %s is not served: %s", row.slug, error)
    return tenants


def _rows() -> Iterable[Registration]:
    """The register's rows, with their host names."""
    from samtale.tenancy.models import Registration

    return Registration.objects.prefetch_related("hosts")


def _home_suspended(slug: str) -> bool:
    from samtale.tenancy.models import Home

    return Home.objects.filter(slug=slug).exclude(state=Home.State.ACTIVE).exists()


def tenant_of(row: Registration) -> Tenant:
    """The register's row as the work sees it."""
    from samtale.tenancy.secrets import decrypt

    return Tenant(
        slug=row.slug,
        name=row.name,
        url=row.url,
        hosts=tuple(host.name for host in row.hosts.all()),
        database=_database(row, decrypt(row.password)),
        suspended=row.state == "suspended",
        config=config_read(row.config),
        server=row.server,
        moving=row.state == "moving",
    )


def _database(row: Registration, password: str) -> dict[str, Any]:
    """Its database's settings: on its server (reached through that server's pool), as its
    own role where it has one."""
    database = {**servers.reach(row.server), "NAME": row.database}
    if row.role:
        database.update(USER=row.role, PASSWORD=password)
    return database
