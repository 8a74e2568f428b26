"""The tenant is carried, never assumed (tenancy): outside an activated tenant a query of
a tenant's database or a tenant's setting is an error, a thread handed work is handed its
tenant too, commands say which tenant they act in, and no product code reads a tenant's
setting from Django's settings behind the tenancy's back."""

import ast
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from samtale import tenancy
from samtale.org.models import Person
from samtale.tenancy import commands, configurable
from testkit.source import REPOSITORY, product_copy, product_files


def in_a_thread_of_its_own(work):
    """What `work` returns or raises in a new thread, which starts in no tenant."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome


def test_outside_any_tenant_a_query_of_a_tenants_database_is_refused(db):
    outcome = in_a_thread_of_its_own(lambda: Person.objects.count())
    assert isinstance(outcome["error"], tenancy.NoTenant)
    assert "activates one" in str(outcome["error"])

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    assert isinstance(in_a_thread_of_its_own(raw)["error"], tenancy.NoTenant)


def test_outside_any_tenant_a_tenants_setting_is_refused_never_the_home_tenants(db):
    for read in (
        lambda: tenancy.tenant_settings.SAMTALE_MIN_GROUP,
        lambda: tenancy.site_url(),
        lambda: tenancy.current(),
    ):
        assert isinstance(in_a_thread_of_its_own(read)["error"], tenancy.NoTenant)


def test_the_control_database_is_no_tenants_and_answers_outside_them(db):
    def ask():
        with connections[tenancy.CONTROL].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]

    assert in_a_thread_of_its_own(ask) == {"value": 1}


def test_on_the_operators_host_no_tenants_database_or_setting_is_reached(db):
    def there(work):
        def run():
            with tenancy.activated(tenancy.OPERATIONS):
                return work()

        return in_a_thread_of_its_own(run)

    assert isinstance(there(lambda: Person.objects.exists())["error"], tenancy.NoTenant)
    assert isinstance(
        there(lambda: tenancy.tenant_settings.SAMTALE_MIN_GROUP)["error"], tenancy.NoTenant
    )


@pytest.mark.django_db(transaction=True)
def test_a_thread_handed_work_is_handed_its_tenant(settings):
    """tenancy.carried: the pool's thread reads the tenant's settings and rows (here the
    home tenant's, the test's, committed for the thread's own connection to see;
    samtale/operators/tests/test_entry_points.py does it in a second tenant)."""
    settings.SAMTALE_MIN_GROUP = 7
    Person.objects.create(email="a@kommune.example", first_name="A", last_name="B")

    def work():
        return (
            tenancy.current().slug,
            tenancy.tenant_settings.SAMTALE_MIN_GROUP,
            Person.objects.count(),
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(tenancy.carried(work)).result() == ("main", 7, 1)
        with pytest.raises(tenancy.NoTenant):
            pool.submit(work).result()


def test_blocks_nest_and_give_the_thread_its_own_connection_back(db):
    home = connection
    with tenancy.activated(tenancy.by_slug("main")):
        assert connection is home
    assert tenancy.current().in_own_database and connection is home


# Commands ---------------------------------------------------------------------------------


def test_a_command_in_a_tenant_acts_in_it_and_names_a_tenant_that_is_not_there(db):
    out = StringIO()
    call_command("audit_verify", stdout=out)  # this test runs in the home tenant
    assert out.getvalue().startswith("OK:")
    with pytest.raises(CommandError, match="No tenant is called 'nowhere'"):
        call_command("audit_verify", "--tenant", "nowhere")


def test_outside_any_tenant_a_command_for_one_tenant_needs_one_named_where_there_are_several(
    db, monkeypatch
):
    two = [
        tenancy.current(),
        tenancy.Tenant(slug="nordvik", name="N", url="", database={"NAME": "x"}),
    ]
    monkeypatch.setattr(tenancy, "every_tenant", lambda **kwargs: two)
    command = commands.TenantCommand()

    def asked(**options):
        return in_a_thread_of_its_own(lambda: command.tenants(**options))

    error = asked(slug="", every=False)["error"]
    assert isinstance(error, CommandError) and "serves 2 tenants" in str(error)
    assert [t.slug for t in asked(slug="", every=True)["value"]] == ["main", "nordvik"]
    command.every_tenant_by_default = True
    assert [t.slug for t in asked(slug="", every=False)["value"]] == ["main", "nordvik"]


def test_djangos_own_commands_run_in_the_home_tenant_at_the_command_line_and_ours_choose(db):
    def entered(name):
        return type(commands._tenant_of(name)).__name__

    assert entered("migrate") == "_GeneratorContextManager"  # activated(home)
    for ours in ("worker", "scheduler", "tenants", "audit_verify", "retention"):
        assert entered(ours) == "nullcontext", ours


# Product code reads a tenant's settings through tenancy --------------------------------

# Where the declared names may be read from Django's settings, and which: the tenancy itself
# (the home tenant's values are the environment's), the deployment checks (of the
# environment), the demo's simulator of the other side of Fiks (not the product) and its
# set-up, which gives the demo's second municipality the simulator's addresses the home one
# has; and the operators' work, where a new tenant's address on a laptop takes the
# development server's scheme and port from the installation's SITE_URL.
ALLOWED = {
    # The installation's own tenant registered from the environment.
    "samtale/tenancy/seed.py": {"SAMTALE_ORGANIZATION", "SITE_URL"},
    "samtale/core/checks.py": {"SITE_URL"},
    "samtale/demo/management/commands/archive_simulator.py": {
        "SAMTALE_FIKS_ACCOUNT",
        "SAMTALE_FIKS_ARCHIVE_ACCOUNT",
        "SAMTALE_FIKS_CERTIFICATE",
    },
    "samtale/demo/fiks.py": {
        "SAMTALE_FIKS_API_URL",
        "SAMTALE_FIKS_AMQP_URL",
        "SAMTALE_FIKS_MASKINPORTEN_URL",
    },
    "samtale/operators/services.py": {"SITE_URL"},
}
# A tenant's besides what it configures: its name and its address (tenancy.organization_name,
# tenancy.site_url).
ITS_OWN = {"SAMTALE_ORGANIZATION", "SITE_URL"}


def _settings_reads(path: Path) -> list[tuple[int, str]]:
    names = set(configurable.DECLARED) | ITS_OWN
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
            and node.attr in names
            and not isinstance(getattr(node, "ctx", None), ast.Store)
        ):
            found.append((node.lineno, node.attr))
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "getattr"
            and len(node.args) >= 2
            and getattr(node.args[0], "id", "") == "settings"
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in names
        ):
            found.append((node.lineno, node.args[1].value))
    return found


def settings_reads(root: Path) -> list[str]:
    """Each read of a tenant's setting from Django's settings in the product under `root`."""
    offenders = []
    for path in product_files(root):
        relative = path.relative_to(root).as_posix()
        allowed = ALLOWED.get(relative, set())
        offenders += [
            f"{relative}:{line} settings.{name}"
            for line, name in _settings_reads(path)
            if name not in allowed
        ]
    return offenders


def test_no_product_code_reads_a_tenants_setting_from_djangos_settings(settings):
    """A setting a tenant configures (tenancy.configurable) is read with tenancy.tenant_settings:
    read from django.conf.settings it is the home tenant's in every tenant."""
    assert len(configurable.DECLARED) >= 27
    assert settings_reads(REPOSITORY) == []


def test_the_reading_test_finds_a_read(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from django.conf import settings\n"
        "a = settings.SAMTALE_MIN_GROUP\n"
        "b = getattr(settings, 'SAMTALE_FIKS_ACCOUNT')\n"
        "settings.SAMTALE_MIN_GROUP = 3\n"
    )
    assert _settings_reads(planted) == [(2, "SAMTALE_MIN_GROUP"), (3, "SAMTALE_FIKS_ACCOUNT")]


def test_a_read_planted_in_a_copy_of_the_product_is_found(tmp_path):
    """The walk above over a copy of the product with a read planted in a module (and one in
    a test, which is let be): it finds the module's, and only it."""
    copy = product_copy(tmp_path, ["samtale"])
    assert settings_reads(copy) == []
    module = copy / "samtale" / "archive" / "services.py"
    lines = len(module.read_text(encoding="utf-8").splitlines())
    with module.open("a", encoding="utf-8") as file:
        file.write("\n\ndef planted():\n    return settings.SAMTALE_MIN_GROUP\n")
    (copy / "samtale" / "archive" / "tests" / "test_planted.py").write_text(
        "from django.conf import settings\nn = settings.SAMTALE_MIN_GROUP\n"
    )
    assert settings_reads(copy) == [
        f"samtale/archive/services.py:{lines + 4} settings.SAMTALE_MIN_GROUP"
    ]


def test_a_request_for_a_host_no_one_has_is_refused_plainly_naming_no_one(db, settings):
    """Refused before any tenant is found (a host ALLOWED_HOSTS does not list, one no tenant
    has): plain text, never a tenant's error page, and no 500."""
    from django.test import Client

    from testkit.core import outside_any_tenant

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "nobody.example"]
    with outside_any_tenant():  # as a web process's request starts
        for host, status in (("evil.example", 400), ("nobody.example", 404)):
            response = Client(HTTP_HOST=host).get("/logg-inn/")
            assert response.status_code == status, host
            assert response["Content-Type"].startswith("text/plain")


class _Row:
    """A row of the register as `register.tenant_of` reads it."""

    def __init__(self, slug: str, host: str):
        self.slug, self.name, self.url, self.state = slug, slug.title(), f"https://{host}/", "on"
        self.database, self.server, self.role, self.password = slug, "", "", ""
        self.config: dict[str, str] = {}
        self.hosts = type("Hosts", (), {"all": lambda _self: [type("H", (), {"name": host})]})()


def test_a_tenant_created_since_the_register_was_read_is_served_a_second_after(monkeypatch):
    """A process that read the register just before a tenant was made (by another process,
    whose `forget` it does not see) looks an unknown host name up again once its register is
    a second old, not after the whole REFRESH_SECONDS: a newly made tenant is never answered
    404 by one of a web server's processes while the others serve it. A flood of unknown names
    reads the register at most once a second."""
    from samtale.tenancy import register

    rows: list[_Row] = []
    reads = []
    monkeypatch.setattr(register, "_rows", lambda: reads.append(1) or rows)
    monkeypatch.setattr(
        register, "_loaded", {"at": None, "by_host": {}, "tenants": (), "moving": False}
    )
    assert register.by_host("ny.example") is None
    rows.append(_Row("ny", "ny.example"))  # made by another process just now
    for _ in range(50):
        assert register.by_host("ny.example") is None  # read a moment ago: not again
    assert len(reads) == 1
    register._loaded["at"] -= register.MISS_SECONDS  # a second later
    assert register.by_host("ny.example").slug == "ny"
    assert register.by_host("ny.example").slug == "ny"
    assert len(reads) == 2  # a name it knows does not read the register again
    assert register.MISS_SECONDS < register.REFRESH_SECONDS
