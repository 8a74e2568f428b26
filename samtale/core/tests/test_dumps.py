"""What a dump is checked against (core.dumps.reference): a database the migrations made,
never one a dump could have changed, but for an installation whose role may make no
database and has no template, where the database restored into stands in, said in the log.
PostgreSQL only (SQLite's snapshots are pages, not a dump of statements)."""

import logging
import os

import pytest
from django.db import connection

from samtale.core import dumps
from samtale.tenancy import servers

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ROLE = "samtale_no_createdb"


@pytest.fixture
def no_createdb(monkeypatch):
    """The installation's own server reached as a role that may make no database, and no
    template there."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} LOGIN NOCREATEDB")
    direct = servers.direct(servers.OWN)
    # Its maintenance database: CONNECT to the control database is the installation's role's
    # alone once a tenant is registered (operators.databases.pg_roles_refuse_others).
    as_role = {**direct, "USER": ROLE, "PASSWORD": "", "NAME": "postgres"}
    monkeypatch.setattr(servers, "direct", lambda name: as_role)
    monkeypatch.setattr(servers, "template_name", lambda: "samtale_no_such_template")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")


def test_with_no_right_to_make_a_database_the_one_restored_into_stands_in(
    no_createdb, tmp_path, caplog
):
    with caplog.at_level(logging.WARNING, "samtale.core.dumps"):
        reference = dumps.reference(tmp_path, {**connection.settings_dict})
    assert "may make no database" in caplog.text
    listed = dumps.entries(reference, dict(os.environ))
    assert any(what.startswith("FUNCTION public samtale_audit_append") for _, what in listed)


def test_without_a_database_to_stand_in_the_check_refuses(no_createdb, tmp_path):
    with pytest.raises(dumps.DumpRefused, match="No database to check the dump against"):
        dumps.reference(tmp_path)
