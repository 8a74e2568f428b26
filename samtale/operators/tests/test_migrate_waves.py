"""`tenants migrate` over several tenants (samtale.operators.releases): only those behind are
migrated, in waves, and the register records how each went.

Three tenants of this module's own beside the home tenant. A tenant is put behind for real
by migrating one app back (`migrate api zero` inside it: its table dropped, its record
gone); one whose migration cannot apply keeps the table and loses the record ("already
exists"); one whose database does not answer has its register entry point elsewhere."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from samtale import tenancy
from samtale.operators import databases, releases, services
from samtale.tenancy.models import Registration

pytestmark = pytest.mark.django_db(databases=["default", "control"])

SLUGS = ("alfa", "bravo", "charlie")
APP, FIRST = "api", "0001_initial"  # a leaf of the graph: no other migration needs it


@pytest.fixture(scope="module")
def three(tenant_databases, django_db_blocker):
    with django_db_blocker.unblock():
        for slug in SLUGS:
            services.tenant_create(
                slug=slug,
                name=f"Kommune {slug}",
                hosts=[f"{slug}.testserver"],
                config={"DEFAULT_FROM_EMAIL": f"Kommune {slug} <samtale@{slug}.example>"},
            )
    yield SLUGS
    with django_db_blocker.unblock():
        for slug in SLUGS:
            services.tenant_suspend(slug)
            services.tenant_delete(slug)


@pytest.fixture
def tenants(three):
    """The three, each current again after the test (the register's rows are the test's
    own, rolled back after this; their databases are not)."""
    where = {row["slug"]: row for row in Registration.objects.values("slug", "database", "server")}
    yield three
    for slug in three:
        Registration.objects.filter(slug=slug).update(**where[slug])
    tenancy.forget()
    for slug in three:
        with tenancy.activated(services.tenant_get(slug)):
            if _has_table() and (APP, FIRST) not in releases.applied_here():
                _record_applied()
            call_command("migrate", verbosity=0, skip_checks=True)
        tenancy.close_connections(slug)


def _has_table() -> bool:
    return "api_apitoken" in connections[DEFAULT_DB_ALIAS].introspection.table_names()


def _record_applied() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, CURRENT_TIMESTAMP)",
            [APP, FIRST],
        )


def behind(slug: str) -> None:
    """`slug` a release behind: its last api migration undone."""
    with tenancy.activated(services.tenant_get(slug)):
        call_command("migrate", APP, "zero", verbosity=0, skip_checks=True)
        assert not _has_table()
    tenancy.close_connections(slug)


def unappliable(slug: str) -> None:
    """`slug` behind with a migration that fails: its table is there, its record is not."""
    tenant = services.tenant_get(slug)
    with tenancy.activated(tenant), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", [APP])
    tenancy.close_connections(slug)


def unreachable(slug: str, tmp_path: Path) -> None:
    """`slug`'s register entry names a database that is not there."""
    missing = (
        str(tmp_path / "gone" / "x.sqlite3")
        if databases.engine() == "sqlite3"
        else f"{databases.pg_name(slug)}_gone"
    )
    Registration.objects.filter(slug=slug).update(database=missing)
    tenancy.forget()


def run(*args: str) -> tuple[str, str]:
    """What `tenants -v 2 migrate …` prints, and its error ("" when it ends well)."""
    out = StringIO()
    try:
        call_command("tenants", "-v", "2", "migrate", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def migrated_in(out: str) -> list[str]:
    return sorted(line.split(":")[0].strip() for line in out.splitlines() if ": migrated (" in line)


def register() -> dict[str, Registration]:
    return {row.slug: row for row in Registration.objects.filter(slug__in=SLUGS)}


def test_with_nothing_behind_no_tenant_is_migrated_and_each_is_recorded_current(tenants):
    Registration.objects.filter(slug__in=SLUGS).update(
        migration="", migrated_to="", migrated_at=None
    )
    out, error = run()
    assert error == ""
    assert "0 behind, 0 did not answer" in out and "Wave" not in out
    assert migrated_in(out) == []
    registered = Registration.objects.count()  # the three, the installation's own, any other
    assert f"{registered} tenants: {registered} current, 0 migrated" in out
    target = releases.fingerprint(releases.code_migrations())
    for row in register().values():
        assert (row.migration, row.migrated_to, row.migration_error) == ("current", target, "")
        assert row.migrated_at is not None
    listed = StringIO()
    call_command("tenants", "list", stdout=listed)
    assert listed.getvalue().count("migration: current") == registered  # main's too


def test_only_the_tenant_behind_is_migrated_and_each_is_recorded(tenants):
    behind("bravo")
    out, error = run()
    assert error == ""
    assert "1 behind" in out and "Wave 1 (canaries: bravo): 1 migrated, 0 failed" in out
    assert migrated_in(out) == ["bravo"]
    assert "main: current" in out
    with tenancy.activated(services.tenant_get("bravo")):
        assert _has_table()
    target = releases.fingerprint(releases.code_migrations())
    assert {slug: row.migrated_to for slug, row in register().items()} == dict.fromkeys(
        SLUGS, target
    )
    assert Registration.objects.get(slug="main").migrated_to == target


def test_a_tenant_that_does_not_answer_is_recorded_failed_and_the_others_go_on(tenants, tmp_path):
    behind("alfa")
    unreachable("charlie", tmp_path)
    out, error = run()
    assert "1 did not answer" in out
    assert "Not every tenant is current" in error and "1 failed (charlie)" in error
    assert migrated_in(out) == ["alfa"]
    rows = register()
    assert rows["charlie"].migration == "failed" and rows["charlie"].migration_error
    assert (rows["alfa"].migration, rows["bravo"].migration) == ("current", "current")


def test_a_registered_tenant_its_register_cannot_serve_is_counted_failed(tenants):
    Registration.objects.filter(slug="bravo").update(server="nowhere")  # no such database server
    tenancy.forget()
    out, error = run()
    registered = Registration.objects.count()
    assert f"{registered} tenants: {registered - 1} current" in out
    assert "1 failed (bravo)" in error
    bravo = register()["bravo"]
    assert bravo.migration == "failed" and bravo.migration_error.startswith("Not served")


def test_a_failed_migration_is_recorded_and_the_next_run_migrates_only_what_is_behind(tenants):
    behind("alfa")
    unappliable("bravo")
    out, error = run("--canary", "0")
    assert "Wave 2 (the rest): 1 migrated, 1 failed (bravo)" in out
    assert "1 failed (bravo)" in error
    rows = register()
    assert rows["bravo"].migration == "failed"
    assert "api_apitoken" in rows["bravo"].migration_error  # "already exists", as the database says
    assert rows["alfa"].migration == "current"

    # The cause fixed (the table the migration makes, gone), the same command again.
    bravo = services.tenant_get("bravo")
    with tenancy.activated(bravo), connections[DEFAULT_DB_ALIAS].schema_editor() as editor:
        editor.execute(editor.sql_delete_table % {"table": "api_apitoken"})
    tenancy.close_connections("bravo")
    out, error = run("--canary", "0")
    assert error == ""
    assert migrated_in(out) == ["bravo"]
    assert {row.migration for row in register().values()} == {"current"}


def test_a_canary_that_fails_starts_no_further_wave(tenants):
    unappliable("alfa")
    behind("charlie")
    before = Registration.objects.values("migration", "migrated_to", "migrated_at").get(
        slug="charlie"
    )
    out, error = run("--canary-slugs", "alfa")
    assert "Wave 1 (canaries: alfa): 0 migrated, 1 failed (alfa)" in out
    assert "A canary failed: no further wave starts (1 not started)" in out
    assert "Wave 2" not in out and "1 not started" in error
    rows = register()
    assert rows["alfa"].migration == "failed"
    # Never started: as the last run that reached it (its creation) left it.
    assert Registration.objects.values("migration", "migrated_to", "migrated_at").get(
        slug="charlie"
    ) == (before)
    with tenancy.activated(services.tenant_get("charlie")):
        assert not _has_table()


def test_a_canary_named_that_is_no_tenant_is_refused_before_anything_is_migrated(tenants):
    behind("alfa")
    out, error = run("--canary-slugs", "nowhere")
    assert "No tenant is called 'nowhere'" in error
    assert migrated_in(out) == []
    with tenancy.activated(services.tenant_get("alfa")):
        assert not _has_table()
