"""Tenants with a database of their own beside the test database (which is the installation's
own tenant's): a SQLite file in a temporary folder, or on PostgreSQL a database and role
named after the test database (the template they are copied from made once per test
session), made and deleted through the operators' own services (samtale.operators.services).

`SAMTALE_TESTS_TENANTS=2` (CI's PostgreSQL suite): a second tenant, Austvik, is registered
for the whole session (`SessionTenant`), so that everything that serves every tenant (the
scheduler, the worker, the readiness check, the register's reads) runs with two in every
test, not only in the tests that make one. A flush of the control database (after each
transactional test) empties the register: its migrate signal registers the installation's
own tenant again (tenancy.seed) and Austvik with it, on the database it already has."""

from __future__ import annotations

import os
from typing import Any

from django.db import connections
from django.db.models.signals import post_migrate

from samtale.operators import databases, services
from samtale.tenancy.models import Host, Registration
from samtale.tenancy.router import CONTROL

SLUG = "austvik"
HOST = "austvik.testserver"


def wanted() -> int:
    """How many tenants the session registers: 1 (the installation's own) or 2."""
    return 2 if os.environ.get("SAMTALE_TESTS_TENANTS", "1").strip() == "2" else 1


def databases_prefix(tmp_path_factory: Any) -> str:
    """SAMTALE_TENANT_DATABASES for the session."""
    if databases.engine() == "sqlite3":
        return str(tmp_path_factory.mktemp("tenants"))
    return f"{connections.settings['default']['NAME']}_t_"


def leftovers_dropped() -> None:
    """What a run that was killed left on PostgreSQL: its tenants' databases and roles."""
    if databases.engine() == "sqlite3":
        return
    prefix = databases.pg_name("")
    like = prefix.replace("_", "\\_") + "%"
    for (name,) in databases._pg_admin(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", (like,)
    ):
        databases._pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    for (name,) in databases._pg_admin(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (like,)
    ):
        databases._pg_admin(f'DROP ROLE "{name}"')


def every_made_deleted(*, keep: tuple[str, ...] = ()) -> None:
    """Every tenant with a database of its own deleted, but those in `keep` and the session's
    (which `SessionTenant.deleted` deletes at the session's end)."""
    for row in list(Registration.objects.exclude(database="").exclude(slug__in=(*keep, SLUG))):
        services.tenant_suspend(row.slug)
        services.tenant_delete(row.slug)


def session_slugs() -> tuple[str, ...]:
    """The tenants registered for the whole session beside the installation's own."""
    return (SLUG,) if wanted() == 2 else ()


class SessionTenant:
    """Austvik, registered for the session and registered again after each flush."""

    def __init__(self) -> None:
        services.tenant_create(
            slug=SLUG,
            name="Austvik kommune",
            hosts=[HOST],
            url=f"http://{HOST}",
            config={
                "DEFAULT_FROM_EMAIL": "Austvik kommune <samtale@austvik.example>",
                "SAMTALE_ORGANIZATION_NUMBER": "940119200",  # as a municipality has one
            },
        )
        row = Registration.objects.get(slug=SLUG)
        self.fields = {
            field.attname: getattr(row, field.attname)
            for field in Registration._meta.concrete_fields
            if not field.primary_key
        }
        self.hosts = list(row.hosts.values_list("name", flat=True))
        post_migrate.connect(self.registered_again, weak=False, dispatch_uid="testkit.austvik")

    def registered_again(self, sender: Any, using: str = "", **kwargs: Any) -> None:
        """post_migrate (a flush sends it per app): the tenancy app's, on the control
        database, after the flush emptied the register."""
        if using != CONTROL or sender.label != "tenancy":
            return
        if Registration.objects.using(CONTROL).filter(slug=SLUG).exists():
            return
        row = Registration.objects.using(CONTROL).create(**self.fields)
        Host.objects.using(CONTROL).bulk_create(Host(tenant=row, name=name) for name in self.hosts)

    def deleted(self) -> None:
        post_migrate.disconnect(dispatch_uid="testkit.austvik")
        services.tenant_suspend(SLUG)
        services.tenant_delete(SLUG)
