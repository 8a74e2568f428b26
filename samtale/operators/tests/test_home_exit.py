"""An exit for the municipality in the installation's own database too (tenancy.seed):
suspended, exported sealed for its receiver with an open copy it reads without Samtale, made
again as a registered municipality from that export, and deleted with a certificate."""

import csv
import io
import json
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypdf import PdfReader
from pyrage import x25519

from samtale import tenancy
from samtale.archive.models import SignedForm
from samtale.guides.models import Guide, GuideVersion
from samtale.operators import services, transfer
from samtale.operators.tests.conftest import tenants_said
from samtale.org.models import Person
from samtale.privacy.tests import conftest as privacy
from samtale.tenancy.models import Registration
from testkit.people import make_people

# A snapshot of the home database is read by a connection of its own: what the test wrote must
# be committed (on SQLite a snapshot would otherwise wait for the test's transaction).
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "control"])
HOME = "main"


@pytest.fixture
def key(tmp_path):
    """The receiver's age key: the public half given to the export, the private in a file."""
    identity = x25519.Identity.generate()
    path = tmp_path / "mottaker.txt"
    path.write_text(f"# the municipality's own\n{identity}\n")
    return str(identity.to_public()), path


@pytest.fixture
def version():
    return GuideVersion.objects.create(
        guide=Guide.objects.create(), number=1, name={"nb": "Samtaleskjema"}, themes=privacy.THEMES
    )


@pytest.fixture
def home_data(version):
    people = make_people()
    conversation = privacy.full_conversation(
        people.employee, people.leader, version, key="home", held=date.today() - timedelta(30)
    )
    # Not rendered yet (the worker makes it after signing): the open copy makes the PDF/A.
    SignedForm.objects.filter(conversation=conversation).update(pdf=None)
    return people, conversation


def _age_open(sealed, key_file):
    """A sealed file opened by age itself (the Go implementation), not by Samtale's code."""
    age = shutil.which("age")
    assert age, "the export tests need age (apt-get install age; `make test` installs it)"
    return subprocess.run(  # noqa: S603 - our own arguments
        [age, "--decrypt", "-i", str(key_file), str(sealed)], capture_output=True, check=True
    ).stdout


def test_the_home_tenant_is_suspended_and_opened_again_as_any_other(home_data):
    services.tenant_suspend(HOME)
    assert Client().get("/logg-inn/").status_code == 503
    assert HOME not in [t.slug for t in tenancy.every_tenant()]  # no background work
    assert HOME in [t.slug for t in tenancy.every_tenant(suspended=True)]
    services.tenant_suspend(HOME, suspended=False)
    assert Client().get("/logg-inn/").status_code == 200


def test_the_home_tenant_is_exported_sealed_with_an_open_copy_read_without_samtale(
    home_data, key, tmp_path
):
    people, conversation = home_data
    public, key_file = key
    said = tenants_said("export", HOME, str(tmp_path / "ut"), "--to", public)
    assert "sealed for 1 receiver(s)" in said
    folder = tmp_path / "ut"
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["apen-kopi.zip.age", "main.sqlite3.age", "tenant.json"] or names == [
        "apen-kopi.zip.age",
        "main.dump.age",
        "tenant.json",
    ]
    manifest = json.loads((folder / "tenant.json").read_text())
    assert manifest["sealed_for"] == [public]
    # Nothing of a person's in clear: the sealed files are age's, the manifest names none.
    for path in folder.iterdir():
        assert people.employee.last_name.encode() not in path.read_bytes()
        assert b"MARKER-home" not in path.read_bytes()

    copy = zipfile.ZipFile(io.BytesIO(_age_open(folder / "apen-kopi.zip.age", key_file)))
    people_csv = list(
        csv.DictReader(io.StringIO(copy.read("personer.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert {row["epost"] for row in people_csv} == set(
        Person.objects.values_list("email", flat=True)
    )
    assert "fodselsnummer" not in people_csv[0] and "national" not in ",".join(people_csv[0])
    talks = list(
        csv.DictReader(io.StringIO(copy.read("samtaler.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert [row["id"] for row in talks] == [str(conversation.pk)]
    summaries = json.loads(copy.read("sammendrag.json"))
    assert summaries[0]["samtale_id"] == conversation.pk and "MARKER-home" in summaries[0]["tekst"]
    assert "MARKER-home" in copy.read("mal.csv").decode("utf-8-sig")
    assert "MARKER-home" in copy.read("tiltak.csv").decode("utf-8-sig")
    (pdf,) = [name for name in copy.namelist() if name.startswith("skjema/")]
    form = copy.read(pdf)
    xmp = PdfReader(io.BytesIO(form)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp  # PDF/A, as the archive gets it
    assert "personer.csv" in copy.read("LESMEG.txt").decode()
    assert manifest["open_copy_counts"]["personer.csv"] == len(people_csv)


def test_the_home_tenant_is_made_again_as_a_registered_one_from_its_export(
    home_data, key, tmp_path, tenant_databases, settings
):
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    # The home municipality's own webhook token, read from the environment: a copy made while
    # home is still served must not take it (two tenants would answer one calendar).
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = "hjemmets-egen-webhook-noekkel-123456"
    public, key_file = key
    transfer.tenant_export(HOME, tmp_path / "ut", recipients=[public])
    held = services.row_counts(tenancy.by_slug(HOME))
    with pytest.raises(services.TenantError, match="give the key file"):
        transfer.tenant_restore(tmp_path / "ut", slug="fjordvik", hosts=["fjordvik.testserver"])
    other = tmp_path / "annen.txt"
    other.write_text(f"{x25519.Identity.generate()}\n")
    with pytest.raises(services.TenantError, match="sealed for another key"):
        transfer.tenant_restore(
            tmp_path / "ut", slug="fjordvik", hosts=["fjordvik.testserver"], identity=other
        )
    assert not services.Registration.objects.filter(slug="fjordvik").exists()
    done = transfer.tenant_restore(
        tmp_path / "ut",
        slug="fjordvik",
        hosts=["fjordvik.testserver"],
        identity=key_file,
        # Beside the home tenant still served: a sender of its own (it shares none of home's
        # accounts outside, its organization number neither).
        values={"DEFAULT_FROM_EMAIL": "Fjordvik kommune <samtale@fjordvik.example>"},
    )
    try:
        assert done.tenant.name == "Fjordvik kommune"
        assert "SAMTALE_CALENDAR_WEBHOOK_TOKEN" not in done.tenant.config
        assert "SAMTALE_CALENDAR_WEBHOOK_TOKEN" in done.to_set_again
        assert "SAMTALE_ORGANIZATION_NUMBER" in done.to_set_again
        restored = services.row_counts(done.tenant)
        assert {t: n for t, n in restored.items() if n} == {t: n for t, n in held.items() if n}
    finally:
        services.tenant_suspend("fjordvik")
        services.tenant_delete("fjordvik")


def test_an_export_in_clear_is_refused_in_production(home_data, tmp_path, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Say whom the export is for"):
        tenants_said("export", HOME, str(tmp_path / "a"))
    with pytest.raises(CommandError, match="refused in production"):
        tenants_said("export", HOME, str(tmp_path / "b"), "--unencrypted")
    with pytest.raises(CommandError, match="is not an age public key"):
        tenants_said("export", HOME, str(tmp_path / "c"), "--to", "age1notakey")
    assert not any((tmp_path / name).exists() for name in "abc")


def test_the_home_tenant_is_deleted_with_a_certificate(version, tmp_path, settings):
    settings.SAMTALE_BACKUP_DAYS = 14
    people = make_people()
    privacy.full_conversation(
        people.employee, people.leader, version, key="home", held=date.today() - timedelta(30)
    )
    backups = tmp_path / "backups"
    call_command("backup", "--output", f"{backups}/", stdout=io.StringIO())
    held = services.row_counts(tenancy.by_slug(HOME))
    with pytest.raises(CommandError, match="Suspend 'main' first"):
        tenants_said("delete", HOME, "--yes")
    services.tenant_suspend(HOME)
    said = tenants_said(
        "delete",
        HOME,
        "--yes",
        "--by",
        "Kari Drift",
        "--backups",
        str(backups),
        "--certificate",
        str(tmp_path / "bevis"),
    )
    try:
        assert "its database emptied" in said and "1 backup(s)" in said
        (as_json,) = (tmp_path / "bevis").glob("main-slettet-*.json")
        certificate = json.loads(as_json.read_text())
        assert certificate["emptied"] is True and certificate["deleted_by"] == "Kari Drift"
        assert {t: f["rows"] for t, f in certificate["tables"].items()} == held
        assert certificate["rows"] == sum(held.values()) > 0
        assert all(len(f["sha256"]) == 64 for f in certificate["tables"].values())
        (backup,) = certificate["backups"]
        assert backup["path"].startswith(str(backups)) and backup["until"] > backup["taken_at"]
        text = as_json.with_suffix(".txt").read_text()
        assert "Slettebekreftelse" in text and "Kari Drift" in text and backup["until"] in text

        # Every row is gone, the schema stays; its addresses answer as a suspended one's.
        left = services.row_counts(tenancy.by_slug(HOME))
        assert {t: n for t, n in left.items() if n} == {
            "django_migrations": held["django_migrations"]
        }
        assert Client().get("/logg-inn/").status_code == 503
        assert "    main · hosts: " in tenants_said("list")
        assert "deleted (its database emptied" in tenants_said("list")
        with pytest.raises(services.TenantError, match="not opened again"):
            services.tenant_suspend(HOME, suspended=False)
    finally:
        Registration.objects.filter(slug=HOME).update(state=Registration.State.ACTIVE)
        tenancy.forget()
