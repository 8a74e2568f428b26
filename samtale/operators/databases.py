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

from samtale.tenancy import CONTROL, Tenant, activated, close_connections, servers

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
        migrate_active(out, verbosity=verbosity)
    return out.getvalue()


def migrate_active(out, *, verbosity: int = 0) -> None:
    """Django's migrate on the active tenant's database, its output to `out`."""
    call_command(
        "migrate",
        database=DEFAULT_DB_ALIAS,
        interactive=False,
        verbosity=verbosity,
        stdout=out,
        skip_checks=True,
    )


def template_tenant(server: str = servers.OWN) -> Tenant:
    if engine() == "sqlite3":
        return Tenant(
            slug="_template", name="", url="", database={"NAME": str(sqlite_path("_template"))}
        )
    return Tenant(
        slug=f"_template{server}", name="", url="", database=_on(server, servers.template_name())
    )


def _on(server: str, name: str) -> dict:
    """Settings for the installation's role in the database `name` on `server`, reached
    directly (a migration's DDL, the template's copy): not through a pooler, which would
    keep a connection to the template open after, and PostgreSQL copies no database that
    anyone is connected to."""
    if server == servers.OWN and not settings.DATABASE_DIRECT_URL:
        return {"NAME": name}
    config = servers.direct(server)
    return {key: config[key] for key in ("HOST", "PORT", "USER", "PASSWORD")} | {"NAME": name}


def control_ensure() -> None:
    """The control database, made where it is not (PostgreSQL; SQLite makes its file)."""
    name = connections.settings[CONTROL]["NAME"]
    if connections.settings[CONTROL]["ENGINE"].endswith("sqlite3"):
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    if not _pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,), via=DEFAULT_DB_ALIAS):
        _pg_admin(f'CREATE DATABASE "{name}"', via=DEFAULT_DB_ALIAS)


def template_exists(server: str = servers.OWN) -> bool:
    template = template_tenant(server)
    if engine() == "sqlite3":
        return Path(str(template.database["NAME"])).exists()
    return pg_exists(str(template.database["NAME"]), server=server)


def template_refresh(server: str = servers.OWN) -> None:
    """Make the template on the server, or bring it up to the latest migration."""
    template = template_tenant(server)
    if engine() == "sqlite3":
        Path(str(template.database["NAME"])).parent.mkdir(parents=True, exist_ok=True)
    elif not pg_exists(str(template.database["NAME"]), server=server):
        name = template.database["NAME"]
        _pg_admin(f'CREATE DATABASE "{name}"', server=server)
        _pg_admin(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{name}" FROM PUBLIC', server=server)
    migrate(template)
    close_connections(template.slug)


def database_create(slug: str, server: str = servers.OWN) -> dict:
    """A new database for the tenant `slug` on `server`, copied from the template and
    migrated: the settings the register keeps for it (its name, and its role and password,
    still in clear)."""
    if engine() == "sqlite3":
        if server != servers.OWN:
            raise TenantDatabaseError("Tenants are placed on other servers on PostgreSQL only.")
        template_refresh()
        path = sqlite_path(slug)
        if path.exists():
            raise TenantDatabaseError(f"{path} already exists; it is left as it is.")
        _sqlite_copy(Path(str(template_tenant().database["NAME"])), path)
        database = {"NAME": str(path)}
    else:
        template_refresh(server)
        database = _pg_create(slug, server)
    migrate(Tenant(slug=slug, name="", url="", database=_reached(database, server)))
    return database


def _reached(database: dict, server: str) -> dict:
    """The register's settings of a database on `server`, as the app reaches it."""
    return {**servers.reach(server), **database}


def database_drop(tenant: Tenant) -> None:
    close_connections(tenant.slug)
    if engine() == "sqlite3":
        for path in files_of(tenant.slug):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        return
    pg_drop(
        str(tenant.database["NAME"]), str(tenant.database.get("USER", "")), server=tenant.server
    )


def pg_drop(name: str, role: str = "", *, server: str = servers.OWN) -> None:
    """A tenant's database on `server`, and its role there."""
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server=server)
    if role:
        _pg_admin(f'DROP ROLE IF EXISTS "{role}"', server=server)


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


# PostgreSQL -----------------------------------------------------------------------------


def _pg_admin(sql: str, params: tuple = (), *, via: str = CONTROL, server: str = "") -> list:
    """A statement as the installation's role, on a connection of its own to the control
    database (or `via` another; on another server, its maintenance database), outside any
    transaction (CREATE DATABASE will not run in one)."""
    if server or settings.DATABASE_DIRECT_URL:  # the server itself, not a pooler in front
        config = servers.direct(server)
    else:
        config = copy.deepcopy(connections.settings[via])
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "tenants-admin")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []
    finally:
        wrapper.close()


def pg_exists(name: str, *, server: str = "") -> bool:
    return bool(_pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,), server=server))


def pg_role_make(name: str, password: str, *, server: str = "") -> None:
    """The tenant's role on `server` (a role is the server's, not a database's). The
    installation's role is not made a member of it: what runs in the tenant's database
    (a function planted there, run by a copy) would otherwise reach every tenant's."""
    _pg_admin(f'DROP ROLE IF EXISTS "{name}"', server=server)
    _pg_admin(
        f"CREATE ROLE \"{name}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'",
        server=server,
    )


def pg_database_make(name: str, *, template: str = "", server: str = "") -> None:
    """An empty database (or the template's copy) owned by the role of its name, which only
    that role, and the installation's, may connect to."""
    copied = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
    _pg_admin(f'CREATE DATABASE "{name}"{copied} OWNER "{name}"', server=server)
    _pg_admin(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{name}" FROM PUBLIC', server=server)


def _pg_create(slug: str, server: str = "") -> dict:
    name = pg_name(slug)
    if pg_exists(name, server=server):
        raise TenantDatabaseError(f"The database {name} already exists; it is left as it is.")
    password = random.token_urlsafe(32)
    pg_role_make(name, password, server=server)
    try:
        pg_database_make(name, template=servers.template_name(), server=server)
        hand_over(name, server)
    except Exception:
        pg_drop(name, name, server=server)  # no role left behind without its database
        raise
    if server == servers.OWN:
        pg_roles_refuse_others()
    return {"NAME": name, "USER": name, "PASSWORD": password}


def hand_over(name: str, server: str = "") -> None:
    """Every table, view and function in the new database `name`, a copy of the template,
    to the role of that name. A non-superuser gives an object to a role it is a member of
    only: the installation's role is made one for this and no longer (the database holds
    nothing but the template's, the migrations' own)."""
    installation = Tenant(slug=f"_{name}", name="", url="", database=_on(server, name))
    _pg_admin(f'GRANT "{name}" TO CURRENT_USER', server=server)
    try:
        with activated(installation), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_HAND_OVER.replace("{role}", name.replace('"', "")))
    finally:
        close_connections(installation.slug)
        _pg_admin(f'REVOKE "{name}" FROM CURRENT_USER', server=server)


def pg_memberships_revoked(server: str = "") -> list[str]:
    """The tenants' roles the installation's role is a member of on `server` (given by
    earlier releases, which made it one of each), no longer: their names."""
    like = pg_name("").replace("_", "\\_") + "%"
    held = _pg_admin(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "AND r.rolname LIKE %s",
        (like,),
        server=server,
    )
    for (role,) in held:
        _pg_admin(f'REVOKE "{role}" FROM CURRENT_USER', server=server)
    return [role for (role,) in held]


def analyze(tenant: Tenant) -> None:
    """The planner's statistics of every table in the tenant's database: a restored or
    copied database has none until autovacuum comes round (if it is on), and until then
    PostgreSQL plans a join of 50,000 people as if the tables were empty."""
    with activated(tenant), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("ANALYZE")


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


def described(tenant: Tenant) -> str:
    """The tenant's database in words (which file, or which database on which server)."""
    from samtale.core.backup import database_label

    with activated(tenant):
        return database_label()
