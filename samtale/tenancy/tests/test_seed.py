"""The tenant of the installation's own database is registered like any other, from the
environment, at the control database's migrate (tenancy.seed): its name, address, host
names and own settings the environment's, its state and what an operator configured kept."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from samtale import tenancy
from samtale.operators import services
from samtale.tenancy import CONTROL, seed
from samtale.tenancy.models import Host, Registration
from samtale.tenancy.secrets import decrypt

pytestmark = pytest.mark.django_db(databases=["default", "control"])


def test_the_test_databases_migrate_registered_it_and_requests_find_it():
    row = Registration.objects.get(slug="main")
    assert (row.database, row.server, row.role) == ("", "", "")
    tenant = tenancy.by_host("testserver")
    assert tenant is not None and tenant.slug == "main" and tenant.in_own_database
    assert tenancy.by_slug("main") == tenant
    assert tenancy.in_own_database() == tenant


def test_its_own_settings_are_the_environments_secrets_encrypted(settings):
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    settings.SITE_URL = "https://samtale.fjordvik.no"
    settings.SAMTALE_GRAPH_CLIENT_SECRET = "hemmelig-klient-noekkel"
    settings.SAMTALE_ORGANIZATION_NUMBER = "964338531"
    seed.seed()
    row = Registration.objects.get(slug="main")
    assert (row.name, row.url) == ("Fjordvik kommune", "https://samtale.fjordvik.no")
    assert row.config["SAMTALE_ORGANIZATION_NUMBER"] == "964338531"
    kept = row.config["SAMTALE_GRAPH_CLIENT_SECRET"]
    assert "hemmelig" not in kept and decrypt(kept) == "hemmelig-klient-noekkel"
    tenancy.forget()
    tenant = tenancy.by_slug("main")
    assert tenancy.TenantSettings(tenant).SAMTALE_GRAPH_CLIENT_SECRET == "hemmelig-klient-noekkel"
    # The test runs in it as the environment now says (testkit.tenancy).
    assert tenancy.site_url() == "https://samtale.fjordvik.no"
    assert tenancy.organization_name() == "Fjordvik kommune"


def test_a_derived_setting_left_to_follow_is_not_registered(settings):
    """SAMTALE_FIKS_API_URL follows SAMTALE_FIKS_ENVIRONMENT unless given: registered, it
    would stop following a later `tenants configure … SAMTALE_FIKS_ENVIRONMENT=`."""
    assert "SAMTALE_FIKS_API_URL" not in seed.environment_config()
    settings.SAMTALE_FIKS_API_URL = "https://fiks.example.no"
    assert seed.environment_config()["SAMTALE_FIKS_API_URL"] == "https://fiks.example.no"


def test_configured_by_an_operator_it_is_kept_where_the_environment_is_silent(settings):
    settings.SAMTALE_ARCHIVE_ROOT = "/srv"
    services.tenant_configure("main", {"SAMTALE_ARCHIVE_FOLDER": "/srv/arkiv"})
    services.tenant_configure("main", {"SAMTALE_ORGANIZATION_NUMBER": "974760673"})
    settings.SAMTALE_ORGANIZATION_NUMBER = "964338531"  # the environment's wins at a migrate
    seed.seed()
    tenant = tenancy.by_slug("main")
    assert tenant.config["SAMTALE_ARCHIVE_FOLDER"] == "/srv/arkiv"
    assert tenant.config["SAMTALE_ORGANIZATION_NUMBER"] == "964338531"


def test_its_state_and_host_names_follow_the_environment_at_each_migrate(settings):
    services.tenant_suspend("main")
    settings.SAMTALE_HOSTS = ["samtale.fjordvik.no", "testserver"]
    call_command("migrate", database=CONTROL, verbosity=0)
    row = Registration.objects.get(slug="main")
    assert row.state == Registration.State.SUSPENDED  # kept: the environment does not open it
    assert sorted(row.hosts.values_list("name", flat=True)) == [
        "samtale.fjordvik.no",
        "testserver",
    ]
    settings.SAMTALE_HOSTS = []  # SAMTALE_HOSTS=none: its data kept, at no host name
    seed.seed()
    assert Registration.objects.filter(slug="main").exists()
    assert not Host.objects.filter(tenant__slug="main").exists()


def test_a_host_name_another_tenant_answers_at_is_not_taken(settings, caplog):
    other = Registration.objects.create(slug="nordvik", name="N", url="https://n.no", database="x")
    Host.objects.create(tenant=other, name="nordvik.testserver")
    settings.SAMTALE_HOSTS = ["testserver", "nordvik.testserver"]
    assert Host.objects.get(name="nordvik.testserver").tenant == other
    assert "at which the tenant nordvik answers" in caplog.text


def test_the_installations_tenant_named_as_another_is_refused(settings):
    Registration.objects.create(slug="nordvik", name="N", url="https://n.no", database="x")
    with pytest.raises(seed.SeedRefused, match="SAMTALE_TENANT='nordvik'"):
        settings.SAMTALE_TENANT = "nordvik"


def test_renamed_in_the_environment_the_same_row_is_renamed(settings):
    pk = Registration.objects.get(slug="main").pk
    settings.SAMTALE_TENANT = "fjordvik"
    assert Registration.objects.get(database="", server="").pk == pk
    assert Registration.objects.get(pk=pk).slug == "fjordvik"
    assert tenancy.current().slug == "fjordvik"


def test_the_deployment_check_asks_it_as_the_next_migrate_registers_it(settings):
    """`check --deploy` runs before a release's migrate: an organization number the
    environment now gives counts, though the register does not hold it yet."""
    from samtale.archive.checks import organization_number_check

    settings.SAMTALE_ORGANIZATION_NUMBER = ""
    assert [w.id for w in organization_number_check(None)] == ["samtale.W005"]
    with override_settings(SAMTALE_ORGANIZATION_NUMBER="315987652"):
        Registration.objects.filter(slug="main").update(config={})  # registered before it
        tenancy.forget()
        assert organization_number_check(None) == []
