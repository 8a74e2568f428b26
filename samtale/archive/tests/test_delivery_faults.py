"""The drop folder's faults (issue 36): packages others can read and that survive a power
cut, each fault named for what it is in the reader's language, and a delivery that keeps
failing told to the people who can act on it, once."""

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from samtale.archive import causes, channels, selectors, services
from samtale.archive.fiks import channel
from samtale.archive.models import Delivery, SignedForm
from samtale.archive.tests.conftest import NOTE_CANARY, SUMMARY_CANARY
from samtale.org.models import Person


@pytest.fixture
def strict_umask():
    """A process umask that leaves a new file to its owner alone (as a hardened service's)."""
    old = os.umask(0o077)
    yield
    os.umask(old)


def delivery_of(conversation) -> Delivery:
    return SignedForm.objects.get(conversation=conversation).deliveries.get()


def said(delivery: Delivery, language: str = "en") -> str:
    with translation.override(language):
        return Delivery.objects.get(pk=delivery.pk).error_text


# Permissions and syncing.


def test_it_writes_the_package_readable_by_the_group_whatever_the_umask(folder, sign, strict_umask):
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.DELIVERED, delivery.error
    mode = stat.S_IMODE((folder / delivery.target).stat().st_mode)
    assert mode == 0o640


def test_the_packages_mode_is_a_setting(folder, sign, settings, strict_umask):
    settings.SAMTALE_ARCHIVE_FILE_MODE = 0o644
    delivery = delivery_of(sign())
    assert stat.S_IMODE((folder / delivery.target).stat().st_mode) == 0o644


def test_it_syncs_the_file_and_its_folder_before_the_delivery_counts_as_done(
    folder, sign, monkeypatch
):
    # A power cut cannot be made in a test: what was synced, and when, is recorded instead.
    synced = []
    real_fsync = os.fsync

    def fsync(descriptor):
        info = os.fstat(descriptor)
        delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).exists()
        synced.append((info.st_ino, stat.S_ISDIR(info.st_mode), delivered))
        real_fsync(descriptor)

    monkeypatch.setattr(channels.os, "fsync", fsync)
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.DELIVERED
    package = (folder / delivery.target).stat().st_ino
    assert (package, False, False) in synced
    assert (folder.stat().st_ino, True, False) in synced
    # The folder after the file: the name it got is what the folder's sync keeps.
    inodes = [inode for inode, _, _ in synced]
    assert inodes.index(package) < inodes.index(folder.stat().st_ino)


def test_a_folder_that_cannot_be_synced_on_a_network_share_still_delivers(
    folder, sign, monkeypatch
):
    real_fsync = os.fsync

    def fsync(descriptor):
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(descriptor)

    monkeypatch.setattr(channels.os, "fsync", fsync)
    assert delivery_of(sign()).status == Delivery.Status.DELIVERED


@pytest.mark.parametrize(
    ("value", "mode"), [("0640", 0o640), ("660", 0o660), ("0o600", 0o600), ("0999", None)]
)
def test_the_mode_is_read_as_octal_and_a_wrong_one_is_a_problem_of_the_checks(value, mode):
    """A wrong mode keeps the default while the settings' check (samtale.E021) names it:
    the web processes and `manage.py check` refuse until it is mended."""
    code = (
        "from config import settings; print(oct(settings.SAMTALE_ARCHIVE_FILE_MODE)); "
        "print([p[0] for p in settings.SETTINGS_PROBLEMS])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DEBUG": "true", "SAMTALE_ARCHIVE_FILE_MODE": value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    shown, problems = result.stdout.strip().splitlines()
    if mode is None:
        assert (shown, "samtale.E021" in problems) == (oct(0o640), True), result.stderr
    else:
        assert (shown, "samtale.E021" in problems) == (oct(mode), False), result.stderr


# Each fault named for what it is.


def test_a_missing_folder_is_named_missing(folder, sign):
    folder.rmdir()
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.FAILED
    assert said(delivery) == f"The drop folder {folder} does not exist."


def test_a_file_where_the_folder_should_be_is_not_called_missing(folder, sign):
    folder.rmdir()
    folder.write_bytes(b"not a folder")
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.FAILED
    assert said(delivery).startswith("There is a file where the drop folder")
    assert "does not exist" not in said(delivery)
    assert folder.read_bytes() == b"not a folder"


def test_a_file_in_the_path_to_the_folder_is_named_as_well(folder, sign, settings):
    folder.rmdir()
    folder.write_bytes(b"not a folder")
    settings.SAMTALE_ARCHIVE_FOLDER = str(folder / "inne")
    delivery = delivery_of(sign())
    assert said(delivery).startswith("There is a file where the drop folder")


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (errno.EROFS, "is on a file system that only allows reading"),
        (errno.ENOSPC, "There is no room left on the disk"),
        (errno.EDQUOT, "There is no room left on the disk"),
        # A folder of mode 0500 would be the real fault, but the tests run as root here, and
        # root writes into it all the same.
        (errno.EACCES, "Samtale is not allowed to write"),
        (errno.EIO, "(error EIO)"),
    ],
    ids=["read-only", "full", "quota", "permission", "other"],
)
def test_a_fault_that_cannot_be_made_here_is_named_as_well(folder, sign, monkeypatch, number, text):
    def fails(**kwargs):
        raise OSError(number, os.strerror(number), str(folder / ".samtale-x.part"))

    monkeypatch.setattr(channels.tempfile, "mkstemp", fails)
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.FAILED
    assert text in said(delivery)
    # The operating system's English words are not what the reader is told.
    assert os.strerror(number) not in said(delivery)


def test_the_cause_is_said_in_the_readers_language_when_shown(folder, sign, client, archivist):
    folder.rmdir()
    folder.write_bytes(b"not a folder")
    delivery_of(sign())
    Person.objects.filter(pk=archivist.pk).update(language="en")
    client.force_login(archivist)
    page = client.get(reverse("archive_queue") + "?status=feilet").content.decode()
    assert "There is a file where the drop folder" in page
    assert '{"cause"' not in page


def test_what_other_channels_recorded_is_shown_as_it_was():
    assert causes.error_text("The archive failed: 500") == "The archive failed: 500"
    assert causes.error_text('{"cause": broken') == '{"cause": broken'


# A delivery that keeps failing.


def failing_mail():
    return [m for m in mail.outbox if "/arkiv/?status=feilet" in m.body]


def attempt(delivery: Delivery, capture) -> Delivery:
    with capture(execute=True):
        return services.delivery_attempt(delivery=Delivery.objects.get(pk=delivery.pk))


def test_a_delivery_that_keeps_failing_is_told_once_to_the_archive_staff_and_the_admins(
    folder, sign, settings, people, archivist, django_capture_on_commit_callbacks
):
    settings.SAMTALE_ARCHIVE_ALERT_AFTER = 3
    Person.objects.filter(pk__in=[archivist.pk, people.admin.pk]).update(language="en")
    folder.rmdir()
    folder.write_bytes(b"not a folder")
    delivery = delivery_of(sign())
    assert delivery.attempts == 1
    attempt(delivery, django_capture_on_commit_callbacks)
    assert failing_mail() == []
    delivery = attempt(delivery, django_capture_on_commit_callbacks)
    assert delivery.attempts == 3
    told = failing_mail()
    assert sorted(m.to[0] for m in told) == sorted([archivist.email, people.admin.email])
    body = told[0].body
    # Counts, the cause and the link; nobody's name and nothing of the conversation.
    assert (
        "1 signed follow-up form has not reached the archive (failed attempts: 3 or more)." in body
    )
    assert f"The cause: There is a file where the drop folder {folder} should be" in body
    for secret in (NOTE_CANARY, SUMMARY_CANARY, "Emma Testesen", people.employee.last_name):
        assert secret not in body
    for _ in range(3):
        attempt(delivery, django_capture_on_commit_callbacks)
    assert len(failing_mail()) == 2


def test_a_second_delivery_failing_while_the_first_does_is_not_told_again(
    folder, sign, settings, archivist, django_capture_on_commit_callbacks
):
    # A folder that goes away fails every form: one e-mail tells of them all.
    settings.SAMTALE_ARCHIVE_ALERT_AFTER = 1
    folder.rmdir()
    first = delivery_of(sign())
    told = len(failing_mail())
    assert told == 2
    second = Delivery.objects.create(form=first.form, channel=Delivery.Channel.FIKS, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        channel._failed(second, "The archive failed: 500")
    assert len(failing_mail()) == told


def test_a_fiks_delivery_failing_after_its_attempt_is_told_at_the_limit(
    sign, settings, people, archivist, django_capture_on_commit_callbacks
):
    settings.SAMTALE_ARCHIVE_ALERT_AFTER = 2
    delivery = delivery_of(sign())
    Delivery.objects.filter(pk=delivery.pk).update(channel=Delivery.Channel.FIKS, attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        channel._failed(Delivery.objects.get(pk=delivery.pk), "The archive failed: 500")
    told = failing_mail()
    assert sorted(m.to[0] for m in told) == sorted([archivist.email, people.admin.email])
    # The archive's own words might name someone: only a drop folder's cause is quoted.
    assert "500" not in told[0].body


def test_the_deliveries_are_counted_by_status_for_metrics(
    folder, sign, settings, django_capture_on_commit_callbacks
):
    settings.SAMTALE_ARCHIVE_ALERT_AFTER = 2
    folder.rmdir()
    delivery = delivery_of(sign())
    assert selectors.delivery_counts() == {
        "waiting": 0,
        "delivered": 0,
        "failed": 1,
        "refused": 0,
        "at_alert_limit": 0,
    }
    attempt(delivery, django_capture_on_commit_callbacks)
    assert selectors.delivery_counts()["at_alert_limit"] == 1
    folder.mkdir()
    attempt(delivery, django_capture_on_commit_callbacks)
    assert selectors.delivery_counts() == {
        "waiting": 0,
        "delivered": 1,
        "failed": 0,
        "refused": 0,
        "at_alert_limit": 0,
    }


def test_a_folder_outside_the_archive_root_is_written_nothing(folder, sign, settings, tmp_path):
    """SAMTALE_ARCHIVE_ROOT set: a drop folder outside it is refused at the write, a link
    inside the root that leads out of it too (made after `tenants configure` checked the
    path), and the delivery says why."""
    settings.SAMTALE_ARCHIVE_ROOT = str(tmp_path / "rot")
    (tmp_path / "rot").mkdir()
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.FAILED
    assert "is not inside the installation's archive folder" in said(delivery)
    assert list(folder.iterdir()) == []

    link = tmp_path / "rot" / "lenke"
    link.symlink_to(folder)
    settings.SAMTALE_ARCHIVE_FOLDER = str(link)
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.FAILED
    assert list(folder.iterdir()) == []

    inside = tmp_path / "rot" / "kommunen"
    inside.mkdir()
    settings.SAMTALE_ARCHIVE_FOLDER = str(inside)
    delivery = delivery_of(sign())
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(list(inside.iterdir())) == 1
