"""Files sealed for whoever may read them: backups, exports and a municipality's open copy
(docs/running/backup.md). Sealed with age (age-encryption.org/v1, through pyrage): for one or
more recipients' public keys ("age1…"), each of whom opens the file with their private key,
with Samtale or without it (`age -d -i key.txt file.age`). The operator's recipients are
SAMTALE_BACKUP_RECIPIENTS; an export is sealed for its receiver's.

A sealed file is `<name>.age` beside where the clear one would be, and the clear one is gone:
written to a temporary file in the same folder first, so that no clear copy is left if the
sealing fails half-way."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyrage
from django.conf import settings

SUFFIX = ".age"


class SealError(ValueError):
    """A recipient or key that cannot be used, or a file that is not sealed for it: what the
    operator is told."""


def recipients_parsed(keys: Iterable[str]) -> list[pyrage.x25519.Recipient]:
    """Public keys ("age1…") as age reads them. SealError names the one that is not."""
    parsed = []
    for key in keys:
        key = key.strip()
        try:
            parsed.append(pyrage.x25519.Recipient.from_str(key))
        except (pyrage.RecipientError, ValueError):
            raise SealError(
                f"{key[:20]!r} is not an age public key (age1…, from `age-keygen -y key.txt`)."
            ) from None
    return parsed


def operators() -> list[str]:
    """The operator's recipients (SAMTALE_BACKUP_RECIPIENTS): empty, nothing is sealed."""
    return list(settings.SAMTALE_BACKUP_RECIPIENTS)


def seal(path: Path, keys: Iterable[str]) -> Path:
    """`path` sealed for `keys` as `<path>.age`, the clear file deleted. Returns the new path."""
    recipients = recipients_parsed(keys)
    if not recipients:
        raise SealError("A file is sealed for at least one recipient.")
    sealed = path.with_name(path.name + SUFFIX)
    partial = path.with_name(f".{path.name}{SUFFIX}.partial")
    try:
        pyrage.encrypt_file(str(path), str(partial), recipients)
        os.replace(partial, sealed)
    finally:
        partial.unlink(missing_ok=True)
    path.unlink()
    return sealed


def identity_read(path: Path) -> list[pyrage.x25519.Identity]:
    """The private keys in an age key file (age-keygen's: comments and AGE-SECRET-KEY-… lines)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as error:
        raise SealError(f"{path} cannot be read: {error.strerror}.") from None
    identities = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except (pyrage.IdentityError, ValueError):
            raise SealError(f"{path} holds a line that is no age private key.") from None
    if not identities:
        raise SealError(f"{path} holds no age private key (AGE-SECRET-KEY-…).")
    return identities


def unseal(sealed: Path, identity: Path, output: Path) -> Path:
    """`sealed` opened with the key file `identity` into `output`."""
    try:
        pyrage.decrypt_file(str(sealed), str(output), identity_read(identity))
    except pyrage.DecryptError:
        output.unlink(missing_ok=True)
        raise SealError(
            f"{sealed.name} cannot be opened with {identity}: it was sealed for another key, "
            "or it is damaged."
        ) from None
    return output
