"""A tenant moved as a folder: `tenants export` writes everything it holds, `tenants restore`
makes it again, here or on another installation (docs/running/tenants.md).

The folder holds a snapshot of the tenant's database (core.backup), the municipality's open
copy (privacy.open_copy: the people, conversations, summaries, goals and actions as CSV and
JSON, the signed forms as PDF/A, read without Samtale), and `tenant.json`, the manifest: who
the tenant is, the files' names and checksums, and what it configures. The snapshot and the
open copy are sealed for the export's receivers (core.sealed: age, `--to`), or the operator's
(SAMTALE_BACKUP_RECIPIENTS); a restore opens the snapshot with the receiver's key
(`--identity`) and checks it against the checksum of what was sealed. A folder is something handed over, so a restore believes nothing in it
that it cannot check: the folder must be a folder, not a link; the manifest and the snapshot
regular files of it with no other name (not a link out, not a hard link to a live database,
not a named pipe a read would wait on for ever), the snapshot's bytes matching the manifest's
checksum; the configuration is applied only as `tenants export` wrote it, encrypted and
authenticated with the installation's key (tenancy.secrets) and bound to the municipality and
the snapshot it was exported with (`config_token`), so that a manifest written or changed by
anyone else, or another export's token copied into it, configures nothing; and every value is
checked again as `tenants configure` checks it. Restored on an installation
with another key, the configuration is left out and the command lists what to set again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from samtale import tenancy
from samtale.core import sealed
from samtale.core.backup import (
    BackupError,
    checksum_path,
    file_sha256,
    snapshot_restore,
    snapshot_take,
    snapshot_verify,
)
from samtale.operators import databases
from samtale.operators.services import (
    TenantError,
    config_checked,
    create_checked,
    tenant_delete,
    tenant_get,
    tenant_suspend,
)
from samtale.privacy import open_copy
from samtale.tenancy import configurable
from samtale.tenancy.models import Registration
from samtale.tenancy.secrets import SecretUnreadable, decrypt, encrypt

MANIFEST = "tenant.json"
OPEN_COPY = "apen-kopi.zip"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Restored:
    tenant: tenancy.Tenant
    # What the tenant configured that could not be carried over: to set again.
    to_set_again: list[str] = field(default_factory=list)


def tenant_export(slug: str, folder: Path, *, recipients: list[str] | None = None) -> Path:
    """Everything the tenant holds, into a new folder: a snapshot of its database, its open
    copy, and the manifest with the register's entry and its configuration (encrypted for
    this installation's key). The snapshot and the open copy are sealed for `recipients`
    (age public keys; None: the operator's, SAMTALE_BACKUP_RECIPIENTS; empty: in clear)."""
    tenant = tenant_get(slug)
    keys = sealed.operators() if recipients is None else recipients
    sealed.recipients_parsed(keys)  # a key that is none refused before anything is written
    config = Registration.objects.get(slug=slug).config
    folder.mkdir(parents=True, exist_ok=False)
    suffix = ".sqlite3" if databases.engine() == "sqlite3" else ".dump"
    # pg_dump's one long transaction, on the server itself rather than through a pooler.
    with tenancy.activated(tenancy.servers.unpooled(tenant)):
        snapshot = snapshot_take(output=folder / f"{slug}{suffix}")
    with tenancy.activated(tenant):
        counts = open_copy.write(folder / OPEN_COPY, organization=tenant.name)
    files = {"snapshot": snapshot.path, "open_copy": folder / OPEN_COPY}
    if keys:
        checksum_path(snapshot.path).unlink()
        files = {what: sealed.seal(path, keys) for what, path in files.items()}
    manifest = {
        "slug": tenant.slug,
        "name": tenant.name,
        "url": tenant.url,
        "hosts": list(tenant.hosts),
        "snapshot": files["snapshot"].name,
        "kind": snapshot.kind,
        # The snapshot's own checksum; sealed, the sealed file's too.
        "sha256": snapshot.sha256,
        "sealed_for": list(keys),
        "sealed_sha256": file_sha256(files["snapshot"]) if keys else "",
        "open_copy": files["open_copy"].name,
        "open_copy_sha256": file_sha256(files["open_copy"]),
        "open_copy_counts": counts,
        # What it configures: the names in clear (what to set again elsewhere), the values
        # as kept, encrypted and authenticated with this installation's key.
        "settings": sorted(config),
        "config": config_token(tenant.slug, snapshot.sha256, config),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return folder


def config_token(slug: str, snapshot_sha256: str, config: dict) -> str:
    """The configuration as an export carries it: encrypted and authenticated with this
    installation's key, and bound inside the token to the municipality it was exported from
    and to that export's snapshot (its checksum), so that it configures only a restore of
    that same export: not a tenant made from another snapshot with this token copied into its
    manifest, nor a copy whose manifest names another municipality."""
    bound = {"slug": slug, "snapshot_sha256": snapshot_sha256, "config": config}
    return encrypt(json.dumps(bound, sort_keys=True))


def tenants_backup(folder: Path, *, server: str | None = None, say=print) -> list[Path]:
    """Every tenant with a database of its own (or those on `server`) exported into a folder
    of its own under `folder` (tenant_export), one after another: a server's tenants, each
    restorable alone. The installation's own database is `manage.py backup`'s."""
    tenants = [
        t
        for t in tenancy.registered()
        if not t.in_own_database and (server is None or t.server == server)
    ]
    if server is not None and not tenants:
        raise TenantError(f"No tenant is on {server or 'the installation’s own server'}.")
    folder.mkdir(parents=True, exist_ok=True)
    done = []
    for tenant in tenants:
        done.append(tenant_export(tenant.slug, folder / tenant.slug))
        say(f"{tenant.slug}: {folder / tenant.slug}/")
    return done


def tenant_restore(
    folder: Path,
    *,
    slug: str = "",
    hosts: list[str] | None = None,
    values: dict[str, str] | None = None,
    identity: Path | None = None,
) -> Restored:
    """A tenant exported (tenant_export) made again here, under its own slug and host names
        unless others are given; `values` (NAME → text) set on top of what the folder carries, or
        in its place where it cannot be read; a sealed snapshot opened with the key file `identity`.
    Refused, nothing is made."""
    manifest = _manifest(folder)
    stored, to_set_again = _configuration(manifest)
    if _still_here(manifest["slug"]):
        # A copy beside the tenant it was exported from: what ties that one to the world
        # outside (its sender, organization number, mailbox, Fiks account, webhook, identity
        # provider) is not the copy's too, or each would take messages meant for the other
        # (services.accounts_checked would refuse them): given again (its sender at least).
        declared = tenancy.declared()
        tied = [name for name in stored if declared[name].own]
        stored = {name: value for name, value in stored.items() if name not in tied}
        to_set_again = sorted({*to_set_again, *tied})
    stored = config_checked(stored, values or {})
    to_set_again = [name for name in to_set_again if name not in stored]
    with tempfile.TemporaryDirectory(prefix="samtale-restore-") as private:
        snapshot = _snapshot(folder, manifest, Path(private), identity)
        tenant = create_checked(
            slug=slug or manifest["slug"],
            name=manifest["name"],
            hosts=hosts or manifest["hosts"],
            url="" if hosts else manifest["url"],
            stored=stored,
            # Served only once its data is in place, and migrated to this version.
            suspended=True,
        )
        try:
            with tenancy.activated(tenant):
                snapshot_restore(snapshot)
            databases.migrate(tenant)
        except BackupError as error:
            tenant_delete(tenant.slug)
            raise TenantError(str(error)) from None
    tenant_suspend(tenant.slug, suspended=False)
    return Restored(tenant_get(tenant.slug), to_set_again)


def _still_here(slug: str) -> bool:
    """Whether the tenant an export came from is served here still: registered, its data not
    deleted (an export made again as another tenant takes over its accounts only once it is
    gone)."""
    return Registration.objects.filter(slug=slug).exclude(state=Registration.State.DELETED).exists()


def _folder_checked(folder: Path) -> None:
    """The folder a restore reads: a folder, not a link to one (what it holds would be
    somewhere else than the operator named)."""
    try:
        mode = os.lstat(folder).st_mode
    except OSError as error:
        raise TenantError(f"{folder} cannot be read: {error.strerror}.") from None
    if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
        raise TenantError(
            f"{folder} is not a folder but a link or a file: a restore reads a folder itself, "
            "and follows no link. Nothing was restored."
        )


def _opened(path: Path) -> int:
    """`path` opened for reading once: not through a link, not waiting (a named pipe would
    hold the restore for ever), and only a regular file with one name (a second name, a hard
    link, may be a live database's file). An OSError, or TenantError saying what it is."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    found = os.fstat(handle)
    if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:
        os.close(handle)
        what = "a file with another name too" if stat.S_ISREG(found.st_mode) else "no file"
        raise TenantError(
            f"{path.name} in {path.parent} is {what} (a link, a pipe or a device): a restore "
            "reads regular files of the folder that have no other name. Nothing was restored."
        )
    return handle


MANIFEST_MOST = 1 << 20  # a manifest is a few kilobytes


def _manifest(folder: Path) -> dict:
    _folder_checked(folder)
    path = folder / MANIFEST
    try:
        with os.fdopen(_opened(path), "rb") as read:
            text = read.read(MANIFEST_MOST + 1)
        if len(text) > MANIFEST_MOST:
            raise ValueError("it is larger than a manifest")
        manifest = json.loads(text)
    except FileNotFoundError:
        raise TenantError(f"{folder} holds no {MANIFEST}: it is no tenant's export.") from None
    except (OSError, ValueError) as error:
        raise TenantError(f"{path} cannot be read: {error}.") from None
    texts = ("slug", "name", "url", "snapshot", "kind", "sha256")
    if (
        not isinstance(manifest, dict)
        or not all(isinstance(manifest.get(key), str) for key in texts)
        or not isinstance(manifest.get("hosts"), list)
        or not all(isinstance(host, str) for host in manifest["hosts"])
    ):
        raise TenantError(f"{path} is not a manifest written by tenants export.")
    return manifest


def _snapshot(folder: Path, manifest: dict, private: Path, identity: Path | None = None):
    """The manifest's snapshot, copied into `private` (a folder of this process's own) and
    checked there: a file of the folder itself, opened once without following a link, whole,
    with the manifest's checksum (sealed: the sealed file's, then, opened with `identity`,
    the snapshot's). What is restored is that copy, so nothing changed in the folder
    afterwards (a link put in its place) is read."""
    name = manifest["snapshot"]
    inside = Path(name).name == name and name not in ("", ".", "..")
    if not inside or "/" in name or "\\" in name:
        raise _outside(name, folder)
    is_sealed = bool(manifest.get("sealed_sha256"))
    for key in ("sha256", "sealed_sha256") if is_sealed else ("sha256",):
        if not isinstance(manifest.get(key), str) or not _SHA256.fullmatch(manifest[key]):
            raise TenantError(f"The manifest's checksum {manifest.get(key)!r} is no SHA-256.")
    if is_sealed and identity is None:
        raise TenantError(
            f"{name} is sealed for its receiver: give the key file that opens it (--identity)."
        )
    copy = _copied(folder, name, manifest["sealed_sha256" if is_sealed else "sha256"], private)
    if is_sealed:
        assert identity is not None
        opened = private / name.removesuffix(sealed.SUFFIX)
        try:
            sealed.unseal(copy, identity, opened)
        except sealed.SealError as error:
            raise TenantError(f"{error} Nothing was restored.") from None
        if file_sha256(opened) != manifest["sha256"]:
            raise TenantError(
                f"{name}, opened, does not match the manifest's checksum. Nothing was restored."
            )
        copy = opened
    checksum_path(copy).write_text(f"{manifest['sha256']}  {copy.name}\n")
    try:
        return snapshot_verify(copy)  # its kind, and this database's
    except BackupError as error:
        raise TenantError(str(error)) from None


def _copied(folder: Path, name: str, expected: str, private: Path) -> Path:
    """`folder/name` copied into `private`, opened once without following a link, a regular
    file whose bytes have the checksum `expected`."""
    copy = private / name
    try:
        source = _opened(folder / name)
    except OSError:
        raise _outside(name, folder) from None
    digest = hashlib.sha256()
    with os.fdopen(source, "rb") as read, copy.open("wb") as write:
        while chunk := read.read(1 << 20):
            digest.update(chunk)
            write.write(chunk)
    if digest.hexdigest() != expected:
        raise TenantError(
            f"{name} does not match the manifest's checksum: it is not the snapshot that was "
            "exported. Nothing was restored."
        )
    return copy


def _outside(name: str, folder: Path) -> TenantError:
    return TenantError(
        f"The manifest's snapshot {name!r} is not a file of {folder}: a restore reads nothing "
        "outside the folder, and follows no link. Nothing was restored."
    )


def _configuration(manifest: dict) -> tuple[dict, list[str]]:
    """What the folder carries of the tenant's configuration, as kept, and what it names but
    cannot carry (exported with another key, or without it, or bound to another municipality
    or another snapshot than the manifest's: config_token): to set again."""
    declared = tenancy.declared()
    named = [n for n in manifest.get("settings", []) if isinstance(n, str) and n in declared]
    token = manifest.get("config")
    if not isinstance(token, str) or not token:
        return {}, sorted(named)
    try:
        bound = json.loads(decrypt(token))
    except (SecretUnreadable, ValueError):
        return {}, sorted(named)
    if (
        not isinstance(bound, dict)
        or bound.get("slug") != manifest["slug"]
        or bound.get("snapshot_sha256") != manifest["sha256"]
        or not isinstance(bound.get("config"), dict)
    ):
        return {}, sorted(named)
    stored = bound["config"]
    stored = {name: value for name, value in stored.items() if name in declared}
    try:
        # As kept, each value is checked again (a secret decrypted with this key).
        for name, value in tenancy.config_read(stored).items():
            declared[name].check(value)
    except SecretUnreadable:
        return {}, sorted(named)
    except configurable.Refused as refused:
        raise TenantError(f"The exported configuration is refused: {refused}") from None
    return stored, []
