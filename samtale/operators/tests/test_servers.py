"""Tenants on several database servers: created on the one named, moved from one to another
with every row, read-only meanwhile (samtale.operators.moving). On PostgreSQL against a second
server started for the test (second_server.py); on SQLite, which has one, what is refused."""

import pytest
from django.core.management import CommandError
from django.db import DatabaseError, connections
from django.test import Client, override_settings

from config.settings.tenants import _server
from samtale import tenancy
from samtale.operators import databases, moving, services
from samtale.operators.tests.conftest import SENDER, tenants_said
from samtale.org.models import Person
from samtale.tenancy.models import Registration
from testkit.people import make_people

pytestmark = [
    pytest.mark.django_db(databases=["default", "control"]),
    pytest.mark.xdist_group("tenants"),
]

HOST = "flytt.testserver"


def _postgresql() -> bool:
    return databases.engine() != "sqlite3"


def _create(slug: str, server: str = "") -> tenancy.Tenant:
    return services.tenant_create(
        slug=slug,
        name="Flyttvik kommune",
        hosts=[f"{slug}.testserver"],
        url=f"http://{slug}.testserver",
        config={"DEFAULT_FROM_EMAIL": SENDER},
        server=server,
    )


def _delete(slug: str) -> None:
    services.tenant_suspend(slug)
    services.tenant_delete(slug)


def _databases_on(server: str) -> set[str]:
    like = databases.pg_name("").replace("_", "\\_") + "%"
    rows = databases._pg_admin(
        "SELECT datname FROM pg_database WHERE datname LIKE %s", (like,), server=server
    )
    return {name for (name,) in rows}


def test_a_server_no_setting_names_is_refused(second):
    with pytest.raises(CommandError, match="No database server is called 'west'.*second"):
        tenants_said(
            "create", "vest", "--name", "Vest", "--host", "vest.testserver",
            "--set", f"DEFAULT_FROM_EMAIL={SENDER}", "--server", "west",
        )  # fmt: skip
    assert not Registration.objects.filter(slug="vest").exists()


def test_a_tenant_is_made_on_the_server_named(second, django_db_blocker):
    if not _postgresql():
        with pytest.raises(services.TenantError, match="PostgreSQL only"):
            _create("ostvik", server="second")
        assert not Registration.objects.filter(slug="ostvik").exists()
        return
    with django_db_blocker.unblock():
        tenant = _create("ostvik", server="second")
        try:
            assert Registration.objects.get(slug="ostvik").server == "second"
            assert databases.pg_name("ostvik") in _databases_on("second")
            assert databases.pg_name("ostvik") not in _databases_on("")
            with tenancy.activated(tenant):
                make_people()
                assert Person.objects.count() > 0
            said = tenants_said("list")
            assert "ostvik" in said
        finally:
            _delete("ostvik")
        assert databases.pg_name("ostvik") not in _databases_on("second")


def test_a_tenant_moves_with_every_row_and_back(second, django_db_blocker, monkeypatch):
    if not _postgresql():
        with pytest.raises(services.TenantError, match="on SQLite there is one"):
            moving.tenant_move("flytt", "second")
        return
    monkeypatch.setattr(tenancy, "REFRESH_SECONDS", 0)  # no process but this one to wait for
    said: list[str] = []
    with django_db_blocker.unblock():
        tenant = _create("flytt")
        try:
            with tenancy.activated(tenant):
                make_people()
                people = Person.objects.count()
            moved = moving.tenant_move("flytt", "second", keep_old=True, say=said.append)
            assert moved.rows > people and moved.tables > 50
            row = Registration.objects.get(slug="flytt")
            assert (row.server, row.state) == ("second", Registration.State.ACTIVE)
            name = databases.pg_name("flytt")
            assert name in _databases_on("second") and name in _databases_on("")
            here = services.tenant_get("flytt")
            with tenancy.activated(here):
                assert Person.objects.count() == people
                Person.objects.filter(pk=Person.objects.first().pk).update(first_name="Flyttet")
                assert connections["default"].settings_dict["PORT"] == str(
                    second.rsplit(":", 1)[1].split("/")[0]
                )
            _old_refuses_writes(tenant)
            # Back again, the old copy dropped first (a move refuses to overwrite one).
            with pytest.raises(services.TenantError, match="drop it there first"):
                moving.tenant_move("flytt", "")
            databases.pg_drop(name, server="")
            moving.tenant_move("flytt", "", say=said.append)
            assert name not in _databases_on("second")  # dropped after the switch
            with tenancy.activated(services.tenant_get("flytt")):
                assert Person.objects.filter(first_name="Flyttet").count() == 1
                Person.objects.create(first_name="Ny", last_name="Her")  # writable again
        finally:
            _delete("flytt")
    assert any("all equal" in line for line in said)


def _old_refuses_writes(tenant: tenancy.Tenant) -> None:
    """The database left behind takes no write (read-only since the move began)."""
    old = tenancy.Tenant(slug="flytt-old", name="", url="", database=dict(tenant.database))
    with tenancy.activated(old), pytest.raises(DatabaseError, match="read-only"):
        Person.objects.create(first_name="Sen", last_name="Skrivar")
    tenancy.close_connections("flytt-old")


def test_a_failed_copy_leaves_the_tenant_where_it_was(second, django_db_blocker, monkeypatch):
    if not _postgresql():
        return  # nothing moves on SQLite (the test above shows the refusal)
    with django_db_blocker.unblock():
        tenant = _create("brudd")

        def differs(*args):
            raise services.TenantError("The copy differs from the original in org_person.")

        monkeypatch.setattr(moving, "_compared", differs)
        try:
            with pytest.raises(services.TenantError, match="differs"):
                moving.tenant_move("brudd", "second", say=lambda line: None)
            row = Registration.objects.get(slug="brudd")
            assert (row.server, row.state) == ("", Registration.State.ACTIVE)
            assert databases.pg_name("brudd") not in _databases_on("second")
            with tenancy.activated(services.tenant_get("brudd")):
                Person.objects.create(first_name="Fortsatt", last_name="Her")  # writable
        finally:
            _delete("brudd")
        assert tenant.slug == "brudd"


def test_while_moving_a_change_is_answered_try_again(second, nordvik, hosts):
    Registration.objects.filter(slug="nordvik").update(state=Registration.State.MOVING)
    tenancy.forget()
    try:
        client = Client(HTTP_HOST="nordvik.testserver")
        sent = client.post("/logg-inn/", {"username": "a", "password": "b"})
        assert sent.status_code == 503 and sent["Retry-After"] == "60"
        assert "flyttes" in sent.content.decode()
        assert client.get("/logg-inn/").status_code == 200  # read meanwhile
        assert "nordvik" not in [t.slug for t in tenancy.every_tenant()]  # no work runs
    finally:
        Registration.objects.filter(slug="nordvik").update(state=Registration.State.ACTIVE)
        tenancy.forget()


def test_a_servers_tenants_are_backed_up_each_alone(second, nordvik, tmp_path):
    said = tenants_said("backup", str(tmp_path / "all"))
    assert (tmp_path / "all" / "nordvik" / "tenant.json").exists()
    assert "Exported 1 tenants" in said or "Exported" in said
    assert "tenants restore" in said
    with pytest.raises(CommandError, match="No tenant is on"):
        tenants_said("backup", str(tmp_path / "east"), "--server", "second")
    own = tenants_said("backup", str(tmp_path / "own"), "--server", "")
    assert (tmp_path / "own" / "nordvik" / "tenant.json").exists() and "nordvik" in own


def test_a_servers_tls_options_reach_its_tenants_through_its_pool_too():
    """SAMTALE_DATABASE_SERVERS' libpq options (sslmode=verify-full, the CA) are the server's
    and its pool's: a tenant placed there connects with them, through PgBouncer as directly."""
    url = "postgres://samtale:pw@db2:5432/samtale?pool=pgbouncer2:6432"
    url += "&sslmode=verify-full&sslrootcert=/tls/ca.crt"
    entry = _server(url)
    assert entry["direct"]["OPTIONS"] == {"sslmode": "verify-full", "sslrootcert": "/tls/ca.crt"}
    with override_settings(SAMTALE_DATABASE_SERVERS={"second": entry}):
        reached = tenancy.servers.reach("second")
    assert reached["HOST"] == "pgbouncer2" and reached["PORT"] == "6432"
    assert reached["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/tls/ca.crt",
        "prepare_threshold": None,
    }
