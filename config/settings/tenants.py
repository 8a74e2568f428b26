"""Tenants: several organizations on one installation (docs/running/tenants.md).

The installation's own database (DATABASE_URL) is the home tenant's, answering at
SAMTALE_HOSTS (by default SITE_URL's host and ALLOWED_HOSTS' exact names; "none": the
installation serves registered tenants only). Every other tenant has a database of its own,
registered in the control database (CONTROL_DATABASE_URL; by default beside DATABASE_URL's:
var/control.sqlite3, or PostgreSQL's <name>_control on the same server)."""

import copy
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from config.settings.base import ALLOWED_HOSTS, DATABASES, SITE_URL
from config.settings.env import envlist, problem
from samtale.core import configurable

# The home tenant's short name: in the operators' list and in its cache keys.
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
    # The home tenant's host names (the installation's own database answers at them),
    # comma-separated: by default SITE_URL's and ALLOWED_HOSTS' exact names; "none": the
    # installation serves registered tenants only.
    given = envlist("SAMTALE_HOSTS", [])
    if given == ["none"]:
        return []
    if given:
        return _checked_hosts("SAMTALE_HOSTS", given)
    exact = [host for host in ALLOWED_HOSTS if host and not host.startswith(".") and host != "*"]
    site = urlsplit(SITE_URL).hostname
    return list(dict.fromkeys([*([site] if site else []), *(h.strip("[]").lower() for h in exact)]))


SAMTALE_HOSTS = _home_hosts()

# The host names of the operators' page (samtale.tenants.views), comma-separated: the
# register of tenants and their state, never a tenant's content. Empty: no such page.
SAMTALE_OPERATOR_HOSTS = _checked_hosts(
    "SAMTALE_OPERATOR_HOSTS", envlist("SAMTALE_OPERATOR_HOSTS", [])
)

# Encrypts the secrets kept in the databases (samtale.core.secrets); empty: derived from
# SECRET_KEY (then changing SECRET_KEY makes them unreadable: set this one to rotate that).
SAMTALE_SECRETS_KEY = os.environ.get("SAMTALE_SECRETS_KEY", "")


def _control_database(default: dict) -> dict:
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
DATABASE_ROUTERS = ["samtale.core.tenancy.router.TenantRouter"]

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
# What one tenant's pages keep is never another's: the tenant is part of every cache key.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_FUNCTION": "samtale.core.tenancy.configured.cache_key",
    }
}

# Django's SQLite and PostgreSQL backends with a guard (samtale.core.backends): outside any
# tenant a query of the product's database is refused, never sent to the home tenant's.
for _alias in ("default", "control"):
    _engine = DATABASES[_alias]["ENGINE"]
    if _engine in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        DATABASES[_alias]["ENGINE"] = "samtale.core.backends." + _engine.rsplit(".", 1)[1]
    if _engine == "django.db.backends.sqlite3":
        # What Django does for SQLite's test databases, said outright: tools that know
        # SQLite by Django's engine's name (pytest-django) would otherwise name a file.
        DATABASES[_alias].setdefault("TEST", {}).setdefault("NAME", ":memory:")
