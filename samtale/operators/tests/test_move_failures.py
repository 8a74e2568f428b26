"""A move that fails at any step leaves the tenant as it was (issue 74, point 3): a failure is
injected at each step of `tenants move` in turn (samtale.operators.moving), and after each
the tenant is on its server, open, its database takes writes, and the second server holds
no copy; a suspension made during a move is kept, whether the move fails or ends; and a
failure while putting things back (the new server gone) does not stop the rest from being
put back."""

import pytest
from django.db import DatabaseError

from samtale import tenancy
from samtale.operators import databases, moving, services
from samtale.operators.tests.conftest import movable
from samtale.org.models import Person
from samtale.tenancy.models import Registration

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(databases=["default", "control"], transaction=True),
    pytest.mark.xdist_group("tenants"),
]

SLUG = "feilvik"


class Injected(Exception):
    pass


@pytest.fixture
def tenant(second, django_db_blocker, monkeypatch):
    monkeypatch.setattr(tenancy, "REFRESH_SECONDS", 0)
    with django_db_blocker.unblock(), movable(SLUG, "Feilvik kommune") as made:
        yield made


def _after(step):
    """The step, failing after it has done its work (the database read-only, a role made)."""

    def failing(*args, **kwargs):
        step(*args, **kwargs)
        raise Injected(f"{step.__name__} failed")

    return failing


def _writes_then_fails(*args, allowed, **kwargs):
    moving_writes(*args, allowed=allowed, **kwargs)
    if not allowed:
        raise Injected("_writes failed")


moving_writes = moving._writes

STEPS = {
    "announced": (moving, "_announced", _after(moving._announced)),
    "read-only": (moving, "_writes", _writes_then_fails),
    "role": (databases, "pg_role_make", _after(databases.pg_role_make)),
    "database": (databases, "pg_database_make", _after(databases.pg_database_make)),
    "copy": (moving, "_copy", _after(moving._copy)),
    "compared": (moving, "_compared", _after(moving._compared)),
    "analyzed": (databases, "analyze", _after(databases.analyze)),
    "switched": (moving, "_switched", _after(moving._switched)),
}


def _as_it_was(state=Registration.State.ACTIVE) -> None:
    row = Registration.objects.get(slug=SLUG)
    assert (row.server, row.state) == ("", state)
    assert not databases.pg_exists(row.database, server="second")
    with tenancy.activated(services.tenant_get(SLUG)):
        Person.objects.create(first_name="Framleis", last_name="Skrivbar")


@pytest.mark.parametrize("step", sorted(STEPS))
def test_a_failure_at_each_step_leaves_the_tenant_as_it_was(tenant, monkeypatch, step):
    module, name, failing = STEPS[step]
    monkeypatch.setattr(module, name, failing)
    with pytest.raises(Injected):
        moving.tenant_move(SLUG, "second", say=lambda line: None)
    monkeypatch.undo()
    if step == "switched":
        # The switch failed after its work was done: the register names the new server (the
        # copy is whole, compared and open); the old database is still there, read-only.
        row = Registration.objects.get(slug=SLUG)
        assert (row.server, row.state) == ("second", Registration.State.ACTIVE)
        return
    _as_it_was()


def test_the_undoing_goes_on_when_the_new_server_is_gone(tenant, monkeypatch):
    """The copy fails and so does dropping it (the new server went away): the old database
    takes writes again and the register says what it said."""

    def gone(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(moving, "_copy", _after(moving._copy))
    monkeypatch.setattr(databases, "pg_drop", gone)
    with pytest.raises(Injected):
        moving.tenant_move(SLUG, "second", say=lambda line: None)
    monkeypatch.undo()
    row = Registration.objects.get(slug=SLUG)
    assert (row.server, row.state) == ("", Registration.State.ACTIVE)
    with tenancy.activated(services.tenant_get(SLUG)):
        Person.objects.create(first_name="Framleis", last_name="Skrivbar")
    databases.pg_drop(row.database, row.role, server="second")


@pytest.mark.parametrize("fails", [True, False], ids=["fails", "ends"])
def test_a_suspension_made_during_a_move_is_kept(tenant, monkeypatch, fails):
    copy = moving._copy

    def suspended_meanwhile(*args, **kwargs):
        services.tenant_suspend(SLUG)
        copy(*args, **kwargs)
        if fails:
            raise Injected("copy failed")

    monkeypatch.setattr(moving, "_copy", suspended_meanwhile)
    if fails:
        with pytest.raises(Injected):
            moving.tenant_move(SLUG, "second", say=lambda line: None)
        monkeypatch.undo()
        assert Registration.objects.get(slug=SLUG).state == Registration.State.SUSPENDED
        services.tenant_suspend(SLUG, suspended=False)
        assert Registration.objects.get(slug=SLUG).state == Registration.State.ACTIVE
        _as_it_was()
        return
    moving.tenant_move(SLUG, "second", keep_old=True, say=lambda line: None)
    row = Registration.objects.get(slug=SLUG)
    assert (row.server, row.state) == ("second", Registration.State.SUSPENDED)


def test_a_tenant_being_moved_is_not_opened_by_hand(tenant):
    Registration.objects.filter(slug=SLUG).update(state=Registration.State.MOVING)
    with pytest.raises(services.TenantError, match="being moved"):
        services.tenant_suspend(SLUG, suspended=False)
    assert Registration.objects.get(slug=SLUG).state == Registration.State.MOVING


def test_a_worker_that_meets_a_read_only_database_leaves_the_task_waiting(tenant, caplog):
    """A worker handed a task of a tenant whose database has just turned read-only (the
    register not read since): the task is not failed, it waits as it was, ready, for after
    the move; the register is read again at once."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from samtale.work.engine import runner
    from testkit.drain import task_row

    with tenancy.activated(tenant):
        task_id = task_row(due=timezone.now()).pk
    row = Registration.objects.get(slug=SLUG)
    moving_writes(row.server, row.database, allowed=False)
    try:
        assert runner.run(SLUG, task_id) is False
    finally:
        moving_writes(row.server, row.database, allowed=True)
    assert "takes no writes now" in caplog.text
    with tenancy.activated(tenant):
        assert DBTaskResult.objects.get(pk=task_id).status == "READY"
