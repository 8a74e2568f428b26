"""tenancy's 0002: an installation upgraded from the time its own tenant was a kind apart (a
`tenants_home` row holding only its state) keeps that state as a registered tenant. The
control database is taken back to 0001 for real, the old row planted, and `migrate` run as a
release runs it: the migration writes the state, the seed that follows (post_migrate,
tenancy.seed) completes the row from the environment."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from samtale.tenancy.models import Registration
from samtale.tenancy.router import CONTROL

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "control"])


def _tables() -> set[str]:
    with connections[CONTROL].cursor() as cursor:
        return set(connections[CONTROL].introspection.table_names(cursor))


def _upgraded_from(state: str) -> Registration:
    """The control database as 0001 left it, with the installation's own tenant in
    `tenants_home` at `state` and not in the register, then migrated."""
    call_command("migrate", "tenancy", "0001", database=CONTROL, verbosity=0)
    assert "tenants_home" in _tables()
    Registration.objects.filter(database="", server="").delete()
    with connections[CONTROL].cursor() as cursor:
        cursor.execute(
            "INSERT INTO tenants_home (slug, state, changed_at) VALUES (%s, %s, %s)",
            [settings.SAMTALE_TENANT, state, "2026-01-01 00:00:00+00:00"],
        )
    call_command("migrate", database=CONTROL, verbosity=0)
    return Registration.objects.get(database="", server="")


@pytest.mark.parametrize("state", ["suspended", "deleted"])
def test_a_home_tenant_suspended_or_deleted_stays_so_as_a_registered_tenant(state):
    row = _upgraded_from(state)
    assert "tenants_home" not in _tables()
    assert row.state == state  # the migration's, which the seed keeps
    # The rest is the environment's, as for any installation's own tenant.
    assert (row.slug, row.name, row.url) == (
        settings.SAMTALE_TENANT,
        settings.SAMTALE_ORGANIZATION,
        settings.SITE_URL,
    )
    assert sorted(row.hosts.values_list("name", flat=True)) == sorted(settings.SAMTALE_HOSTS)


def test_an_active_home_tenant_is_registered_active_by_the_seed():
    row = _upgraded_from("active")
    assert row.state == Registration.State.ACTIVE
    assert Registration.objects.filter(slug=settings.SAMTALE_TENANT).count() == 1
