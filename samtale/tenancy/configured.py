"""What the current tenant configured for itself (tenancy.configurable declares each setting):
its own values, kept in the register, secrets encrypted (the tenant of the installation's own
database has the environment's, registered at each migrate: tenancy.seed); what it did not
configure, the installation's (Django's settings). Product code reads each by its name with
its type, `tenant_settings.SAMTALE_MIN_GROUP` (tenancy.typed, generated from the
declarations): a test fails the build where it reads one from `django.conf.settings`, or
names one in a string here (`value_of` takes a name for what goes through every setting:
`tenants configure/show/export`, the check of a configuration as a whole)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings

from samtale.tenancy import configurable
from samtale.tenancy.context import OPERATIONS, NoTenant, current


def declared() -> dict[str, configurable.Declared]:
    """Every setting a tenant configures, by name (the settings modules declare them)."""
    settings.INSTALLED_APPS  # noqa: B018 - the settings, and with them the declarations, loaded
    return configurable.DECLARED


def value_of(tenant: Any, name: str) -> Any:
    """`tenant`'s value of a setting it configures, by its name (tenancy.typed reads each
    one with its type)."""
    if tenant is OPERATIONS:
        raise NoTenant(f"The operators' host has no tenant's {name}.")
    entry = declared()[name]
    if name in tenant.config:
        return tenant.config[name]
    if entry.own:
        if entry.derived is not None:
            return entry.derived(lambda other: value_of(tenant, other))
        return entry.unset
    return getattr(settings, name)


def site_url() -> str:
    """The address of the current tenant: every link in an e-mail, every calendar UID."""
    return current().url


def organization_name() -> str:
    return current().name


def folder(base: str | os.PathLike[str]) -> Path:
    """The current tenant's own folder under `base` (e-mails written on a laptop, packages
    filed to a folder): `base/<slug>`."""
    return Path(base) / current().slug


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """Django's cache key with the tenant's slug in it (CACHES' KEY_FUNCTION): what one
    tenant's pages keep (a menu, a leader's nudges, by a user's id) is never another's."""
    return f"{current().slug}:{key_prefix}:{version}:{key}"


def config_read(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A tenant's configuration as kept (secrets encrypted) → as used."""
    from samtale.tenancy.secrets import decrypt

    known = declared()
    config = {}
    for name, value in stored.items():
        entry = known.get(name)
        if entry is None:
            continue
        if entry.secret:
            text = decrypt(value)
            config[name] = json.loads(text) if entry.kind == configurable.PROVIDERS else text
        else:
            config[name] = value
    return config


def config_kept(name: str, value: Any) -> object:
    """A checked value as the register keeps it: a secret encrypted (a list of providers as
    its JSON)."""
    from samtale.tenancy.secrets import encrypt

    entry = declared()[name]
    if not entry.secret:
        return value
    return encrypt(json.dumps(value) if entry.kind == configurable.PROVIDERS else value)
