"""The operator on a laptop (issue 61): `tenants list` names each tenant as its pages do,
and `tenants create` there makes the address the development server answers at, port
included, so the new tenant's e-mails lead somewhere; production keeps https://."""

import pytest

from samtale.operators import services
from samtale.operators.tests.conftest import tenants_said
from testkit import tenants

pytestmark = pytest.mark.django_db(databases=["default", "control"])

SENDER = "DEFAULT_FROM_EMAIL=Sørvik kommune <samtale@sorvik.example>"


_run = tenants_said


@pytest.mark.parametrize(
    ("host", "site", "url"),
    [
        ("sorvik.localhost", "http://127.0.0.1:8000", "http://sorvik.localhost:8000"),
        ("sorvik.localhost", "http://127.0.0.1:8080", "http://sorvik.localhost:8080"),
        ("localhost", "http://localhost:9000", "http://localhost:9000"),
        ("127.0.0.2", "http://127.0.0.1:8000", "http://127.0.0.2:8000"),
        ("sorvik.localhost", "http://127.0.0.1", "http://sorvik.localhost"),
        # A name served elsewhere, even from a laptop: as production serves it.
        ("samtale.sorvik.kommune.no", "http://127.0.0.1:8000", "https://samtale.sorvik.kommune.no"),
    ],
)
def test_on_a_laptop_a_tenant_is_where_the_development_server_answers(settings, host, site, url):
    settings.DEBUG, settings.SITE_URL = True, site
    assert services.default_url(host) == url


def test_in_production_a_tenant_is_at_https_and_its_first_host_name(settings):
    settings.DEBUG, settings.SITE_URL = False, "https://samtale.example.no"
    assert services.default_url("sorvik.localhost") == "https://sorvik.localhost"
    assert services.default_url("sorvik.samtale.example.no") == "https://sorvik.samtale.example.no"


def test_tenants_create_on_a_laptop_makes_the_address_with_the_port(tenant_databases, settings):
    settings.DEBUG, settings.SITE_URL = True, "http://127.0.0.1:8123"
    created = _run(
        "create",
        "sorvik",
        "--name",
        "Sørvik kommune",
        "--host",
        "sorvik.localhost",
        "--set",
        SENDER,
    )
    assert "at http://sorvik.localhost:8123 in" in created
    assert services.tenant_get("sorvik").url == "http://sorvik.localhost:8123"
    # Given outright, the address is the operator's.
    _run("suspend", "sorvik")
    services.tenant_delete("sorvik")
    url = "http://sorvik.localhost:9999"
    _run(
        "create",
        "sorvik",
        "--name",
        "Sørvik",
        "--host",
        "sorvik.localhost",
        "--url",
        url,
        "--set",
        SENDER,
    )
    assert services.tenant_get("sorvik").url == "http://sorvik.localhost:9999"
    _run("suspend", "sorvik")
    services.tenant_delete("sorvik")


def _listed() -> list[str]:
    """`tenants list`'s lines, without those of a tenant the tests' session registers
    besides (testkit.tenants): three lines each, its name first."""
    said = _run("list").splitlines()
    for slug in tenants.session_slugs():
        at = said.index(next(line for line in said if line.startswith(f"    {slug} · "))) - 1
        del said[at : at + 3]
    return said


def test_tenants_list_names_each_tenant_as_its_pages_do_with_its_address(
    tenant_databases, settings
):
    settings.SAMTALE_TENANT, settings.SAMTALE_ORGANIZATION = "fjordvik", "Fjordvik kommune"
    settings.SITE_URL, settings.SAMTALE_HOSTS = "http://127.0.0.1:8000", ["127.0.0.1"]
    _run(
        "create",
        "sorvik",
        "--name",
        "Sørvik kommune",
        "--host",
        "sorvik.testserver",
        "--set",
        SENDER,
    )
    said = _listed()
    assert said[2].startswith("    migration: ")  # each tenant's, as the register records it
    lines = [line for line in said if not line.startswith("    migration: ")]
    assert lines[0] == "Fjordvik kommune  http://127.0.0.1:8000  active"
    assert lines[1] == (
        "    fjordvik · hosts: 127.0.0.1 · database: the installation's own (DATABASE_URL)"
    )
    assert lines[2] == "Sørvik kommune  https://sorvik.testserver  active"
    assert lines[3].startswith("    sorvik · hosts: sorvik.testserver · database: ")
    _run("suspend", "sorvik")
    services.tenant_delete("sorvik")


def test_tenants_list_says_when_the_home_tenant_has_no_name(settings):
    settings.SAMTALE_ORGANIZATION, settings.SAMTALE_HOSTS = "", ["127.0.0.1"]
    first = _listed()[0]
    assert first.startswith("(no name: SAMTALE_ORGANIZATION is not set; its pages say Samtale)")
