"""The tenant a piece of work runs in, carried with the work and never assumed.

Every model of the product lives in a tenant's own database (docs/developing/
decision-tenants.md). Every tenant is registered in the control database, the one
whose database is the installation's own (DATABASE_URL) too, from the environment (`seed`). Each entry point
activates the tenant its work is for, and everything under it asks:

- a request: the tenant of its host name (tenancy.middleware.TenantMiddleware);
- a task: the tenant whose queue it was taken from (the worker, core.management.commands);
- the scheduler: each tenant in turn (work.schedule);
- a command: the tenant it names with --tenant, or each tenant (tenancy.commands);
- a thread handed work: the tenant of the work that handed it (`carried`).

Outside one, a tenant's setting or a query of the product's database is an error
(NoTenant), never a tenant by default.

- `context`: the tenant of this work (`current`, `active`);
- `connections`: its database as this thread's "default", and the guard outside any;
- `activation`: the tenant put in place for a block (`activated`) or a thread (`carried`);
- `configured`: its settings (`value_of`), address, folders and cache keys;
- `typed`: its settings by name with their types (`tenant_settings.SAMTALE_MIN_GROUP`),
  generated from their declarations by scripts/tenant_settings.py;
- `register`: the tenants there are, and which one a host name names;
- `seed`: the tenant of the installation's own database, registered from the environment;
- `router`: which database each model lives in;
- `servers`: the database servers tenants are placed on, and how each is reached.
"""

from samtale.tenancy import servers
from samtale.tenancy.activation import activated, carried
from samtale.tenancy.configured import (
    cache_key,
    config_kept,
    config_read,
    declared,
    folder,
    organization_name,
    site_url,
    value_of,
)
from samtale.tenancy.connections import (
    close_connections,
    database_settings,
    refused_as_read_only,
)
from samtale.tenancy.context import (
    OPERATIONS,
    NoTenant,
    Tenant,
    active,
    current,
    current_or_none,
)
from samtale.tenancy.register import (
    REFRESH_SECONDS,
    by_host,
    by_slug,
    every_tenant,
    forget,
    in_own_database,
    registered,
    tenant_of,
)
from samtale.tenancy.router import CONTROL, TenantRouter
from samtale.tenancy.typed import TenantSettings, tenant_settings

__all__ = [
    "CONTROL",
    "OPERATIONS",
    "REFRESH_SECONDS",
    "NoTenant",
    "Tenant",
    "TenantRouter",
    "TenantSettings",
    "activated",
    "active",
    "by_host",
    "by_slug",
    "cache_key",
    "carried",
    "close_connections",
    "refused_as_read_only",
    "config_kept",
    "config_read",
    "current",
    "current_or_none",
    "database_settings",
    "declared",
    "every_tenant",
    "folder",
    "forget",
    "in_own_database",
    "organization_name",
    "registered",
    "servers",
    "site_url",
    "tenant_of",
    "tenant_settings",
    "value_of",
]
