"""A tenant moved by `tenants export` and `tenants restore`: what it configures goes with it,
and a folder handed over cannot make a restore read anything outside it, restore a snapshot
other than the one exported, or configure anything export did not write."""

import csv
import io
import json
import os
import shutil
import signal
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samtale import tenancy
from samtale.operators import services, transfer
from samtale.operators.tests.conftest import SENDER
from samtale.org.models import Person
from testkit import tenants
from testkit.people import make_people

pytestmark = pytest.mark.django_db(databases=["default", "control"])

SECRET = "a-webhook-token-of-nordviks-0123456789"
VESTVIK = "Vestvik kommune <samtale@vestvik.example>"
PROVIDERS = json.dumps(
    [
        {
            "provider_id": "nordvik-id",
            "name": "Nordvik ID",
            "client_id": "c",
            "secret": "provider-secret",
            "settings": {"server_url": "https://id.nordvik.example"},
        }
    ]
)


@pytest.fixture
def exported(nordvik, in_nordvik, tmp_path):
    """Nordvik with people and a configuration of its own, exported."""
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_MIN_GROUP": "7",
            "SAMTALE_CALENDAR_WEBHOOK_TOKEN": SECRET,
            "SAMTALE_SSO_PROVIDERS": PROVIDERS,
        },
    )
    with in_nordvik():
        make_people()
    folder = transfer.tenant_export("nordvik", tmp_path / "nordvik")
    yield folder
    services.tenant_configure(
        "nordvik",
        {
            "SAMTALE_MIN_GROUP": "",
            "SAMTALE_CALENDAR_WEBHOOK_TOKEN": "",
            "SAMTALE_SSO_PROVIDERS": "",
        },
    )
    tenants.every_made_deleted(keep=("nordvik",))  # the restored ones


def _manifest(folder: Path) -> dict:
    return json.loads((folder / transfer.MANIFEST).read_text())


def _rewrite(folder: Path, **changed) -> None:
    (folder / transfer.MANIFEST).write_text(json.dumps({**_manifest(folder), **changed}))


SORVIK = "Sørvik <samtale@sorvik.example>"


def _restore(folder: Path, **kwargs):
    """Restored as Sørvik, beside Nordvik: with a sender of its own (a copy beside its
    original shares none of its accounts) unless `values` says otherwise."""
    kwargs.setdefault("values", {"DEFAULT_FROM_EMAIL": SORVIK})
    return transfer.tenant_restore(folder, slug="sorvik", hosts=["sorvik.testserver"], **kwargs)


def test_a_tenant_moved_takes_what_it_configures_and_its_secrets_are_never_in_clear(
    tenant_databases, tmp_path
):
    """Exported, deleted, restored (moved to another installation, or back): all of it."""
    services.tenant_create(
        slug="vestvik",
        name="Vestvik kommune",
        hosts=["vestvik.testserver"],
        config={
            "DEFAULT_FROM_EMAIL": VESTVIK,
            "SAMTALE_MIN_GROUP": "7",
            "SAMTALE_CALENDAR_WEBHOOK_TOKEN": SECRET,
            "SAMTALE_SSO_PROVIDERS": PROVIDERS,
        },
    )
    with tenancy.activated(services.tenant_get("vestvik")):
        make_people()
    folder = transfer.tenant_export("vestvik", tmp_path / "vestvik")
    text = (folder / transfer.MANIFEST).read_text()
    assert SECRET not in text and "provider-secret" not in text
    assert _manifest(folder)["settings"] == [
        "DEFAULT_FROM_EMAIL",
        "SAMTALE_CALENDAR_WEBHOOK_TOKEN",
        "SAMTALE_MIN_GROUP",
        "SAMTALE_SSO_PROVIDERS",
    ]
    services.tenant_suspend("vestvik")
    services.tenant_delete("vestvik")
    done = transfer.tenant_restore(folder)
    try:
        assert done.to_set_again == []
        with tenancy.activated(done.tenant):
            assert tenancy.tenant_settings.SAMTALE_MIN_GROUP == 7
            assert tenancy.tenant_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN == SECRET
            assert tenancy.tenant_settings.SAMTALE_SSO_PROVIDERS[0]["provider_id"] == "nordvik-id"
            assert tenancy.tenant_settings.DEFAULT_FROM_EMAIL == VESTVIK
            assert Person.objects.count() == 7
        assert not done.tenant.suspended and done.tenant.hosts == ("vestvik.testserver",)
    finally:
        services.tenant_suspend("vestvik")
        services.tenant_delete("vestvik")


def test_a_copy_beside_its_original_shares_none_of_its_accounts_outside(exported):
    """Restored under another name while the original is still here: its sender, webhook
    and identity provider (as its mailbox, its Fiks account, its organization number) stay
    the original's, to be set for the copy (a sender at once); the rest comes with it."""
    with pytest.raises(services.TenantError, match="must configure DEFAULT_FROM_EMAIL"):
        _restore(exported, values={})
    with pytest.raises(services.TenantError, match="is nordvik's already"):
        _restore(exported, values={"DEFAULT_FROM_EMAIL": SENDER})
    done = _restore(exported)
    assert done.to_set_again == ["SAMTALE_CALENDAR_WEBHOOK_TOKEN", "SAMTALE_SSO_PROVIDERS"]
    with tenancy.activated(done.tenant):
        assert tenancy.tenant_settings.SAMTALE_MIN_GROUP == 7
        assert tenancy.tenant_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN == ""
        assert tenancy.tenant_settings.SAMTALE_SSO_PROVIDERS == []
        assert tenancy.tenant_settings.DEFAULT_FROM_EMAIL == SORVIK
        assert Person.objects.count() == 7
    assert not done.tenant.suspended


@pytest.mark.parametrize(
    "snapshot",
    ["../elsewhere/nordvik.sqlite3", "/etc/passwd", "", ".", "..", "sub/nordvik.sqlite3"],
)
def test_a_snapshot_outside_the_folder_is_refused(exported, snapshot, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    name = _manifest(exported)["snapshot"]
    shutil.copy(exported / name, elsewhere / name)
    shutil.copy(exported / f"{name}.sha256", elsewhere / f"{name}.sha256")
    _rewrite(exported, snapshot=snapshot)
    with pytest.raises(services.TenantError, match="is not a file of"):
        _restore(exported)
    assert not services.Registration.objects.filter(slug="sorvik").exists()


def test_a_link_out_of_the_folder_is_refused(exported, tmp_path):
    name = _manifest(exported)["snapshot"]
    outside = tmp_path / "another-municipality.sqlite3"
    shutil.move(exported / name, outside)
    os.symlink(outside, exported / name)
    with pytest.raises(services.TenantError, match="is not a file of"):
        _restore(exported)
    assert not services.Registration.objects.filter(slug="sorvik").exists()


def test_a_snapshot_other_than_the_one_exported_is_refused(exported, in_nordvik, tmp_path):
    """Another snapshot with its own checksum file beside it (the tenant's, exported again
    after a change), put in the folder: whole, but not the manifest's."""
    name = _manifest(exported)["snapshot"]
    with in_nordvik():
        Person.objects.filter(first_name__isnull=False).update(first_name="Endret")
    other = transfer.tenant_export("nordvik", tmp_path / "other")
    shutil.copy(other / name, exported / name)
    shutil.copy(other / f"{name}.sha256", exported / f"{name}.sha256")
    with pytest.raises(services.TenantError, match="does not match the manifest's checksum"):
        _restore(exported)
    assert not services.Registration.objects.filter(slug="sorvik").exists()


def test_a_configuration_export_did_not_write_configures_nothing(exported):
    """A manifest written by someone else: their identity provider, their archive account,
    in clear or encrypted with another key, is not applied; what the manifest names is
    listed to set again, and nothing else."""
    forged = [
        {
            "provider_id": "their-id",
            "name": "x",
            "client_id": "c",
            "secret": "s",
            "settings": {"server_url": "https://id.attacker.example"},
        }
    ]
    for config in (
        {
            "SAMTALE_SSO_PROVIDERS": forged,
            "SAMTALE_FIKS_ACCOUNT": "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e01",
        },
        "gAAAAABnot-a-token-of-this-installation",
    ):
        _rewrite(exported, config=config, settings=["SAMTALE_SSO_PROVIDERS", "NOT_A_SETTING"])
        with pytest.raises(services.TenantError, match="must configure DEFAULT_FROM_EMAIL"):
            _restore(exported, values={})
        done = _restore(exported)
        assert done.to_set_again == ["SAMTALE_SSO_PROVIDERS"]
        stored = services.Registration.objects.get(slug="sorvik").config
        assert set(stored) == {"DEFAULT_FROM_EMAIL"}
        with tenancy.activated(done.tenant):
            assert tenancy.tenant_settings.SAMTALE_SSO_PROVIDERS == []
            assert Person.objects.count() == 7
        services.tenant_suspend("sorvik")
        services.tenant_delete("sorvik")


def test_a_configuration_encrypted_by_this_installation_is_still_checked(exported):
    """Values that pass the key but not the rules (a minimum group below the floor, kept
    by hand): refused, and nothing made."""
    manifest = _manifest(exported)
    config = {"SAMTALE_MIN_GROUP": 1, "DEFAULT_FROM_EMAIL": SORVIK}
    _rewrite(exported, config=transfer.config_token(manifest["slug"], manifest["sha256"], config))
    with pytest.raises(services.TenantError, match="between 3 and 100"):
        _restore(exported)
    assert not services.Registration.objects.filter(slug="sorvik").exists()


def test_a_configuration_configures_only_a_restore_of_its_own_export(
    exported, in_nordvik, tmp_path
):
    """The token is bound to the municipality and the snapshot it was exported with: copied
    into another export's manifest (another snapshot), or left in a manifest whose name was
    changed, it configures nothing, and its settings are listed to set again."""
    with in_nordvik():
        Person.objects.filter(first_name__isnull=False).update(first_name="Endret")
    other = transfer.tenant_export("nordvik", tmp_path / "other")
    assert _manifest(other)["sha256"] != _manifest(exported)["sha256"]
    spliced = {**_manifest(other), "config": _manifest(exported)["config"]}
    (other / transfer.MANIFEST).write_text(json.dumps(spliced))
    renamed = {**_manifest(exported), "slug": "vestvik", "name": "Vestvik kommune"}
    (exported / transfer.MANIFEST).write_text(json.dumps(renamed))
    for folder in (other, exported):
        done = _restore(folder)
        try:
            assert "SAMTALE_CALENDAR_WEBHOOK_TOKEN" in done.to_set_again
            assert set(services.Registration.objects.get(slug="sorvik").config) == {
                "DEFAULT_FROM_EMAIL"
            }
            with tenancy.activated(done.tenant):
                assert tenancy.tenant_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN == ""
        finally:
            services.tenant_suspend("sorvik")
            services.tenant_delete("sorvik")


def _restore_within(folder: Path, seconds: int = 60):
    """_restore, or what it raised, within `seconds`: a restore that would wait for ever (a
    named pipe) fails the test instead of holding it (SIGALRM, in this thread: the test's
    database connection is this thread's)."""

    def waited(signum, frame):
        raise AssertionError(f"the restore was still waiting after {seconds} s")

    before = signal.signal(signal.SIGALRM, waited)
    signal.alarm(seconds)
    try:
        return _restore(folder)
    except services.TenantError as refused:
        return refused
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)


def test_a_snapshot_with_a_second_name_a_pipe_or_a_linked_folder_is_refused(exported, tmp_path):
    """A hard link (a second name: it may be a live tenant's database file), a named pipe
    in the snapshot's or the manifest's place, a folder that is a link: refused at once,
    nothing made."""
    name = _manifest(exported)["snapshot"]
    os.link(exported / name, tmp_path / "a-live-database.sqlite3")
    refused = _restore_within(exported)
    assert isinstance(refused, services.TenantError)
    assert "a file with another name too" in str(refused)
    os.unlink(tmp_path / "a-live-database.sqlite3")

    link = tmp_path / "lenke"
    link.symlink_to(exported)
    refused = _restore_within(link)
    assert isinstance(refused, services.TenantError) and "is not a folder but a link" in str(
        refused
    )

    kept = tmp_path / "kept"
    shutil.move(exported / name, kept)
    os.mkfifo(exported / name)
    refused = _restore_within(exported)
    assert isinstance(refused, services.TenantError) and "is no file" in str(refused)
    os.unlink(exported / name)
    shutil.move(kept, exported / name)

    shutil.move(exported / transfer.MANIFEST, tmp_path / "manifest")
    os.mkfifo(exported / transfer.MANIFEST)
    refused = _restore_within(exported)
    assert isinstance(refused, services.TenantError) and "is no file" in str(refused)
    assert not services.Registration.objects.filter(slug="sorvik").exists()


def test_the_command_says_what_to_set_again(exported):
    _rewrite(exported, config="")
    out = StringIO()
    with pytest.raises(CommandError, match="must configure DEFAULT_FROM_EMAIL"):
        call_command(
            "tenants", "restore", str(exported), "--slug", "sorvik", "--host", "sorvik.testserver"
        )
    call_command(
        "tenants",
        "restore",
        str(exported),
        "--slug",
        "sorvik",
        "--host",
        "sorvik.testserver",
        "--set",
        "DEFAULT_FROM_EMAIL=Sørvik <samtale@sorvik.example>",
        stdout=out,
    )
    said = out.getvalue()
    assert "Restored Nordvik kommune as sorvik at sorvik.testserver." in said
    assert "SAMTALE_CALENDAR_WEBHOOK_TOKEN, SAMTALE_MIN_GROUP, SAMTALE_SSO_PROVIDERS" in said


def test_a_folder_without_a_manifest_or_with_a_broken_one_is_refused(exported, tmp_path):
    with pytest.raises(services.TenantError, match="holds no tenant.json"):
        _restore(tmp_path)
    (exported / transfer.MANIFEST).write_text("{not json")
    with pytest.raises(services.TenantError, match="cannot be read"):
        _restore(exported)
    (exported / transfer.MANIFEST).write_text(json.dumps({"slug": 1}))
    with pytest.raises(services.TenantError, match="not a manifest"):
        _restore(exported)


def test_a_second_municipalitys_open_copy_holds_its_people_and_no_one_elses(exported, in_nordvik):
    Person.objects.create(email="hjemme@fjordvik.example", first_name="Hjemme", last_name="Hos")
    with in_nordvik():
        theirs = set(Person.objects.values_list("email", flat=True))
    folder = transfer.tenant_export("nordvik", exported.parent / "again", recipients=[])
    copy = zipfile.ZipFile(folder / transfer.OPEN_COPY)
    text = copy.read("personer.csv").decode("utf-8-sig")
    assert {row["epost"] for row in csv.DictReader(io.StringIO(text), delimiter=";")} == theirs
    assert "hjemme@fjordvik.example" not in text and len(theirs) == 7
