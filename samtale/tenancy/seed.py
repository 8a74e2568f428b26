"""The tenant of the installation's own database (DATABASE_URL), registered from the
environment: one kind of municipality.

Every tenant is a row in the register (tenancy.models.Registration), this one too. Its
database is the installation's own (the row's `database` is empty: DATABASE_URL's, the
connection each process holds as "default"), and its name, address, host names and what it
configures for itself are the environment's: SAMTALE_TENANT, SAMTALE_ORGANIZATION, SITE_URL,
SAMTALE_HOSTS and each own setting (tenancy.configurable) the environment gives. `seed`
writes them into its row at every `migrate` of the control database (`tenants migrate`,
which `make run` and the containers' migrate run), so an installation for one organization
needs no command beyond the README's, and a changed environment is registered at the next
release. What an operator configured for it (`tenants configure`) and its state (suspended,
its data deleted) are kept; a setting the environment gives wins over one configured.

SAMTALE_HOSTS=none: the installation serves registered tenants only; a row seeded before
keeps its data and answers at no host name."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from samtale.tenancy.configured import config_kept, declared, value_of
from samtale.tenancy.context import Tenant
from samtale.tenancy.router import CONTROL

if TYPE_CHECKING:
    from samtale.tenancy.models import Registration

logger = logging.getLogger("samtale.tenancy")


class SeedRefused(ImproperlyConfigured):
    """The environment names the installation's tenant as another tenant is registered."""


def environment_config() -> dict[str, Any]:
    """The own settings (tenancy.configurable) the environment gives, as used: each whose
    value differs from what a tenant that left it unset has (empty, or derived from the
    others: SAMTALE_FIKS_API_URL follows SAMTALE_FIKS_ENVIRONMENT unless given)."""
    own = {name: entry for name, entry in declared().items() if entry.own}
    given = {
        name: getattr(settings, name)
        for name, entry in own.items()
        if entry.derived is None and getattr(settings, name) != entry.unset
    }
    sketch = Tenant(slug="_environment", name="", url="", database={"NAME": "_"}, config=given)
    for name, entry in own.items():
        if entry.derived is not None and getattr(settings, name) != value_of(sketch, name):
            given[name] = getattr(settings, name)
    return given


def environment_tenant() -> Tenant:
    """The installation's own tenant as the environment registers it: what a command of
    Django's runs in before the register is made (the first `migrate`), and the tests'."""
    return Tenant(
        slug=settings.SAMTALE_TENANT,
        name=settings.SAMTALE_ORGANIZATION,
        url=settings.SITE_URL,
        hosts=tuple(settings.SAMTALE_HOSTS),
        config=environment_config(),
    )


def as_migrate_registers(registered: list[Tenant]) -> list[Tenant]:
    """`registered` (the register's tenants) with the installation's own as the next migrate
    registers it: what it holds, with the environment's own settings over it; or, before the
    first migrate, as the environment registers it (where it serves a host name). For what
    checks the configuration before a release (`check --deploy`)."""
    if not any(tenant.in_own_database for tenant in registered):
        return [*registered, environment_tenant()] if settings.SAMTALE_HOSTS else registered
    given = environment_config()
    return [
        dataclasses.replace(tenant, config={**tenant.config, **given})
        if tenant.in_own_database
        else tenant
        for tenant in registered
    ]


def seed(*, changed: Iterable[str] = ()) -> Registration | None:
    """Register the installation's own tenant as the environment says (see above); None
    where the environment serves no host name and none was registered before. `changed`:
    settings whose environment value is known to have changed, unset in the row too where
    the environment no longer gives them (a test's `settings`, put back)."""
    from samtale.tenancy.models import Host, Registration
    from samtale.tenancy.register import forget

    with transaction.atomic(using=CONTROL):
        row = Registration.objects.select_for_update().filter(database="", server="").first()
        if row is None and not settings.SAMTALE_HOSTS:
            return None
        slug = settings.SAMTALE_TENANT
        if Registration.objects.filter(slug=slug).exclude(database="", server="").exists():
            raise SeedRefused(
                f"SAMTALE_TENANT={slug!r} names a tenant registered with a database of its "
                "own: give the installation's own tenant another short name."
            )
        if row is None:
            row = Registration(database="", server="")
        row.slug = slug
        row.name = settings.SAMTALE_ORGANIZATION
        row.url = settings.SITE_URL
        given = environment_config()
        config = {name: v for name, v in row.config.items() if name in given or name not in changed}
        for name, value in given.items():
            config[name] = config_kept(name, value)
        row.config = config
        row.save()
        wanted = list(settings.SAMTALE_HOSTS)
        row.hosts.exclude(name__in=wanted).delete()
        taken = dict(Host.objects.filter(name__in=wanted).values_list("name", "tenant__slug"))
        for host in wanted:
            if host not in taken:
                Host.objects.create(tenant=row, name=host)
            elif taken[host] != slug:
                logger.error(
                    "SAMTALE_HOSTS names %s, at which the tenant %s answers: not registered "
                    "for %s.",
                    host,
                    taken[host],
                    slug,
                )
    forget()
    return row


def seeded_at_migrate(using: str = "", **kwargs: Any) -> None:
    """post_migrate of the tenancy app (tenancy.apps): the control database's migrate seeds."""
    if using == CONTROL:
        seed()
