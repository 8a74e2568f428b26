"""Which tenant a host name belongs to, and every tenant there is.

The home tenant is the installation's own database (DATABASE_URL), answering at the
installation's host names (SAMTALE_HOSTS): an installation for one organization has no
other. Every other tenant is registered in the control database (samtale.tenants.models),
which is read at most every REFRESH_SECONDS per process (each request would otherwise pay a
query for it): a tenant created, suspended or given a host name is served so within that
time by every process, at once by the one that changed it (`forget`). The home tenant's host
names are settings and need no query."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError

from samtale.core.secrets import SecretUnreadable
from samtale.core.tenancy.configured import config_read
from samtale.core.tenancy.context import Tenant

logger = logging.getLogger("samtale.core.tenancy")

REFRESH_SECONDS = 10.0

_lock = threading.Lock()
_loaded: dict = {"at": None, "by_host": {}, "tenants": ()}


def home() -> Tenant:
    """The installation's own tenant: its database is DATABASE_URL's, its settings the
    environment's."""
    return Tenant(
        slug=settings.SAMTALE_TENANT,
        name=settings.SAMTALE_ORGANIZATION,
        url=settings.SITE_URL,
        hosts=tuple(settings.SAMTALE_HOSTS),
        home=True,
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
    suspended, unless asked)."""
    tenants = [home()] if settings.SAMTALE_HOSTS else []
    tenants += [t for t in registered() if suspended or not t.suspended]
    return tenants


def by_slug(slug: str) -> Tenant | None:
    if settings.SAMTALE_HOSTS and slug == settings.SAMTALE_TENANT:
        return home()
    return next((t for t in registered() if t.slug == slug), None)


def by_host(host: str) -> Tenant | None:
    """The tenant answering at `host` (a name without port), or None: no one's."""
    host = host.lower().rstrip(".")
    if settings.SAMTALE_HOSTS and host in settings.SAMTALE_HOSTS:
        return home()
    return _load()["by_host"].get(host)


def _load() -> dict:
    with _lock:
        at = _loaded["at"]
        if at is not None and time.monotonic() - at < REFRESH_SECONDS:
            return _loaded
    try:
        tenants = _read()
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
        _loaded["by_host"] = {host: t for t in tenants for host in t.hosts}
        _loaded["at"] = time.monotonic()
        return _loaded


def _read() -> list[Tenant]:
    from django.apps import apps

    Row = apps.get_model("tenants", "Tenant")
    tenants = []
    for row in Row.objects.prefetch_related("hosts"):
        try:
            tenants.append(tenant_of(row))
        except SecretUnreadable as error:
            # Not served (its host names answer 404) rather than every tenant stopped.
            logger.error("Tenant %s is not served: %s", row.slug, error)
    return tenants


def tenant_of(row) -> Tenant:
    """The register's row (samtale.tenants.models.Tenant) as the work sees it."""
    from samtale.core.secrets import decrypt

    return Tenant(
        slug=row.slug,
        name=row.name,
        url=row.url,
        hosts=tuple(host.name for host in row.hosts.all()),
        database=_database(row, decrypt(row.password)),
        suspended=row.state == "suspended",
        config=config_read(row.config),
    )


def _database(row, password: str) -> dict:
    if row.role:
        return {"NAME": row.database, "USER": row.role, "PASSWORD": password}
    return {"NAME": row.database}
