"""A tenant's database: made, migrated, dropped. SQLite: a file in SAMTALE_TENANT_DATABASES.
PostgreSQL: a database and a role of the same name (SAMTALE_TENANT_DATABASES + slug) on
DATABASE_URL's server; the role owns everything in its database and may connect to no
other, and no other role but the installation's may connect to it (CONNECT revoked from
PUBLIC). So on PostgreSQL another tenant's rows are refused by the server itself.

New databases are copies of a migrated, empty template (`<prefix>template`, or
`_template.sqlite3`), then migrated (nothing to do when the template is current): a new
tenant takes seconds, not a full migration."""

from __future__ import annotations

import copy
import secrets as random
import shutil
import sqlite3
from contextlib import closing
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from samtale.core.tenancy import CONTROL, Tenant, activated, close_connections

TEMPLATE = "template"


class TenantDatabaseError(Exception):
    pass


def engine() -> str:
    return connections.settings[DEFAULT_DB_ALIAS]["ENGINE"].rsplit(".", 1)[-1]


def sqlite_path(slug: str) -> Path:
    folder = settings.SAMTALE_TENANT_DATABASES
    if not folder:
        raise TenantDatabaseError("SAMTALE_TENANT_DATABASES names no folder for the databases.")
    return Path(folder) / f"{slug}.sqlite3"


def pg_name(slug: str) -> str:
    return f"{settings.SAMTALE_TENANT_DATABASES}{slug}"


def files_of(slug: str) -> list[Path]:
    """What a tenant keeps on disk beside its database: its SQLite file and journals, and
    its folder (e-mails written on a laptop, packages filed to a folder)."""
    if not settings.SAMTALE_TENANT_DATABASES or engine() != "sqlite3":
        return []
    path = sqlite_path(slug)
    return [
        path,
        *(path.with_name(path.name + end) for end in ("-wal", "-shm")),
        path.parent / slug,
    ]


def migrate(tenant: Tenant, *, verbosity: int = 0) -> str:
    """Apply every migration to the tenant's database; the output, for the operator."""
    out = StringIO()
    with activated(tenant):
        call_command(
            "migrate",
            database=DEFAULT_DB_ALIAS,
            interactive=False,
            verbosity=verbosity,
            stdout=out,
            skip_checks=True,
        )
    return out.getvalue()


def template_tenant() -> Tenant:
    if engine() == "sqlite3":
        return Tenant(
            slug="_template", name="", url="", database={"NAME": str(sqlite_path("_template"))}
        )
    return Tenant(slug="_template", name="", url="", database={"NAME": pg_name(TEMPLATE)})


def control_ensure() -> None:
    """The control database, made where it is not (PostgreSQL; SQLite makes its file)."""
    name = connections.settings[CONTROL]["NAME"]
    if connections.settings[CONTROL]["ENGINE"].endswith("sqlite3"):
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    if not _pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,), via=DEFAULT_DB_ALIAS):
        _pg_admin(f'CREATE DATABASE "{name}"', via=DEFAULT_DB_ALIAS)


def template_exists() -> bool:
    template = template_tenant()
    if engine() == "sqlite3":
        return Path(template.database["NAME"]).exists()
    return _pg_exists(template.database["NAME"])


def template_refresh() -> None:
    """Make the template, or bring it up to the latest migration."""
    template = template_tenant()
    if engine() == "sqlite3":
        Path(template.database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    elif not _pg_exists(template.database["NAME"]):
        _pg_admin(f'CREATE DATABASE "{template.database["NAME"]}"')
        _pg_admin(
            f'REVOKE CONNECT, TEMPORARY ON DATABASE "{template.database["NAME"]}" FROM PUBLIC'
        )
    migrate(template)
    close_connections(template.slug)


def database_create(slug: str) -> dict:
    """A new database for the tenant `slug`, copied from the template and migrated: the
    settings to reach it (Tenant.database), the password still in clear."""
    template_refresh()
    if engine() == "sqlite3":
        path = sqlite_path(slug)
        if path.exists():
            raise TenantDatabaseError(f"{path} already exists; it is left as it is.")
        _sqlite_copy(Path(template_tenant().database["NAME"]), path)
        database = {"NAME": str(path)}
    else:
        database = _pg_create(slug)
    migrate(Tenant(slug=slug, name="", url="", database=database))
    return database


def database_drop(tenant: Tenant) -> None:
    close_connections(tenant.slug)
    if engine() == "sqlite3":
        for path in files_of(tenant.slug):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        return
    name = tenant.database["NAME"]
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if tenant.database.get("USER"):
        _pg_admin(f'DROP ROLE IF EXISTS "{tenant.database["USER"]}"')


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


# PostgreSQL -----------------------------------------------------------------------------


def _pg_admin(sql: str, params: tuple = (), *, via: str = CONTROL) -> list:
    """A statement as the installation's role, on a connection of its own to the control
    database (or `via` another), outside any transaction (CREATE DATABASE will not run in
    one)."""
    config = copy.deepcopy(connections.settings[via])
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "tenants-admin")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []
    finally:
        wrapper.close()


def _pg_exists(name: str) -> bool:
    return bool(_pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def _pg_create(slug: str) -> dict:
    name = pg_name(slug)
    if _pg_exists(name):
        raise TenantDatabaseError(f"The database {name} already exists; it is left as it is.")
    password = random.token_urlsafe(32)
    _pg_admin(f'DROP ROLE IF EXISTS "{name}"')
    _pg_admin(
        f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"
    )
    # Membership lets a non-superuser installation role hand its objects over.
    _pg_admin(f'GRANT "{name}" TO CURRENT_USER')
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_name(TEMPLATE)}" OWNER "{name}"')
    _pg_admin(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{name}" FROM PUBLIC')
    installation = Tenant(slug=f"_{slug}", name="", url="", database={"NAME": name})
    with activated(installation), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_HAND_OVER.replace("{role}", name.replace('"', "")))
    close_connections(installation.slug)
    pg_roles_refuse_others()
    return {"NAME": name, "USER": name, "PASSWORD": password}


# Every table, view and function of the copy (made by the installation's role) is given
# to the tenant's role; a table's sequences and indexes go with it.
_HAND_OVER = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') LOOP
    EXECUTE format('ALTER TABLE public.%I OWNER TO %I', item.relname, '{role}');
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', item.signature, '{role}');
  END LOOP;
END $$;
"""


def pg_roles_refuse_others() -> None:
    """No tenant's role may connect to the home tenant's database or the control database:
    CONNECT revoked from PUBLIC (the installation's role owns them and keeps it)."""
    for alias in (DEFAULT_DB_ALIAS, CONTROL):
        name = connections.settings[alias]["NAME"]
        _pg_admin(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{name}" FROM PUBLIC')
