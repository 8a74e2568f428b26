"""Django's SQLite and PostgreSQL backends, with two things added: outside any tenant a query
on "default" is refused (tenancy.connections.TenantGuard), and a migration keeps the
database's triggers where Django's schema editor would lose them or be stopped by them (each
backend's schema.py; docs/developing/decision-migration-triggers.md). The settings name these
(config/settings/tenants.py); everything else is Django's own."""
