"""The tests' tenant: the installation's own, as the environment registers it (tenancy.seed),
and kept so while a test changes that environment (pytest-django's `settings`, Django's
override_settings): the register's row is seeded again in the test databases (inside the
test's transaction where one has begun, which takes it back; else committed, and seeded back
when the setting is restored) and the tenant the test runs in is the environment's again. In production the environment does not change while a process
runs: `tenants migrate` registers it at each release."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samtale import tenancy
from samtale.tenancy import context, seed

# The settings the installation's own tenant is registered with, besides its own ones.
REGISTERED_WITH = frozenset({"SAMTALE_TENANT", "SAMTALE_ORGANIZATION", "SITE_URL", "SAMTALE_HOSTS"})


def registers(setting: str) -> bool:
    entry = tenancy.declared().get(setting)
    return setting in REGISTERED_WITH or (entry is not None and entry.own)


def registered_again(blocker: Any) -> Callable[..., None]:
    """setting_changed's receiver, once the test databases are made: `blocker` is
    pytest-django's, which refuses a query outside a test that asked for the database (and a
    fixture may change a setting before the test's database is set up)."""

    def receiver(*, setting: str, **kwargs: Any) -> None:
        if registers(setting):
            with blocker.unblock():
                seed.seed(changed=(setting,))
            in_the_environments_tenant()

    return receiver


def in_the_environments_tenant() -> None:
    """The test runs in the installation's own tenant as the environment now says."""
    tenancy.forget()
    tenant = context.current_or_none()
    if tenant is not None and tenant is not tenancy.OPERATIONS and tenant.in_own_database:
        context._current.set(seed.environment_tenant())
