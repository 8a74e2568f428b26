"""The tenant a piece of work runs in, and the database connection that goes with it.

Every model of the product lives in a tenant's own database (docs/developing/
decision-tenants.md). The product's code is written for one database, the alias "default":
`Model.objects`, `transaction.atomic()`, `connection.cursor()`. Inside `activated(tenant)`
that alias *is* the tenant's database: the connection this thread holds under "default" is
the tenant's own, made from the installation's settings with the tenant's database name (and,
on PostgreSQL, the tenant's own role, which may connect to no other tenant's database). When
the block ends, the thread gets back the connection it had. So nothing in the product chooses
a database, and nothing can choose another tenant's.

The installation's own database (DATABASE_URL) is the *home* tenant's: an installation for
one organization has no other, and keeps its database where it was. Its host names are the
installation's (SAMTALE_HOSTS, by default SITE_URL's and ALLOWED_HOSTS' exact names).

The tenants' register (host names, state, database) is in the control database, the alias
"control" (samtale.tenants.models); nothing of any tenant's content is there.
"""

from __future__ import annotations

import contextvars
import copy
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import load_backend

from samtale.core.secrets import SecretUnreadable

CONTROL = "control"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tenant:
    """A tenant as a request, a task or a command sees it: who, where, and which database
    (`database`: the settings that differ from the installation's; empty for the home
    tenant, whose database is the installation's own)."""

    slug: str
    name: str
    url: str
    hosts: tuple[str, ...] = ()
    database: Mapping[str, object] = field(default_factory=dict)
    suspended: bool = False
    # What the tenant configured for itself (CONFIGURABLE), secrets decrypted.
    config: Mapping[str, object] = field(default_factory=dict)

    @property
    def home(self) -> bool:
        return not self.database


_current: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar(
    "samtale_tenant", default=None
)
# This thread's connections to the tenants' databases it has served, kept between its
# requests as Django keeps its own (CONN_MAX_AGE): {(slug, settings) -> DatabaseWrapper}.
_threads = threading.local()


def home() -> Tenant:
    """The installation's own tenant: its database is DATABASE_URL's."""
    return Tenant(
        slug=settings.SAMTALE_TENANT,
        name=settings.SAMTALE_ORGANIZATION,
        url=settings.SITE_URL,
        hosts=tuple(settings.SAMTALE_HOSTS),
    )


# The operators' host is no tenant's: what runs there reads the register only.
OPERATIONS = Tenant(slug="_operations", name="", url="")


def current() -> Tenant:
    """The tenant this work runs in; outside any (a command, a shell, a test), the home
    tenant, whose database the "default" connection then reaches."""
    return _current.get() or home()


# What each tenant configures for itself (`manage.py tenants configure`), kept in the
# register with the secrets encrypted: the setting's name → (its kind, whether it is the
# tenant's own). The home tenant's are the environment's, as they always were. A registered
# tenant's own settings never come from the environment (another organization's archive
# account, mailbox or organization number): unset, they are empty. The others fall back to
# the installation's value. Kinds: str, int, bool, "secret" (a str kept encrypted) and
# "json" (a value kept as encrypted JSON).
SECRET = "secret"
JSON = "json"  # kept encrypted too: it holds the providers' client secrets
CONFIGURABLE: dict[str, tuple[object, bool]] = {
    "SAMTALE_ORGANIZATION_NUMBER": (str, True),
    "DEFAULT_FROM_EMAIL": (str, False),
    "SAMTALE_MIN_GROUP": (int, False),
    "SAMTALE_RETAIN_NOTES_MONTHS": (int, False),
    "SAMTALE_RETAIN_LEAVERS_YEARS": (int, False),
    "SAMTALE_CONVERSATION_INTERVAL_MONTHS": (int, False),
    "SAMTALE_PASSWORD_SIGNIN": (bool, False),
    "SAMTALE_API_KEYS_FOR_EVERYONE": (bool, False),
    "SAMTALE_ARCHIVE_CHANNEL": (str, True),
    "SAMTALE_ARCHIVE_FOLDER": (str, True),
    "SAMTALE_ARCHIVE_PERSON_KEY": (str, False),
    "SAMTALE_ARCHIVE_ACCESS_CODE": (str, False),
    "SAMTALE_ARCHIVE_SCREENING_BASIS": (str, False),
    "SAMTALE_FIKS_ACCOUNT": (str, True),
    "SAMTALE_FIKS_ARCHIVE_ACCOUNT": (str, True),
    "SAMTALE_FIKS_CERTIFICATE": (str, True),
    "SAMTALE_FIKS_PRIVATE_KEY": (SECRET, True),
    "SAMTALE_FIKS_ARCHIVE_CERTIFICATE": (str, True),
    "SAMTALE_FIKS_CLASSIFICATION": (str, False),
    "SAMTALE_CALENDAR_ADDRESS": (str, True),
    "SAMTALE_CALENDAR_IMAP_URL": (SECRET, True),
    "SAMTALE_CALENDAR_WEBHOOK_TOKEN": (SECRET, True),
    "SAMTALE_BUSY_KEY": (SECRET, True),
    "SAMTALE_GRAPH_TENANT_ID": (str, True),
    "SAMTALE_GRAPH_CLIENT_ID": (str, True),
    "SAMTALE_GRAPH_CLIENT_SECRET": (SECRET, True),
    # Its OpenID Connect providers, as JSON: a list of {provider_id, name, client_id,
    # secret, settings: {server_url, link}} (docs/integrating/sso.md).
    "SAMTALE_SSO_PROVIDERS": (JSON, True),
}
# A registered tenant's own setting left unset.
_UNSET_OWN = {"SAMTALE_ARCHIVE_CHANNEL": "download"}


def setting(name: str):
    """The current tenant's value of a setting it may configure (CONFIGURABLE): the home
    tenant's is the environment's (settings); a registered tenant's is its own, or, for
    what is not its own, the installation's."""
    tenant = current()
    if tenant.home:
        return getattr(settings, name)
    if name == "SAMTALE_ORGANIZATION":
        return tenant.name
    if name in tenant.config:
        return tenant.config[name]
    kind, own = CONFIGURABLE[name]
    if own:
        return _UNSET_OWN.get(name, [] if kind == JSON else "")
    return getattr(settings, name)


def site_url() -> str:
    """The address of the current tenant: every link in an e-mail, every calendar UID."""
    return current().url


def folder(base: str | os.PathLike) -> Path:
    """The current tenant's own folder under `base` (e-mails written on a laptop, packages
    filed to a folder): `base` itself for the home tenant, `base/<slug>` for the others."""
    tenant = current()
    return Path(base) if tenant.home else Path(base) / tenant.slug


@contextmanager
def activated(tenant: Tenant) -> Iterator[Tenant]:
    """Run the block in `tenant`: its database is "default" for this thread. Blocks nest
    (a command for every tenant, a test of two); the home tenant's connection is the one
    the thread had before the outermost block."""
    token = _current.set(tenant)
    depth = _threads.__dict__.get("depth", 0)
    previous = connections[DEFAULT_DB_ALIAS]  # made, not connected, if the thread had none
    if depth == 0:
        _threads.home = previous
    wrapper = _threads.home if tenant.home else _connection(tenant)
    swapped = wrapper is not previous
    if swapped:
        # What a request's start does to Django's own connections (close_old_connections):
        # one past its age, or broken, is closed; the next query opens a new one. (Not
        # inside its own transaction, when a block of this tenant's encloses this one.)
        if not wrapper.in_atomic_block:
            wrapper.close_if_unusable_or_obsolete()
        # What watches this thread's queries (the metrics' and the request log's counts)
        # watches the tenant's too.
        watching, wrapper.execute_wrappers = wrapper.execute_wrappers, [*previous.execute_wrappers]
        setattr(connections._connections, DEFAULT_DB_ALIAS, wrapper)
    _threads.depth = depth + 1
    try:
        yield tenant
    finally:
        _threads.depth = depth
        if swapped:
            wrapper.execute_wrappers = watching
            if not wrapper.in_atomic_block:
                wrapper.close_if_unusable_or_obsolete()
            setattr(connections._connections, DEFAULT_DB_ALIAS, previous)
        _current.reset(token)


def database_settings(tenant: Tenant) -> dict:
    """Django's settings for the tenant's database: the installation's, with the tenant's
    name (and role) in place."""
    config = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    config.update(copy.deepcopy(dict(tenant.database)))
    test = config.setdefault("TEST", {})
    test["NAME"] = config["NAME"]  # a test that makes a tenant makes its real database
    return config


def _connection(tenant: Tenant):
    key = (tenant.slug, tuple(sorted((k, str(v)) for k, v in tenant.database.items())))
    wrappers = _threads.__dict__.setdefault("wrappers", {})
    wrapper = wrappers.get(key)
    if wrapper is None:
        config = database_settings(tenant)
        wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, DEFAULT_DB_ALIAS)
        wrappers[key] = wrapper
    return wrapper


def close_connections(slug: str | None = None) -> None:
    """Close this thread's connections to tenants' databases (all, or one tenant's): before
    a tenant's database is dropped or restored."""
    wrappers = _threads.__dict__.get("wrappers", {})
    for key in [key for key in wrappers if slug is None or key[0] == slug]:
        wrappers.pop(key).close()


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """Django's cache key with the tenant's slug in it (CACHES' KEY_FUNCTION): what one
    tenant's pages keep (a menu, a leader's nudges, by a user's id) is never another's."""
    return f"{current().slug}:{key_prefix}:{version}:{key}"


# The register ---------------------------------------------------------------------------
# Which tenant a host name belongs to, and every tenant there is. The register (the app
# samtale.tenants, in the control database) is read at most every REFRESH_SECONDS per
# process (each request would otherwise pay a query for it): a tenant created, suspended or
# given a host name is served so within that time by every process, at once by the one that
# changed it (`forget`). The home tenant's host names are settings and need no query.

REFRESH_SECONDS = 10.0

_lock = threading.Lock()
_loaded: dict = {"at": None, "by_host": {}, "tenants": ()}


def forget() -> None:
    """Read the register again at the next lookup (after this process changed it)."""
    with _lock:
        _loaded["at"] = None


def registered() -> tuple[Tenant, ...]:
    """The registered tenants (not the home tenant), suspended ones too."""
    return _load()["tenants"]


def every_tenant(*, suspended: bool = False) -> list[Tenant]:
    """The home tenant, when it serves a host name or holds the installation's only
    organization, and every registered one (without the suspended, unless asked)."""
    tenants = [home()] if settings.SAMTALE_HOSTS else []
    tenants += [t for t in registered() if suspended or not t.suspended]
    return tenants


def by_slug(slug: str) -> Tenant | None:
    if settings.SAMTALE_HOSTS and slug == settings.SAMTALE_TENANT:
        return home()
    return next((t for t in registered() if t.slug == slug), None)


def by_host(host: str) -> Tenant | None:
    """The tenant answering at `host` (a name without port), or None: no one's."""
    host = host.lower().rstrip(".")
    if settings.SAMTALE_HOSTS and host in settings.SAMTALE_HOSTS:
        return home()
    return _load()["by_host"].get(host)


def _load() -> dict:
    with _lock:
        at = _loaded["at"]
        if at is not None and time.monotonic() - at < REFRESH_SECONDS:
            return _loaded
    try:
        tenants = _read()
    except DatabaseError as error:
        # The control database is away, or was never made (an installation for one
        # organization that has not run `tenants migrate`): the register last read, if
        # any, is served meanwhile.
        logger.warning("The tenants' register cannot be read (%s).", str(error).strip()[:200])
        with _lock:
            _loaded["at"] = time.monotonic()  # asked again in REFRESH_SECONDS, not at once
            return _loaded
    with _lock:
        _loaded["tenants"] = tuple(tenants)
        _loaded["by_host"] = {host: t for t in tenants for host in t.hosts}
        _loaded["at"] = time.monotonic()
        return _loaded


def _read() -> list[Tenant]:
    from django.apps import apps

    Row = apps.get_model("tenants", "Tenant")
    tenants = []
    for row in Row.objects.prefetch_related("hosts"):
        try:
            tenants.append(_tenant_of(row))
        except SecretUnreadable as error:
            # Not served (its host names answer 404) rather than every tenant stopped.
            logger.error("Tenant %s is not served: %s", row.slug, error)
    return tenants


def _tenant_of(row) -> Tenant:
    from samtale.core.secrets import decrypt

    return Tenant(
        slug=row.slug,
        name=row.name,
        url=row.url,
        hosts=tuple(host.name for host in row.hosts.all()),
        database=_database(row, decrypt(row.password)),
        suspended=row.state == "suspended",
        config=config_read(row.config),
    )


def config_read(stored: Mapping) -> dict:
    """A tenant's configuration as kept (secrets encrypted) → as used."""
    from samtale.core.secrets import decrypt

    config = {}
    for name, value in stored.items():
        kind = CONFIGURABLE.get(name, (None,))[0]
        if kind == SECRET:
            config[name] = decrypt(value)
        elif kind == JSON:
            config[name] = json.loads(decrypt(value))
        elif kind is not None:
            config[name] = value
    return config


def _database(row, password: str) -> dict:
    if row.role:
        return {"NAME": row.database, "USER": row.role, "PASSWORD": password}
    return {"NAME": row.database}


# Where each model lives -------------------------------------------------------------------
# The register in the control database; every other model in the tenant's (the alias
# "default", which is the tenant's own while one is active). Migrations follow: the register
# is never made in a tenant's database, nor the product's tables in the control database.

CONTROL_APPS = frozenset({"tenants"})


class TenantRouter:
    def db_for_read(self, model, **hints):
        return CONTROL if model._meta.app_label in CONTROL_APPS else None

    db_for_write = db_for_read

    def allow_relation(self, first, second, **hints):
        return (first._meta.app_label in CONTROL_APPS) == (second._meta.app_label in CONTROL_APPS)

    def allow_migrate(self, db, app_label, **hints):
        return (db == CONTROL) == (app_label in CONTROL_APPS)
