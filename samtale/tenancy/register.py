"""Which tenant a host name belongs to, and every tenant there is.

Every tenant is registered in the control database (tenancy.models), the tenant of the
installation's own database (DATABASE_URL) too, from the environment at each migrate
(tenancy.seed). The register is read at most every REFRESH_SECONDS per process (each
request would otherwise pay a query for it): a tenant suspended or moved is served so within
that time by every process, at once by the one that changed it (`forget`). A host name no
tenant has is looked up again when the register was read more than MISS_SECONDS ago, so a
tenant created or given a host name is served by every process from a second after, never
answered 404 by a process that read the register just before (a flood of unknown names
reads it at most once a second). While a tenant is being moved the register is read every
MISS_SECONDS too, so that it opens again within a second of the move's end."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

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
    moving: bool


_lock = threading.Lock()
_loaded: _Loaded = {"at": None, "by_host": {}, "tenants": (), "moving": False}


def forget() -> None:
    """Read the register again at the next lookup (after this process changed it)."""
    with _lock:
        _loaded["at"] = None


def registered() -> tuple[Tenant, ...]:
    """Every registered tenant, suspended ones too."""
    return _load()["tenants"]


def every_tenant(*, suspended: bool = False) -> list[Tenant]:
    """Every tenant (without the suspended, and those being moved, whose database takes no
    writes meanwhile: unless asked)."""
    return [t for t in registered() if suspended or not (t.suspended or t.moving)]


def by_slug(slug: str) -> Tenant | None:
    return next((t for t in registered() if t.slug == slug), None)


def in_own_database() -> Tenant | None:
    """The tenant whose database is the installation's own, as registered (tenancy.seed)."""
    return next((t for t in registered() if t.in_own_database), None)


def by_host(host: str) -> Tenant | None:
    """The tenant answering at `host` (a name without port), or None: no one's."""
    host = host.lower().rstrip(".")
    tenant = _load()["by_host"].get(host)
    if tenant is None:
        tenant = _load(MISS_SECONDS)["by_host"].get(host)
    return tenant


def _load(max_age: float | None = None) -> _Loaded:
    with _lock:
        at = _loaded["at"]
        age = REFRESH_SECONDS if max_age is None else min(max_age, REFRESH_SECONDS)
        if _loaded["moving"]:
            # A tenant is being moved: it opens again the second the move ends, not up to
            # REFRESH_SECONDS after (its people are told "try again" meanwhile).
            age = min(age, MISS_SECONDS)
        if at is not None and time.monotonic() - at < age:
            return _loaded
    try:
        tenants = _read()
    except DatabaseError as error:
        # The control database is away, or was never made (an installation that has not
        # run `tenants migrate`): the register last read, if any, is served meanwhile.
        logger.warning("The tenants' register cannot be read (%s).", str(error).strip()[:200])
        with _lock:
            _loaded["at"] = time.monotonic()  # asked again in REFRESH_SECONDS, not at once
            return _loaded
    with _lock:
        _loaded["tenants"] = tuple(tenants)
        _loaded["by_host"] = {host: t for t in tenants for host in t.hosts}
        _loaded["moving"] = any(t.moving for t in tenants)
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


def tenant_of(row: Registration) -> Tenant:
    """The register's row as the work sees it."""
    from samtale.tenancy.secrets import decrypt

    return Tenant(
        slug=row.slug,
        name=row.name,
        url=row.url,
        hosts=tuple(host.name for host in row.hosts.all()),
        database=_database(row, decrypt(row.password)) if row.database else {},
        suspended=row.state in ("suspended", "deleted"),
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
