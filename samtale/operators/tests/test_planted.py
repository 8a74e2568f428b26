"""A municipality's own database code runs with no more than its own rights (issue 74, point
1). A function is planted in a tenant's database, as its own role could: on every call it
tries, as the session's user (`RESET ROLE` undoes a `SET ROLE`), to make a superuser login
role, and goes on quietly when it may not. A CHECK constraint calls it on every row written,
so a copy restored from a dump runs it.

- Run by the installation's role, it makes the role: the plant is potent.
- `tenants move`, `tenants restore` and `manage.py restore` refuse the dump, naming the
  function and the table, and leave the tenant as it was.
- With that check taken away, the move still runs it only as the tenant's own role: no role
  is made on either server; and with the copy made as the installation's role again (as
  before), the role is made: the test sees what it guards against.
- The installation's role is a member of no tenant's role, after create, move and restore;
  `tenants migrate` takes back the memberships earlier releases gave."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from samtale import tenancy
from samtale.core import dumps
from samtale.operators import databases, moving, services, transfer
from samtale.operators.tests.conftest import movable, tenants_said
from samtale.org.models import Unit
from samtale.tenancy.models import Registration

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(databases=["default", "control"], transaction=True),
    pytest.mark.xdist_group("tenants"),
]

SLUG = "plantvik"
PLANTED_ROLE = "samtale_planted_superuser"
PLANT = f"""
CREATE FUNCTION samtale_planted() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    RESET ROLE;
    EXECUTE 'CREATE ROLE {PLANTED_ROLE} LOGIN SUPERUSER';
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
  RETURN true;
END $$;
ALTER TABLE org_unit ADD CONSTRAINT org_unit_planted CHECK (samtale_planted());
-- A view calling it, as a kind of object the migrations never make.
CREATE VIEW planted_view AS SELECT samtale_planted() AS planted;
"""


@pytest.fixture
def planted(second, django_db_blocker, monkeypatch):
    """A tenant on the installation's own server, with a unit and the plant."""
    monkeypatch.setattr(tenancy, "REFRESH_SECONDS", 0)
    with django_db_blocker.unblock(), movable(SLUG, "Plantvik kommune") as tenant:
        with tenancy.activated(tenant):
            Unit.objects.create(name="Planteskulen", code="P1")
            with connections["default"].cursor() as cursor:
                cursor.execute(PLANT)  # as the tenant's own role
        try:
            yield tenant
        finally:
            for server in ("", "second"):
                databases._pg_admin(f"DROP ROLE IF EXISTS {PLANTED_ROLE}", server=server)


def _planted_role_on(server: str) -> bool:
    return bool(
        databases._pg_admin(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (PLANTED_ROLE,), server=server
        )
    )


def _memberships(server: str = "") -> list[str]:
    """The tenants' roles the installation's role is a member of on `server`."""
    like = databases.pg_name("").replace("_", "\\_") + "%"
    rows = databases._pg_admin(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
        "AND r.rolname LIKE %s",
        (like,),
        server=server,
    )
    return [role for (role,) in rows]


def _as_it_was(tenant) -> None:
    """The tenant where it was, open, writable, and no copy on the second server."""
    row = Registration.objects.get(slug=SLUG)
    assert (row.server, row.state) == ("", Registration.State.ACTIVE)
    assert not databases.pg_exists(row.database, server="second")
    with tenancy.activated(services.tenant_get(SLUG)):
        Unit.objects.create(name="Framleis skrivbar", code="P2")


def test_the_plant_is_potent_when_the_installations_role_runs_it(planted):
    installation = tenancy.Tenant(
        slug="_planted", name="", url="", database=databases._on("", planted.database["NAME"])
    )
    with tenancy.activated(installation), connections["default"].cursor() as cursor:
        cursor.execute("SELECT samtale_planted()")
    tenancy.close_connections("_planted")
    assert _planted_role_on("")


def test_a_move_refuses_the_dump_and_leaves_the_tenant_as_it_was(planted):
    with pytest.raises(services.TenantError) as refused:
        moving.tenant_move(SLUG, "second", say=lambda line: None)
    assert "samtale_planted(): FUNCTION" in str(refused.value)
    assert "VIEW public planted_view" in str(refused.value)  # a kind the migrations never make
    assert not _planted_role_on("") and not _planted_role_on("second")
    _as_it_was(planted)
    assert _memberships() == [] and _memberships("second") == []


def test_without_the_check_a_move_runs_the_plant_powerless(planted, monkeypatch):
    """The dump's check taken away: the copy runs the plant on every row, as the tenant's
    own role, which may make no role; the move ends, and no role was made."""
    monkeypatch.setattr(dumps, "check", lambda *args: None)
    moving.tenant_move(SLUG, "second", keep_old=True, say=lambda line: None)
    assert Registration.objects.get(slug=SLUG).server == "second"
    assert not _planted_role_on("") and not _planted_role_on("second")
    assert _memberships() == [] and _memberships("second") == []


def test_copied_as_the_installations_role_the_plant_would_reach_everyone(planted, monkeypatch):
    """What the test above guards against, planted: the copy made as the installation's
    role (as `tenants move` did) makes the superuser role on the new server."""
    monkeypatch.setattr(dumps, "check", lambda *args: None)
    monkeypatch.setattr(
        moving,
        "_as_role",
        lambda row, server, password: {
            **tenancy.servers.direct(server),
            "NAME": row.database,
        },
    )
    # It fails after the copy: the tables are the installation's role's, not the tenant's.
    with pytest.raises(Exception, match="permission denied"):
        moving.tenant_move(SLUG, "second", keep_old=True, say=lambda line: None)
    assert _planted_role_on("second")


def test_a_restore_of_its_export_refuses_the_dump(planted, tmp_path):
    folder = transfer.tenant_export(SLUG, tmp_path / "export", recipients=[])
    with pytest.raises(CommandError) as refused:
        tenants_said(
            "restore", str(folder), "--slug", "plantkopi", "--host", "kopi.testserver",
            "--set", "DEFAULT_FROM_EMAIL=samtale@plantkopi.example",
        )  # fmt: skip
    assert "samtale_planted(): FUNCTION" in str(refused.value)
    assert not Registration.objects.filter(slug="plantkopi").exists()
    assert not _planted_role_on("")


def test_manage_restore_refuses_the_dump(planted, tmp_path):
    call_command("backup", "--tenant", SLUG, "--output", f"{tmp_path}/backups/", stdout=StringIO())
    [snapshot] = (tmp_path / "backups").glob("*.dump")
    with pytest.raises(CommandError, match=r"samtale_planted\(\): FUNCTION"):
        call_command("restore", "--tenant", SLUG, str(snapshot), "--yes", stdout=StringIO())
    assert not _planted_role_on("")
    with tenancy.activated(services.tenant_get(SLUG)):
        assert Unit.objects.filter(name="Planteskulen").exists()  # nothing was restored


def test_migrate_takes_back_the_memberships_earlier_releases_gave(planted):
    role = planted.database["USER"]
    databases._pg_admin(f'GRANT "{role}" TO CURRENT_USER')
    assert role in _memberships()
    tenants_said("migrate")
    assert role not in _memberships()
