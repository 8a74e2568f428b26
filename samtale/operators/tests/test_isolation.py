"""Two tenants on one installation: the test database is the home tenant's, Nordvik has a
database of its own (conftest.py). Whatever one holds, the other's requests, sign-ins,
sessions, tokens, caches and e-mails never reach."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from samtale import tenancy
from samtale.api.tests.helpers import Api, token_for
from samtale.operators.tests.conftest import HOST
from samtale.org.models import Person
from testkit import tenants
from testkit.core import worker_until_idle
from testkit.people import PASSWORD, make_people

pytestmark = pytest.mark.django_db(databases=["default", "control"])

PLANTED = "Fjordvik-hemmelighet-7Q2"


def _home_person():
    people = make_people()
    people.employee.first_name = PLANTED
    people.employee.email = "planted@fjordvik.example"  # make_people's are the same in both
    people.employee.set_password(PASSWORD)
    people.employee.save()
    return people


def test_a_tenant_is_served_from_its_own_database(nordvik, in_nordvik):
    home_name = connection.settings_dict["NAME"]
    with in_nordvik():
        assert connection.settings_dict["NAME"] == nordvik.database["NAME"] != home_name
        with tenancy.activated(tenancy.by_slug("main")):
            assert connection.settings_dict["NAME"] == home_name
        assert connection.settings_dict["NAME"] == nordvik.database["NAME"]
    assert connection.settings_dict["NAME"] == home_name


def test_rows_of_one_tenant_are_not_in_the_other(nordvik, in_nordvik):
    _home_person()
    with in_nordvik():
        assert not Person.objects.exists()
        make_people()
        assert Person.objects.count() == 7
        assert not Person.objects.filter(first_name=PLANTED).exists()
    assert Person.objects.filter(first_name=PLANTED).count() == 1


def test_an_unknown_host_gets_a_plain_404_naming_no_tenant(nordvik, hosts):
    response = Client(HTTP_HOST="nowhere.testserver").get("/logg-inn/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert b"Nordvik" not in response.content and b"Samtale" not in response.content


def test_every_page_names_its_organization(nordvik, hosts, settings):
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    assert "Nordvik kommune" in Client(HTTP_HOST=HOST).get("/logg-inn/").text
    assert "Fjordvik kommune" in Client().get("/logg-inn/").text


def test_a_suspended_tenant_answers_503_and_its_work_stops(nordvik, hosts):
    from samtale.operators import services

    services.tenant_suspend("nordvik")
    try:
        response = Client(HTTP_HOST=HOST).get("/logg-inn/")
        assert response.status_code == 503
        assert "nordvik" not in [t.slug for t in tenancy.every_tenant()]
    finally:
        services.tenant_suspend("nordvik", suspended=False)
    assert Client(HTTP_HOST=HOST).get("/logg-inn/").status_code == 200


def _sign_in(host: str, username: str) -> int:
    client = Client(HTTP_HOST=host)
    response = client.post("/logg-inn/", {"username": username, "password": PASSWORD})
    return response.status_code


def test_a_password_signs_in_on_its_own_tenant_only(nordvik, in_nordvik, hosts):
    people = _home_person()
    with in_nordvik():
        theirs = make_people().leader
        theirs.email = "theirs@nordvik.example"
        theirs.set_password(PASSWORD)
        theirs.save()
    assert _sign_in("testserver", people.employee.email) == 302
    assert _sign_in(HOST, people.employee.email) == 200  # the form again, with its error
    assert _sign_in(HOST, theirs.email) == 302
    assert _sign_in("testserver", theirs.email) == 200


def test_a_session_of_one_tenant_is_nobody_on_the_other(nordvik, in_nordvik, hosts):
    people = _home_person()
    with in_nordvik():
        make_people()
    client = Client()
    client.force_login(people.hr)
    assert client.get("/").status_code == 200
    # The same cookie sent to Nordvik's host: no one is signed in there.
    response = client.get("/", HTTP_HOST=HOST)
    assert response.status_code == 302 and "/logg-inn/" in response["Location"]


def test_an_id_answers_404_or_the_tenants_own_object(nordvik, in_nordvik, hosts):
    people = _home_person()
    with in_nordvik():
        theirs = make_people()
    client = Client(HTTP_HOST=HOST)
    with in_nordvik():
        client.force_login(theirs.hr)
    for pk in (people.employee.pk, people.hr.pk, people.employee.pk + 1000):
        response = client.get(f"/personer/{pk}/")
        assert PLANTED.encode() not in response.content
        assert response.status_code in (200, 403, 404)


def test_an_api_token_answers_401_on_another_tenant(nordvik, in_nordvik, hosts):
    people = _home_person()
    raw = token_for(people.hr)
    assert Api(raw).get("/me").status_code == 200
    with in_nordvik():
        make_people()
    response = Api(raw, client=Client(HTTP_HOST=HOST)).get("/me")
    assert response.status_code == 401
    assert PLANTED.encode() not in response.content


def test_what_pages_keep_is_kept_per_tenant(nordvik):
    cache.set("menu:1", "home's")
    with tenancy.activated(nordvik):
        assert cache.get("menu:1") is None
        cache.set("menu:1", "nordvik's")
    assert cache.get("menu:1") == "home's"


def test_links_in_e_mails_carry_their_tenants_address(nordvik, settings, tmp_path):
    from samtale.accounts.emails import _link

    assert _link(None, "/x/") == f"{settings.SITE_URL}/x/"
    with tenancy.activated(nordvik):
        assert _link(None, "/x/") == f"http://{HOST}/x/"
        assert tenancy.folder(tmp_path) == tmp_path / "nordvik"
    assert tenancy.folder(tmp_path) == tmp_path / "main"  # every tenant its own


def _connect_as(tenant, database: str):
    """A plain psycopg connection as the tenant's role to `database`."""
    import psycopg
    from django.db import connections

    config = connections.settings["default"]
    return psycopg.connect(
        dbname=database,
        user=tenant.database["USER"],
        password=tenant.database["PASSWORD"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )


def test_the_database_itself_keeps_a_tenant_to_its_own(nordvik, in_nordvik):
    """Not the ORM's doing. On PostgreSQL the server refuses Nordvik's role every database
    but its own; on SQLite, Nordvik's connection has its own file open and no other."""
    from django.db import connections

    if connection.vendor == "postgresql":
        from psycopg import OperationalError

        for alias in ("default", "control"):
            with pytest.raises(OperationalError, match="permission denied for database"):
                _connect_as(nordvik, connections.settings[alias]["NAME"])
        with _connect_as(nordvik, nordvik.database["NAME"]) as own:
            assert own.execute("SELECT current_user").fetchone()[0] == nordvik.database["USER"]
        return
    with in_nordvik(), connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        files = [row[2] for row in cursor.fetchall() if row[2]]
    assert files == [nordvik.database["NAME"]]


def test_one_worker_runs_each_tenants_tasks_inside_it_and_a_broken_one_stops_no_other(
    nordvik, in_nordvik, tmp_path, monkeypatch
):
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from samtale.operators import services
    from samtale.work.tasks import ping

    backend = DatabaseBackend("default", {})
    backend.enqueue(ping, (), {})
    with in_nordvik():
        backend.enqueue(ping, (), {})
        backend.enqueue(ping, (), {})
    # A third tenant whose database cannot be opened: said, and passed over.
    broken = services.Registration.objects.create(
        slug="broken",
        name="Brukket",
        url="http://broken.testserver",
        database=str(tmp_path / "no" / "such" / "folder" / "x.sqlite3")
        if connection.vendor == "sqlite"
        else "samtale_no_such_database",
    )
    tenancy.forget()
    try:
        worker_until_idle()
    finally:
        broken.delete()
        tenancy.forget()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
    with in_nordvik():
        assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2


def test_a_tenants_single_sign_on_is_its_own(nordvik, hosts):
    import json

    from allauth.socialaccount.adapter import get_adapter

    from samtale.operators import services

    entra = {
        "provider_id": "entra",
        "name": "Nordvik Entra ID",
        "client_id": "nordvik-client",
        "secret": "nordvik-secret",
        "settings": {"server_url": "https://login.example/nordvik/v2.0", "link": "email"},
    }
    services.tenant_configure("nordvik", {"SAMTALE_SSO_PROVIDERS": json.dumps([entra])})
    try:
        assert "Nordvik Entra ID" in Client(HTTP_HOST=HOST).get("/logg-inn/").text
        assert "Nordvik Entra ID" not in Client().get("/logg-inn/").text
        with tenancy.activated(services.tenant_get("nordvik")):
            [app] = get_adapter().list_apps(None, provider="entra")
            assert (app.client_id, app.secret) == ("nordvik-client", "nordvik-secret")
        assert not get_adapter().list_apps(None, provider="entra")
        stored = services.Registration.objects.get(slug="nordvik").config["SAMTALE_SSO_PROVIDERS"]
        assert "nordvik-secret" not in stored
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_SSO_PROVIDERS": ""})


def test_a_tenants_pending_migration_shows_in_its_health_and_the_installation_stays_ready(
    nordvik, hosts, settings, monkeypatch
):
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    from samtale.core import health

    settings.SAMTALE_READY_REQUIRES = []
    monkeypatch.setattr(health, "_migrated", set())
    with tenancy.activated(nordvik):
        (latest,) = MigrationLoader(connection).graph.leaf_nodes("core")
        MigrationRecorder(connection).migration_qs.filter(app="core", name=latest[1]).delete()
    try:
        for host in ("testserver", HOST):
            response = Client(HTTP_HOST=host).get("/health/ready")
            assert response.status_code == 200
            assert "nordvik" not in response.text
        with tenancy.activated(nordvik):
            record = health.tenant_health_record()
        assert record.tenant == "nordvik" and not record.ok
        assert record.checks["migrations"] == "pending"
        assert record.checks["archive"] == health.UNKNOWN
    finally:
        with tenancy.activated(nordvik):
            MigrationRecorder(connection).record_applied("core", latest[1])


def test_metrics_count_each_tenant_under_its_own_label(nordvik, in_nordvik, settings):
    from django_tasks_db.backend import DatabaseBackend

    from samtale.core.tests.test_metrics import TOKEN, scrape, value
    from samtale.work.tasks import ping

    settings.SAMTALE_METRICS_TOKEN = TOKEN
    with in_nordvik():
        DatabaseBackend("default", {}).enqueue(ping, (), {})
    samples = scrape(Client(headers={"Authorization": f"Bearer {TOKEN}"}))
    waiting = dict(
        (labels["tenant"], n)
        for labels, n in samples["samtale_tasks_waiting"]
        if labels["queue"] == "default"
    )
    # The home tenant's under its own slug as any other's: no series without a tenant.
    others = dict.fromkeys(tenants.session_slugs(), 0)
    assert waiting == {settings.SAMTALE_TENANT: 0, "nordvik": 1, **others}
    assert value(samples, "samtale_collector_up", collector="tasks") == 1
