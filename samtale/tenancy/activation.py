"""Activating a tenant: at each entry point, and in a thread handed work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from samtale.tenancy import connections
from samtale.tenancy.context import Tenant, _current, current


@contextmanager
def activated(tenant: Tenant) -> Iterator[Tenant]:
    """Run the block in `tenant`: its database is "default" for this thread, its settings
    are what tenancy.tenant_settings answers. Blocks nest (a command for every tenant, a test of
    two); the installation's own database's connection is the one the thread had before the
    outermost block."""
    token = _current.set(tenant)
    try:
        with connections.put_in_place(tenant):
            yield tenant
    finally:
        _current.reset(token)


def carried[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """`function`, to be run in another thread (a pool's) in the tenant this one runs in: the
    thread starts in none, as every new thread does. The connections it made (the tenant's
    database, the register's) are closed when the function returns (a pool's thread
    outlives it)."""
    tenant = current()

    @wraps(function)
    def in_tenant(*args: P.args, **kwargs: P.kwargs) -> R:
        with activated(tenant):
            try:
                return function(*args, **kwargs)
            finally:
                connections.close_thread_connections()

    return in_tenant
