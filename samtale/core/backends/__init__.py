"""Django's SQLite and PostgreSQL backends, with one thing added: outside any tenant a query
on "default" is refused (core.tenancy.connections.TenantGuard). The settings name these
(config/settings/tenants.py); everything else is Django's own."""
