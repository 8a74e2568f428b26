"""Where a signed form goes (SAMTALE_ARCHIVE_CHANNEL): three channels behind one protocol,
chosen from one registry, as the calendar readers are (calendars.readers.READERS).

- `download`: the archive staff download the Noark 5 package and confirm that it is
  registered (archive.services.delivery_confirm); an attempt only waits for them;
- `folder`: the package is written into the archive's drop folder, once;
- `fiks`: the form is filed into the archive system over Fiks Arkiv (archive.fiks.channel),
  whose answers the worker exchanges.

A channel tries a delivery once, its PDF made (`attempt`); says whether the archive staff
confirm it by hand (`by_hand`) and whether the archive answers (`answers`); and carries on
its exchange with the archive (`exchange`, the worker's, every minute).
"""

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.archive import causes
from samtale.archive import package as archive_package
from samtale.archive.models import Delivery
from samtale.core.audit import audit_log
from samtale.tenancy import accounts, tenant_settings


class Channel(Protocol):
    by_hand: bool
    answers: bool

    def attempt(self, delivery: Delivery, via) -> Delivery:
        """Try `delivery` once (claimed, its PDF made); the delivery as it is afterwards."""

    def exchange(self, *, due, attempt) -> None:
        """The worker's periodic turn: send what is `due`, take the archive's answers."""


class Download:
    by_hand, answers = True, False

    def attempt(self, delivery: Delivery, via) -> Delivery:
        # Waits for the archive staff; a PDF that failed before and is made now waits again.
        if delivery.status == Delivery.Status.FAILED:
            Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.WAITING, error="")
        return Delivery.objects.get(pk=delivery.pk)

    def exchange(self, *, due, attempt) -> None:
        pass


class Folder:
    by_hand, answers = False, False

    def attempt(self, delivery: Delivery, via) -> Delivery:
        form = delivery.form
        folder = Path(tenant_settings.SAMTALE_ARCHIVE_FOLDER)
        try:
            _inside_the_root(folder)
            name, data = archive_package.package(form)
            target = folder_write(folder, name, data, mode=settings.SAMTALE_ARCHIVE_FILE_MODE)
        except Exception as error:  # noqa: BLE001 - recorded with its reason and tried again
            # A folder's fault is recorded as its cause, said in the reader's language.
            reason = (
                causes.folder_error(error, folder)
                if isinstance(error, OSError)
                else _("The package could not be made: %(error)s") % {"error": error}
            )
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=reason[:2000]
            )
            audit_log(actor=None, action="archive.delivery_failed", obj=form, delivery=delivery.pk)
            return Delivery.objects.get(pk=delivery.pk)
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.DELIVERED,
                error="",
                delivered_at=timezone.now(),
                target=target,
            )
            audit_log(
                actor=None, action="archive.delivered", obj=form, delivery=delivery.pk, to="folder"
            )
        return Delivery.objects.get(pk=delivery.pk)

    def exchange(self, *, due, attempt) -> None:
        pass


class Fiks:
    by_hand, answers = False, True

    def attempt(self, delivery: Delivery, via) -> Delivery:
        """Send the first message (over `via`, a transport, or one of its own)."""
        from samtale.archive.fiks import channel

        if delivery.stage != Delivery.Stage.NONE:
            return delivery  # a message is in flight: its answer, or its lifetime, decides
        own = via is None
        via = via or channel.transport()
        try:
            return channel.start(delivery, via)
        except Exception as error:  # noqa: BLE001 - recorded with its reason and tried again
            return channel._failed(delivery, str(error))
        finally:
            if own:
                via.close()

    def exchange(self, *, due, attempt) -> None:
        from samtale.archive.fiks import channel

        channel.exchange(due=due, attempt=attempt)


CHANNELS: dict[str, Channel] = {
    Delivery.Channel.DOWNLOAD: Download(),
    Delivery.Channel.FOLDER: Folder(),
    Delivery.Channel.FIKS: Fiks(),
}


def configured() -> Channel:
    """The channel new forms go by (SAMTALE_ARCHIVE_CHANNEL)."""
    return CHANNELS[tenant_settings.SAMTALE_ARCHIVE_CHANNEL]


def of(delivery: Delivery) -> Channel:
    """The channel a delivery goes by (the one configured when its form was signed)."""
    return CHANNELS[delivery.channel]


def _inside_the_root(folder: Path) -> None:
    """Where SAMTALE_ARCHIVE_ROOT is set, a drop folder outside it (its links followed: one
    made after `tenants configure` checked the path too) is written nothing."""
    root = settings.SAMTALE_ARCHIVE_ROOT
    if root and not accounts.folder_inside(str(folder), root):
        raise causes.OutsideRoot(errno.EPERM, "outside SAMTALE_ARCHIVE_ROOT", str(folder))


def folder_write(folder: Path, name: str, data: bytes, *, mode: int = 0o640) -> str:
    """Write `data` as `folder/name` once, whole or not at all, and on disk when it returns.

    The bytes go to a temporary file in the same folder, are given `mode` (set explicitly:
    whatever the umask, an importer running as another user of the group can read them),
    synced to disk, and then linked to their name, which fails if the name exists; the
    folder is synced after, so the name survives a power cut once the delivery is recorded
    as done. A reader never sees half a file, and a package never lands twice. The same
    bytes already there count as delivered (a retry after the link but before the database
    heard of it); different bytes are refused.
    """
    # Raises FileNotFoundError, NotADirectoryError or PermissionError naming the folder.
    if not stat.S_ISDIR(os.stat(folder).st_mode):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    final = folder / name
    if final.exists():
        if hashlib.sha256(final.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final))
        # An earlier attempt may have stopped before its syncs.
        _sync(final)
        _sync(folder)
        return name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".samtale-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            os.fchmod(handle, mode)
            file.write(data)
            file.flush()
            os.fsync(handle)
        os.link(temporary, final)
    finally:
        Path(temporary).unlink(missing_ok=True)
    _sync(folder)
    return name


def _sync(path: Path) -> None:
    """Sync a file or a folder (its entries: the names in it) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        # Some network file systems cannot sync a folder; the file itself was synced.
        if not (path.is_dir() and error.errno in (errno.EINVAL, errno.ENOTSUP)):
            raise
    finally:
        os.close(descriptor)
