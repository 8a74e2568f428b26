"""The connection that goes with a tenant. The product's code is written for one database,
the alias "default": `Model.objects`, `transaction.atomic()`, `connection.cursor()`. While a
tenant is active that alias *is* its database: the connection this thread holds under
"default" is the tenant's own, made from the installation's settings with the tenant's
database name (and, on PostgreSQL, the tenant's own role, which may connect to no other
tenant's database). When the block ends, the thread gets back the connection it had. So
nothing in the product chooses a database, and nothing can choose another tenant's.

Outside any tenant "default" reaches nothing: the database backends (tenancy.backends) refuse
a query there (`TenantGuard`), so work that forgot its tenant fails loudly instead of
reading the installation's own database; and inside one they refuse a connection that is not
that tenant's (a thread handed the tenant's context but not its connection)."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from samtale.tenancy.context import NoTenant, active, current

if TYPE_CHECKING:
    from samtale.tenancy.context import Tenant

# This thread's connections to the tenants' databases it has served, the most recently
# used last: {(slug, settings) -> DatabaseWrapper}. Kept between its requests as Django keeps
# its own (CONN_MAX_AGE), but no more than SAMTALE_TENANT_CONNECTIONS_KEPT of them: a thread
# that serves many tenants would otherwise hold one connection to each, and a few web
# processes serving hundreds of municipalities pass PostgreSQL's max_connections long before
# the work does. So a process holds at most threads × (kept + the installation's own and the control
# database's) connections, whatever the number of tenants.
_threads = threading.local()

# The connection Django gave this context as "default" (the installation's own database), while a tenant's
# stands in its place. A context variable, as Django's own connections are kept per context
# (asgiref's Local) and the active tenant is (context._current): a greenlet or a task with a
# context of its own has its own "default", and a thread-local record of it would go stale.
_own: ContextVar[Any] = ContextVar("samtale_own_connection", default=None)


@contextmanager
def put_in_place(tenant: Tenant) -> Iterator[None]:
    """The tenant's connection as this thread's "default" for the block (one in the installation's own database:
    the thread's own; no tenant's, on the operators' host: the thread's own, which the guard
    then refuses)."""
    # A wrapper with this module's own attributes (samtale_*), which the stubs do not know.
    previous: Any = connections[DEFAULT_DB_ALIAS]  # made, not connected, if the thread had none
    if getattr(previous, "samtale_tenant", None) is None:
        own = previous
    else:  # a tenant's stands in for it: the enclosing block kept it
        own = _own.get() or connections.create_connection(DEFAULT_DB_ALIAS)
    wrapper: Any = own if not tenant.database else _connection(tenant)
    swapped = wrapper is not previous
    if swapped:
        # What a request's start does to Django's own connections (close_old_connections):
        # one past its age, or broken, is closed; the next query opens a new one. (Not
        # inside its own transaction, when a block of this tenant's encloses this one.)
        if not wrapper.in_atomic_block:
            wrapper.close_if_unusable_or_obsolete()
        # What watches this thread's queries (the metrics' and the request log's counts)
        # watches the tenant's too.
        watching, wrapper.execute_wrappers = wrapper.execute_wrappers, [*previous.execute_wrappers]
        connections[DEFAULT_DB_ALIAS] = wrapper  # in this context's store, as Django keeps it
    token = _own.set(own)
    wrapper.samtale_in_use = getattr(wrapper, "samtale_in_use", 0) + 1
    try:
        yield
    finally:
        _own.reset(token)
        wrapper.samtale_in_use -= 1
        if swapped:
            wrapper.execute_wrappers = watching
            if not wrapper.in_atomic_block:
                wrapper.close_if_unusable_or_obsolete()
            connections[DEFAULT_DB_ALIAS] = previous
        _keep_at_most(settings.SAMTALE_TENANT_CONNECTIONS_KEPT)


def database_settings(tenant: Tenant) -> dict[str, Any]:
    """Django's settings for the tenant's database: the installation's, with the tenant's
    name (and role) in place."""
    config: dict[str, Any] = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    database = copy.deepcopy(dict(tenant.database))
    config.setdefault("OPTIONS", {}).update(database.pop("OPTIONS", {}))
    config.update(database)
    test = config.setdefault("TEST", {})
    test["NAME"] = config["NAME"]  # a test that makes a tenant makes its real database
    return config


def _connection(tenant: Tenant) -> Any:
    key = (tenant.slug, tuple(sorted((k, str(v)) for k, v in tenant.database.items())))
    wrappers = _wrappers()
    wrapper = wrappers.get(key)
    if wrapper is None:
        config = database_settings(tenant)
        wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, DEFAULT_DB_ALIAS)
        wrapper.samtale_tenant = tenant.slug
        wrappers[key] = wrapper
    wrappers.move_to_end(key)
    return wrapper


def _wrappers() -> OrderedDict[tuple[Any, ...], Any]:
    wrappers: OrderedDict[tuple[Any, ...], Any] = _threads.__dict__.setdefault(
        "wrappers", OrderedDict()
    )
    return wrappers


def _keep_at_most(kept: int) -> None:
    """Close this thread's least recently used tenants' connections beyond `kept` (each
    wrapper stays, to connect again when its tenant comes back). One in use by an enclosing
    block, or inside a transaction, is left open."""
    wrappers = _wrappers()
    open_ = [w for w in wrappers.values() if w.connection is not None]
    for wrapper in open_[: max(0, len(open_) - kept)]:
        if not getattr(wrapper, "samtale_in_use", 0) and not wrapper.in_atomic_block:
            wrapper.close()


def tenant_connections_open() -> int:
    """How many connections to tenants' databases this thread holds open (the tests'
    measure of the bound above)."""
    return sum(1 for w in _wrappers().values() if w.connection is not None)


def close_connections(slug: str | None = None) -> None:
    """Close this thread's connections to tenants' databases (all, or one tenant's): before
    a tenant's database is dropped or restored."""
    wrappers = _threads.__dict__.get("wrappers", {})
    for key in [key for key in wrappers if slug is None or key[0] == slug]:
        wrappers.pop(key).close()


def close_thread_connections() -> None:
    """Close the connections this thread made (a pool's thread, its work done): the tenant's,
    and the control database's where the work read the register. A thread's connections are
    its own; left open, they outlive the work by as long as the pool keeps the thread. One
    inside a transaction of the caller's (the function was run in the caller's own thread)
    is left to that transaction."""
    for wrapper in connections.all(initialized_only=True):
        if not wrapper.in_atomic_block:
            wrapper.close()
    _keep_at_most(0)  # and those it kept to the tenants it served


class OtherTenantsConnection(NoTenant):
    """A query on a connection that is not the current tenant's: work that was handed the
    tenant (a context copied to another thread) but not its connection, which was the
    thread's own, the installation's own database."""


class TenantGuard:
    """Mixed into the database backends (tenancy.backends): a query on "default" runs only on
    the current tenant's connection. Outside any tenant it is refused with NoTenant; on a
    connection that is not the current tenant's, with OtherTenantsConnection. The tenant
    travels in a context variable, which asyncio, asgiref and `copy_context().run` copy to
    another thread, while the connection stays with the thread that was given it: a thread
    handed the context without activating the tenant (tenancy.carried does) holds the
    tenant's name and a connection of its own, the installation's own database, and would
    read that tenant's rows as the other's. A connection made for a tenant (`put_in_place`) carries its
    slug (`samtale_tenant`); the thread's own, none. Checked where a
    cursor is made, so every query, raw SQL included, passes here; opening or closing a
    connection does not."""

    alias: str  # the connection's, as BaseDatabaseWrapper sets it

    def _cursor(self, *args: Any, **kwargs: Any) -> Any:
        if self.alias == DEFAULT_DB_ALIAS:
            if not active():
                current()  # raises NoTenant, saying where tenants are activated
                raise NoTenant(
                    "The operators' host reaches no tenant's database: it reads the register "
                    "(the control database) only."
                )
            tenant = current()
            # What put_in_place puts in place: a tenant with a database of its own, its
            # connection; one in the installation's own (tenant.in_own_database), the thread's own.
            wanted = tenant.slug if tenant.database else None
            held = getattr(self, "samtale_tenant", None)
            if held != wanted:
                owner = repr(held) if held else "the installation's own database"
                raise OtherTenantsConnection(
                    f"This work runs in the tenant {tenant.slug!r}, but its query went to a "
                    f"connection that belongs to another tenant ({owner}): a thread handed the tenant's context "
                    "(copy_context().run, asyncio.to_thread, sync_to_async) is not handed its "
                    "connection. Run its work through tenancy.carried, which activates "
                    "the tenant in the thread."
                )
        return super()._cursor(*args, **kwargs)  # type: ignore[misc]  # a mixin of BaseDatabaseWrapper, whose _cursor django-stubs leaves out


# PostgreSQL's SQLSTATE of a write refused by a read-only database (a tenant being moved).
READ_ONLY = "25006"


def refused_as_read_only(error: BaseException | None) -> bool:
    """Whether `error` is a write its database refused as read-only (a tenant being moved)."""
    return getattr(getattr(error, "__cause__", None), "sqlstate", None) == READ_ONLY
