"""Which tenant this piece of work runs in: set at each entry point (a request, a task, a
command, a thread handed work) by `activated` (tenancy.activation), and asked by
everything under it. Outside
one there is no tenant, and asking is an error (NoTenant): never the home tenant by default.
django-multitenant and tenant-schemas-celery broke on exactly that default, a task that ran
with the previous task's tenant."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass, field


class NoTenant(RuntimeError):
    """Work that reads a tenant's database or settings ran in no tenant: an entry point that
    did not activate one (tenancy.activated), or a thread not handed its tenant
    (tenancy.carried)."""


@dataclass(frozen=True)
class Tenant:
    """A tenant as a request, a task or a command sees it: who, where, and which database
    (`database`: the settings that differ from the installation's; empty for the tenant whose
    database is the installation's own, tenancy.seed)."""

    slug: str
    name: str
    url: str
    hosts: tuple[str, ...] = ()
    database: Mapping[str, object] = field(default_factory=dict)
    suspended: bool = False
    # What the tenant configured for itself (tenancy.configurable), secrets decrypted.
    config: Mapping[str, object] = field(default_factory=dict)
    # The database server that holds it (tenancy.servers; "": the installation's own).
    server: str = ""
    # Being copied to another server (`tenants move`): read, not written, meanwhile.
    moving: bool = False

    @property
    def in_own_database(self) -> bool:
        """Its database is the installation's own (DATABASE_URL's): the connection this
        process holds as "default" is its connection (tenancy.connections), and a test's
        transaction on it is the tenant's."""
        return not self.database


# The operators' host is no tenant's: what runs there reads the register only, and a query
# of a tenant's database, or a tenant's setting, is refused there as outside any tenant.
OPERATIONS = Tenant(slug="_operations", name="", url="")

_current: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar(
    "samtale_tenant", default=None
)


def active() -> bool:
    """Whether this work runs in a tenant (not outside any, nor on the operators' host)."""
    tenant = _current.get()
    return tenant is not None and tenant is not OPERATIONS


def current() -> Tenant:
    """The tenant this work runs in. Outside any: NoTenant."""
    tenant = _current.get()
    if tenant is None:
        raise NoTenant(
            "This work runs in no tenant. Each entry point activates one "
            "(tenancy.activated): a request by its host name, a task by its queue, a "
            "command by --tenant, a thread by tenancy.carried."
        )
    return tenant


def current_or_none() -> Tenant | None:
    """The tenant, or None outside any: for what only labels its work (a log line)."""
    return _current.get()
