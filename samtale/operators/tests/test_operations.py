"""The operators' commands: create, list, suspend, export, restore, migrate, delete."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyrage import x25519

from samtale import tenancy
from samtale.operators import databases, services
from samtale.operators.tests.conftest import SENDER as NORDVIK_SENDER
from samtale.operators.tests.conftest import tenants_said
from samtale.org.models import Person
from testkit.people import make_people

pytestmark = pytest.mark.django_db(databases=["default", "control"])

SENDER = "--set=DEFAULT_FROM_EMAIL=X <samtale@x.example>"


_run = tenants_said


def test_a_tenant_is_created_listed_exported_restored_and_deleted_to_nothing(
    tenant_databases, tmp_path, django_db_blocker
):
    created = _run(
        "create",
        "sorvik",
        "--name",
        "Sørvik kommune",
        "--host",
        "sorvik.testserver",
        "--set",
        "DEFAULT_FROM_EMAIL=Sørvik kommune <samtale@sorvik.example>",
    )
    assert "Created Sørvik kommune (sorvik)" in created
    listed = _run("list")
    assert "sorvik" in listed and "sorvik.testserver" in listed
    sorvik = services.tenant_get("sorvik")
    with tenancy.activated(sorvik):
        make_people()
    held = services.row_counts(sorvik)
    assert held["org_person"] == 7

    key = x25519.Identity.generate()
    (tmp_path / "key.txt").write_text(f"# the receiver's\n{key}\n")
    _run("export", "sorvik", str(tmp_path / "sorvik"), "--to", str(key.to_public()))
    _run(
        "restore",
        str(tmp_path / "sorvik"),
        "--identity",
        str(tmp_path / "key.txt"),
        "--slug",
        "sorvik2",
        "--host",
        "sorvik2.testserver",
        # A copy beside Sørvik shares none of its accounts outside: a sender of its own.
        "--set",
        "DEFAULT_FROM_EMAIL=Sørvik 2 <samtale@sorvik2.example>",
    )
    with tenancy.activated(services.tenant_get("sorvik2")):
        assert Person.objects.count() == 7
    assert services.row_counts(services.tenant_get("sorvik2")) == held

    with pytest.raises(CommandError, match="Suspend 'sorvik' first"):
        _run("delete", "sorvik", "--yes")
    _run("suspend", "sorvik")
    files = databases.files_of("sorvik")
    deleted = _run(
        "delete", "sorvik", "--yes", "--by", "Driftsvakt", "--certificate", str(tmp_path / "c")
    )
    assert f"{sum(held.values())} rows in {len(held)} tables" in deleted
    (certificate,) = (tmp_path / "c").glob("sorvik-slettet-*.json")
    said = json.loads(certificate.read_text())
    assert said["deleted_by"] == "Driftsvakt" and said["rows"] == sum(held.values())
    assert {table: facts["rows"] for table, facts in said["tables"].items()} == held
    assert not any(Path(path).exists() for path in files)
    assert tenancy.by_slug("sorvik") is None
    assert "sorvik2" in _run("list")
    services.tenant_suspend("sorvik2")
    services.tenant_delete("sorvik2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "Bad Slug", "--name", "X", "--host", "x.testserver", SENDER], "lower-case"),
        (["create", "x1", "--name", " ", "--host", "x1.testserver", SENDER], "needs a name"),
        (
            ["create", "x2", "--name", "X", "--host", "testserver", SENDER],
            "Another tenant, or the operators. page, answers",
        ),
        (["create", "x3", "--name", "X", "--host", "x3.testserver"], "must configure DEFAULT_"),
        (["configure", "main", "NOT_A_SETTING=1"], "Not a setting a tenant configures"),
        (["delete", "main", "--yes"], "Suspend .main. first"),
        (["delete", "nowhere", "--yes"], "No tenant is called"),
        (["delete", "main"], "--yes"),
    ],
)
def test_the_operator_is_told_what_is_wrong_and_nothing_changes(tenant_databases, args, message):
    before = list(services.Registration.objects.values_list("slug", "state"))
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert list(services.Registration.objects.values_list("slug", "state")) == before


def test_migrate_brings_every_tenant_up_to_date(nordvik):
    out = _run("-v", "2", "migrate")  # a line per tenant
    assert "(template)" in out and "main: current" in out and "nordvik: current" in out


def test_each_tenant_has_its_own_audit_chain_verified_by_itself(nordvik, in_nordvik):
    from samtale.core.audit import Record, append

    home = make_people()
    append([Record(actor=home.hr, action="person.viewed", obj=home.employee)])
    with in_nordvik():
        theirs = make_people()
        append(
            [
                Record(actor=theirs.hr, action="person.viewed", obj=p)
                for p in (theirs.leader, theirs.admin)
            ]
        )
    out = StringIO()
    # Called inside a tenant (this test runs in the installation's own), in that one.
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK: 1 entries")
    assert _run("run", "nordvik", "--", "audit_verify").startswith("OK: 2 entries")
    out = StringIO()
    call_command("audit_verify", "--every-tenant", stdout=out)
    assert "main:\nOK: 1 entries" in out.getvalue()
    assert "nordvik:\nOK: 2 entries" in out.getvalue()
    out = StringIO()
    call_command("audit_verify", "--tenant", "nordvik", stdout=out)
    assert out.getvalue().startswith("OK: 2 entries")


TOKEN = "s3cret-token-of-nordvik-0123456789abcdef"


def test_what_a_tenant_configures_is_its_own_and_its_secrets_are_kept_encrypted(nordvik, settings):
    settings.SAMTALE_MIN_GROUP = 5
    settings.SAMTALE_FIKS_ACCOUNT = "fjordvik-fiks-konto"
    out = _run(
        "configure", "nordvik", "SAMTALE_MIN_GROUP=7", f"SAMTALE_CALENDAR_WEBHOOK_TOKEN={TOKEN}"
    )
    assert "SAMTALE_MIN_GROUP=7" in out and "SAMTALE_CALENDAR_WEBHOOK_TOKEN=***" in out
    stored = services.Registration.objects.get(slug="nordvik").config
    assert stored["SAMTALE_MIN_GROUP"] == 7 and "s3cret" not in str(stored)
    try:
        with tenancy.activated(services.tenant_get("nordvik")):
            assert tenancy.tenant_settings.SAMTALE_MIN_GROUP == 7
            assert tenancy.tenant_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN == TOKEN
            # Its own settings never come from the environment: another's archive account.
            assert tenancy.tenant_settings.SAMTALE_FIKS_ACCOUNT == ""
            assert tenancy.organization_name() == "Nordvik kommune"
        assert tenancy.tenant_settings.SAMTALE_MIN_GROUP == 5
        assert tenancy.tenant_settings.SAMTALE_FIKS_ACCOUNT == "fjordvik-fiks-konto"
        with pytest.raises(CommandError, match="must be a whole number"):
            _run("configure", "nordvik", "SAMTALE_MIN_GROUP=seven")
        with pytest.raises(CommandError, match="Not a setting a tenant configures"):
            _run("configure", "nordvik", "SECRET_KEY=x")
    finally:
        _run("configure", "nordvik", "SAMTALE_MIN_GROUP=", "SAMTALE_CALENDAR_WEBHOOK_TOKEN=")
    assert _run("configure", "nordvik") == f"DEFAULT_FROM_EMAIL={NORDVIK_SENDER}\n"
