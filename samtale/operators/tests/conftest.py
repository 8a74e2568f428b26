"""A second tenant for the tests, Nordvik, with a real database of its own beside the test
database (which is the installation's own tenant's), in the session's `tenant_databases`
(the top conftest; testkit.tenants)."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from config.settings.tenants import _server
from samtale import tenancy
from samtale.operators import databases, services
from samtale.operators.tests.second_server import postgresql_server
from samtale.tenancy.models import Registration

HOST = "nordvik.testserver"
SENDER = "Nordvik kommune <samtale@nordvik.example>"


def tenants_said(*args) -> str:
    """What `manage.py tenants …` prints."""
    out = StringIO()
    call_command("tenants", *args, stdout=out)
    return out.getvalue()


@contextmanager
def nordvik_registered() -> Iterator[tenancy.Tenant]:
    """Nordvik, registered with a database of its own for the block, then deleted."""
    tenant = services.tenant_create(
        slug="nordvik",
        name="Nordvik kommune",
        hosts=[HOST],
        url=f"http://{HOST}",
        config={"DEFAULT_FROM_EMAIL": SENDER},
    )
    try:
        yield tenant
    finally:
        services.tenant_suspend("nordvik")
        services.tenant_delete("nordvik")


@pytest.fixture(scope="module")
def nordvik(tenant_databases, django_db_blocker):
    """A second tenant, Nordvik, answering at nordvik.testserver: for one module, then
    deleted (the worker and the scheduler of every later test would serve it too)."""
    with django_db_blocker.unblock(), nordvik_registered() as tenant, django_db_blocker.block():
        yield tenant


@pytest.fixture
def hosts(settings):
    """The test client may ask for the tenants' host names (ALLOWED_HOSTS)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".testserver"]


@pytest.fixture
def in_nordvik(nordvik, django_db_blocker):
    """Run a block in Nordvik (its rows are committed there: the test's transaction is the
    home tenant's), as the register has it now (what it configures, say); everything Nordvik
    holds is deleted again after the test."""
    yield lambda: tenancy.activated(services.tenant_get(nordvik.slug))
    with django_db_blocker.unblock(), tenancy.activated(nordvik):
        _empty()


def _empty() -> None:
    from django.core.management import call_command

    call_command("flush", database="default", interactive=False, verbosity=0)


def planned_conversation(people, *, days: int = 10):
    """A conversation between the leader and the employee of `people`, `days` from now, on a
    guide with the test themes: in whichever tenant is active."""
    from datetime import timedelta

    from django.utils import timezone

    from samtale.conversations.services import lifecycle
    from samtale.conversations.tests.conftest import THEMES
    from samtale.guides.models import Guide, GuideVersion

    version = GuideVersion.objects.create(
        guide=Guide.objects.create(), number=1, name={"nb": "Mal"}, themes=THEMES
    )
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=timezone.now() + timedelta(days=days),
        place="Rådhuset",
    )


@contextmanager
def movable(slug: str, name: str) -> Iterator[tenancy.Tenant]:
    """A tenant `slug` on the installation's own server for the block, to be moved to the
    second (the `second` fixture): deleted after, with any copy a move left on either."""
    tenant = services.tenant_create(
        slug=slug,
        name=name,
        hosts=[f"{slug}.testserver"],
        url=f"http://{slug}.testserver",
        config={"DEFAULT_FROM_EMAIL": f"{name} <samtale@{slug}.example>"},
    )
    try:
        yield tenant
    finally:
        Registration.objects.filter(slug=slug).update(state=Registration.State.ACTIVE)
        services.tenant_suspend(slug)
        services.tenant_delete(slug)
        for server in ("", "second"):  # the old copy a move kept, or a copy a failure left
            databases.pg_drop(
                str(tenant.database["NAME"]), str(tenant.database["USER"]), server=server
            )


@pytest.fixture(scope="module")
def second(tenant_databases):
    """A second PostgreSQL server, named "second" in SAMTALE_DATABASE_SERVERS (on SQLite:
    named, and never reached)."""
    if databases.engine() == "sqlite3":
        entry = _server("postgres://postgres@127.0.0.1:1/postgres")
        with override_settings(SAMTALE_DATABASE_SERVERS={"second": entry}):
            yield None
        return
    with (
        postgresql_server() as url,
        override_settings(SAMTALE_DATABASE_SERVERS={"second": _server(url)}),
    ):
        yield url
