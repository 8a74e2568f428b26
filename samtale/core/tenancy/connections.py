"""The connection that goes with a tenant. The product's code is written for one database,
the alias "default": `Model.objects`, `transaction.atomic()`, `connection.cursor()`. While a
tenant is active that alias *is* its database: the connection this thread holds under
"default" is the tenant's own, made from the installation's settings with the tenant's
database name (and, on PostgreSQL, the tenant's own role, which may connect to no other
tenant's database). When the block ends, the thread gets back the connection it had. So
nothing in the product chooses a database, and nothing can choose another tenant's.

Outside any tenant "default" reaches nothing: the database backends (core.backends) refuse
a query there (`TenantGuard`), so work that forgot its tenant fails loudly instead of
reading the home tenant's database."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from samtale.core.tenancy.context import NoTenant, active, current

if TYPE_CHECKING:
    from samtale.core.tenancy.context import Tenant

# This thread's connections to the tenants' databases it has served, kept between its
# requests as Django keeps its own (CONN_MAX_AGE): {(slug, settings) -> DatabaseWrapper}.
_threads = threading.local()

# The connection Django gave this context as "default" (the home tenant's), while a tenant's
# stands in its place. A context variable, as Django's own connections are kept per context
# (asgiref's Local) and the active tenant is (context._current): a greenlet or a task with a
# context of its own has its own "default", and a thread-local record of it would go stale.
_own: ContextVar = ContextVar("samtale_own_connection", default=None)


@contextmanager
def put_in_place(tenant: Tenant) -> Iterator[None]:
    """The tenant's connection as this thread's "default" for the block (the home tenant's:
    the thread's own; no tenant's, on the operators' host: the thread's own, which the guard
    then refuses)."""
    previous = connections[DEFAULT_DB_ALIAS]  # made, not connected, if the thread had none
    if getattr(previous, "samtale_tenant", None) is None:
        own = previous
    else:  # a tenant's stands in for it: the enclosing block kept it
        own = _own.get() or connections.create_connection(DEFAULT_DB_ALIAS)
    wrapper = own if not tenant.database else _connection(tenant)
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
        setattr(connections._connections, DEFAULT_DB_ALIAS, wrapper)
    token = _own.set(own)
    try:
        yield
    finally:
        _own.reset(token)
        if swapped:
            wrapper.execute_wrappers = watching
            if not wrapper.in_atomic_block:
                wrapper.close_if_unusable_or_obsolete()
            setattr(connections._connections, DEFAULT_DB_ALIAS, previous)


def database_settings(tenant: Tenant) -> dict:
    """Django's settings for the tenant's database: the installation's, with the tenant's
    name (and role) in place."""
    config = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    config.update(copy.deepcopy(dict(tenant.database)))
    test = config.setdefault("TEST", {})
    test["NAME"] = config["NAME"]  # a test that makes a tenant makes its real database
    return config


def _connection(tenant: Tenant):
    key = (tenant.slug, tuple(sorted((k, str(v)) for k, v in tenant.database.items())))
    wrappers = _threads.__dict__.setdefault("wrappers", {})
    wrapper = wrappers.get(key)
    if wrapper is None:
        config = database_settings(tenant)
        wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, DEFAULT_DB_ALIAS)
        wrapper.samtale_tenant = tenant.slug
        wrappers[key] = wrapper
    return wrapper


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


class TenantGuard:
    """Mixed into the database backends (core.backends): a query on "default" outside any
    tenant is refused with NoTenant. Checked where a cursor is made, so every query, raw SQL
    included, passes here; opening or closing a connection does not."""

    def _cursor(self, *args, **kwargs):
        if self.alias == DEFAULT_DB_ALIAS and not active():
            current()  # raises NoTenant, saying where tenants are activated
            raise NoTenant(
                "The operators' host reaches no tenant's database: it reads the register "
                "(the control database) only."
            )
        return super()._cursor(*args, **kwargs)
