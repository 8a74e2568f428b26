"""Tenants: several organizations on one installation (docs/running/tenants.md).

Every tenant is registered in the control database, the one whose database is the
installation's own (DATABASE_URL) too: from these settings, at each `tenants migrate`
(samtale.tenancy.seed), answering at SAMTALE_HOSTS (by default SITE_URL's host and
ALLOWED_HOSTS' exact names; "none": the installation serves only tenants with databases of
their own). Every other tenant has a database of its own, registered in the control database (CONTROL_DATABASE_URL; by default beside DATABASE_URL's:
var/control.sqlite3, or PostgreSQL's <name>_control on the same server)."""

import copy
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from dj_database_url import DBConfig

from config.settings.base import ALLOWED_HOSTS, DATABASES, DEBUG, SITE_URL
from config.settings.env import envbool, envint, envlist, envnetworks, problem
from samtale.tenancy import configurable

# The short name of the tenant whose database is the installation's own: in the operators'
# list, its cache keys and its folders.
SAMTALE_TENANT = os.environ.get("SAMTALE_TENANT", "main").strip() or "main"


def _checked_hosts(name: str, hosts: list[str]) -> list[str]:
    # By the rule a registered tenant's host names are held to (tenants create).
    checked = []
    for host in hosts:
        try:
            checked.append(configurable.host_name_check(host, what=name))
        except configurable.Refused as refused:
            problem("samtale.E032", str(refused))
    return checked


def _home_hosts() -> list[str]:
    # The host names the installation's own database's tenant answers at, comma-separated:
    # by default SITE_URL's and ALLOWED_HOSTS' exact names; "none": the installation serves
    # only tenants with databases of their own.
    given = envlist("SAMTALE_HOSTS", [])
    if given == ["none"]:
        return []
    if given:
        return _checked_hosts("SAMTALE_HOSTS", given)
    exact = [host for host in ALLOWED_HOSTS if host and not host.startswith(".") and host != "*"]
    site = urlsplit(SITE_URL).hostname
    return list(dict.fromkeys([*([site] if site else []), *(h.strip("[]").lower() for h in exact)]))


SAMTALE_HOSTS = _home_hosts()

# The host names of the operators' page (samtale.operators.views), comma-separated: the
# register of tenants and their state, never a tenant's content. Empty: no such page.
SAMTALE_OPERATOR_HOSTS = _checked_hosts(
    "SAMTALE_OPERATOR_HOSTS", envlist("SAMTALE_OPERATOR_HOSTS", [])
)

# Encrypts the secrets kept in the databases (samtale.tenancy.secrets); empty: derived from
# SECRET_KEY (then changing SECRET_KEY makes them unreadable: set this one to rotate that).
SAMTALE_SECRETS_KEY = os.environ.get("SAMTALE_SECRETS_KEY", "")


def _control_database(default: DBConfig) -> DBConfig:
    # The control database, the register of tenants (no tenant's content): by default
    # beside DATABASE_URL's, var/control.sqlite3 or PostgreSQL's <name>_control.
    url = os.environ.get("CONTROL_DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
    control = copy.deepcopy(default)
    if default["ENGINE"] == "django.db.backends.sqlite3":
        if default["NAME"] != ":memory:":
            control["NAME"] = str(Path(default["NAME"]).with_name("control.sqlite3"))
    else:
        control["NAME"] = f"{default['NAME']}_control"
    return control


DATABASES["control"] = _control_database(DATABASES["default"])
DATABASE_ROUTERS = ["samtale.tenancy.router.TenantRouter"]

# Where a new tenant's database goes: SQLite, a file in this folder; PostgreSQL, a database
# (and a role) named <prefix><slug> on DATABASE_URL's server.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _home = DATABASES["default"]["NAME"]
    SAMTALE_TENANT_DATABASES = os.environ.get(
        "SAMTALE_TENANT_DATABASES",
        str(Path(_home).with_name("tenants")) if _home != ":memory:" else "",
    )
else:
    SAMTALE_TENANT_DATABASES = os.environ.get(
        "SAMTALE_TENANT_DATABASES", f"{DATABASES['default']['NAME']}_"
    )
# The connections to tenants' databases each thread keeps open between its requests (the
# least recently served closed beyond it; DB_CONN_MAX_AGE still ends each one's life): a
# process holds at most threads × (this + 2) connections, however many tenants it serves.
SAMTALE_TENANT_CONNECTIONS_KEPT = envint("SAMTALE_TENANT_CONNECTIONS_KEPT", 1, low=0, high=50)

# A transaction-pooling PgBouncer stands between Samtale and PostgreSQL (DATABASE_URL and
# each server's ?pool= point at it): every connection is given back at the end of its
# request or task (CONN_MAX_AGE 0: the pooler, not the process, keeps the server's), no
# server-side cursor and no prepared statement (the server's connection serves another
# client between two transactions, and would not know them).
DB_POOLED = envbool("DB_POOLED", False)


def _servers() -> dict[str, dict]:
    # The database servers tenants may be placed on besides DATABASE_URL's ("": the
    # installation's own), as name=URL pairs separated by spaces or commas, e.g.
    # "east=postgres://samtale:pw@db2:5432/samtale?pool=pgbouncer:6433": the URL reaches the
    # server itself (creating, dumping and restoring databases), its ?pool= (host:port) the
    # pooler the app connects through; no pool: the app connects to the server.
    servers = {}
    for pair in os.environ.get("SAMTALE_DATABASE_SERVERS", "").replace(",", " ").split():
        name, _, url = pair.partition("=")
        try:
            servers[_server_name(name)] = _server(url)
        except ValueError as error:
            problem("samtale.E033", f"SAMTALE_DATABASE_SERVERS: {name!r}: {error}")
    return servers


def _server_name(name: str) -> str:
    if not (name.isascii() and name.isalnum() and name.islower() and len(name) <= 30):
        raise ValueError("a server's name is 1–30 lower-case letters and digits")
    return name


def _server(url: str) -> dict:
    url, _, query = url.partition("?")
    options = dict(part.partition("=")[::2] for part in query.split("&") if part)
    pool = options.pop("pool", "")
    # The rest are libpq's (sslmode=verify-full&sslrootcert=…): the server's and its pool's.
    rest = "&".join(f"{name}={value}" for name, value in options.items())
    direct = dj_database_url.parse(f"{url}?{rest}" if rest else url)
    if not direct["ENGINE"].endswith("postgresql"):
        raise ValueError("tenants are placed on PostgreSQL servers only")
    host, _, port = pool.rpartition(":") if pool else (direct["HOST"], "", direct["PORT"])
    return {
        "direct": direct,
        "pool": {"HOST": host or pool, "PORT": str(port or "")},
        # Reached through a (transaction-pooling) PgBouncer: as DB_POOLED says for DATABASE_URL.
        "pooled": bool(pool),
    }


SAMTALE_DATABASE_SERVERS = _servers()
# The installation's own server itself, where DATABASE_URL reaches it through a pooler: what a
# pooler cannot do (pg_dump, moving a tenant) goes here. Empty: DATABASE_URL's.
DATABASE_DIRECT_URL = os.environ.get("DATABASE_DIRECT_URL", "")

# What one tenant's pages keep is never another's: the tenant is part of every cache key.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "samtale.tenancy.configured.cache_key",
    }
}

# Django's SQLite and PostgreSQL backends with a guard (samtale.tenancy.backends): outside any
# tenant a query of the product's database is refused, never sent to the home tenant's.
for _alias in ("default", "control"):
    _engine = DATABASES[_alias]["ENGINE"]
    if DB_POOLED and _engine == "django.db.backends.postgresql":
        DATABASES[_alias]["CONN_MAX_AGE"] = 0
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = None
    if _engine in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        DATABASES[_alias]["ENGINE"] = "samtale.tenancy.backends." + _engine.rsplit(".", 1)[1]
    if _engine == "django.db.backends.sqlite3":
        # What Django does for SQLite's test databases, said outright: tools that know
        # SQLite by Django's engine's name (pytest-django) would otherwise name a file.
        DATABASES[_alias].setdefault("TEST", {}).setdefault("NAME", ":memory:")

# A municipality's own servers, which Samtale's server connects to (its calendar mailbox,
# SAMTALE_CALENDAR_IMAP_URL; its identity providers, SAMTALE_SSO_PROVIDERS), are given per
# municipality: `tenants configure` refuses one whose name resolves to an address inside
# this installation's network (loopback, private, link-local such as 169.254.169.254, and
# the rest that is not on the internet), and the mailbox's reader connects to none.
# SAMTALE_OUTBOUND_ALLOWED_NETWORKS: networks allowed nonetheless, as addresses or CIDRs
# (the organization's own mail server, e.g. 10.20.0.0/16). Default: none; with DEBUG on (a
# laptop), this machine's own (127.0.0.0/8, ::1).
SAMTALE_OUTBOUND_ALLOWED_NETWORKS = envnetworks("SAMTALE_OUTBOUND_ALLOWED_NETWORKS") or (
    [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")] if DEBUG else []
)
