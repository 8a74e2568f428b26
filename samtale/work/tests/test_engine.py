"""The work engine (work.engine) on the real RabbitMQ at 127.0.0.1:5672 and a real Celery
worker (a thread of this process, consuming queues named for this run only, so the Fiks
Arkiv tests' queues on the same broker are not touched): each task runs in the tenant its
message names, and in no other; a message naming none runs nothing; the table stays the
outbox (a rolled-back enqueue is never run, a committed one once, a lost message is sent
again by the sweep); one tenant's 10,000 exports or reminders hold no other tenant's of the same kind back."""

import logging
import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samtale import tenancy
from samtale.operators import services
from samtale.operators.tests import conftest as tenants_tests
from samtale.work.engine import app as engine_app
from samtale.work.engine import kinds, relay
from samtale.work.models import Dispatch, JobRun
from samtale.work.tests import engine_tasks

# A second municipality from the tenants' tests (their fixtures), and a third made here.
nordvik = tenants_tests.nordvik

# Beside no test that restarts the broker (test_engine_faults, the Fiks Arkiv crash tests).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("amqp")]

SHARE = 2
FLOOD = 10_000
# The queues of this run: none another run, or the Fiks Arkiv tests, uses.
PREFIX = f"samtale_engine_tests_{uuid.uuid4().hex[:8]}."


@pytest.fixture(scope="module")
def sorvik(tenant_databases, django_db_blocker):
    with django_db_blocker.unblock():
        tenant = services.tenant_create(
            slug="sorvik",
            name="Sørvik kommune",
            hosts=["sorvik.testserver"],
            url="http://sorvik.testserver",
            config={"DEFAULT_FROM_EMAIL": "Sørvik kommune <samtale@sorvik.example>"},
        )
    yield tenant
    with django_db_blocker.unblock():
        services.tenant_suspend("sorvik")
        services.tenant_delete("sorvik")


ENGINE = {
    "TASKS": {
        "default": {"BACKEND": "samtale.work.engine.backend.RelayedBackend", "QUEUES": ["default"]}
    },
    "SAMTALE_WORK_QUEUE_PREFIX": PREFIX,
    "SAMTALE_WORK_FAIR_SHARE": SHARE,
}


@pytest.fixture(scope="module")
def worker(nordvik, sorvik, django_db_blocker):
    """The Celery engine on, with queues of this module's own, and one worker consuming them
    for the module (one task at a time, back to back; Celery's worker started and stopped
    again in one process did not always stop); its queues deleted after."""
    with (
        override_settings(**ENGINE),
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
    ):
        patch.setitem(kinds.KINDS, "samtale.work.tests.engine_tasks.export_one", kinds.EXPORTS)
        patch.setitem(kinds.KINDS, "samtale.work.tests.engine_tasks.remind", kinds.MAIL)
        app = engine_app.configured()
        # Celery's solo pool (the worker in a thread of the tests) waits ~10 s between
        # messages with a prefetch of 1 (Celery 5.7); with 2 it does not. The installation's
        # prefork does not wait with 1 (docs/running/work-engine.md).
        app.conf.worker_prefetch_multiplier = 2
        queues = [kinds.queue_of(kind) for kind in kinds.EVERY_KIND]
        try:
            # Stopped, the solo pool's thread may first finish a wait on the broker: on a busy
            # machine that took longer than Celery's default 10 s (CI, once).
            with start_worker(
                app, pool="solo", perform_ping_check=False, queues=queues, shutdown_timeout=60
            ):
                yield app
        finally:
            app.conf.worker_prefetch_multiplier = 1
            # The app of the settings as they are now: a test may have pointed the engine at
            # a broker that is away (the last of the module on a worker, CI once).
            app = engine_app.configured()
            with app.connection() as conn:
                for queue in queues:
                    conn.default_channel.queue_delete(queue)


@pytest.fixture
def engine(worker, settings, monkeypatch, nordvik, sorvik):
    """The module's worker, its queues empty, and both tenants' tables emptied after."""
    for name, value in ENGINE.items():
        setattr(settings, name, value)
    monkeypatch.setitem(relay._broker, "down_until", 0.0)
    engine_tasks.RUNS.clear()
    yield worker
    with worker.connection() as conn:
        for kind in kinds.EVERY_KIND:
            conn.default_channel.queue_purge(kinds.queue_of(kind))
    for tenant in (nordvik, sorvik):
        with tenancy.activated(tenant):
            DBTaskResult.objects.all().delete()
            Dispatch.objects.all().delete()
            JobRun.objects.filter(name__startswith="engine-").delete()


def finished(tenant, result_id, *, within: float = 120.0) -> DBTaskResult:
    """The row once the worker has finished it (a bound for a worker that never does, not a
    timing assertion)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with tenancy.activated(tenant):
            row = DBTaskResult.objects.get(pk=result_id)
        if row.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            return row
        time.sleep(0.05)
    raise AssertionError(f"{result_id} in {tenant.slug} did not finish: {row.status}")


def dispatched_none(tenant, *, within: float = 120.0) -> bool:
    """No row of the tenant's is recorded as sent and unfinished, once the worker has done
    what follows a task (it forgets the row's dispatch after the row is marked finished:
    a bound for a worker that never does, not a timing assertion)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with tenancy.activated(tenant):
            if not Dispatch.objects.exists():
                return True
        time.sleep(0.05)
    return False


def waiting_in(app, kind: str) -> int:
    with app.connection() as conn:
        return conn.default_channel.queue_declare(kinds.queue_of(kind), passive=True).message_count


# One tenant's flood of a kind, and another tenant's task of the same kind, on the same queue.
FLOODS = {
    "exports": (engine_tasks.export_one, kinds.EXPORTS),
    "reminders": (engine_tasks.remind, kinds.MAIL),
}


@pytest.mark.parametrize("flood", sorted(FLOODS))
def test_one_tenants_ten_thousand_tasks_hold_no_other_tenants_task_of_that_kind_back(
    engine, nordvik, sorvik, flood
):
    task, kind = FLOODS[flood]
    with tenancy.activated(nordvik), transaction.atomic():
        for n in range(FLOOD):
            task.enqueue(f"{flood} {n}")
    with tenancy.activated(nordvik):
        before = DBTaskResult.objects.successful().count()
    with tenancy.activated(sorvik):
        theirs = task.enqueue(f"sorvik's {flood}")
    finished(sorvik, theirs.id)
    with tenancy.activated(nordvik):
        done = DBTaskResult.objects.successful().count()
        in_flight = Dispatch.objects.filter(kind=kind).count()
    print(
        f"\nnordvik's {flood} run: {before} of {FLOOD} when sorvik's was enqueued on the same "
        f"queue, {done} when it finished"
    )
    assert done < FLOOD // 2  # most of them still wait
    # The fair share: never more of nordvik's of the kind in the queue than that.
    assert in_flight <= SHARE
    assert waiting_in(engine, kind) <= SHARE
    # And the rest follow: the next ones are relayed as each one finishes.
    with tenancy.activated(nordvik):
        first = DBTaskResult.objects.order_by("enqueued_at").values_list("pk", flat=True)[:20]
    for pk in first:
        assert finished(nordvik, pk).status == TaskResultStatus.SUCCESSFUL


def test_two_tenants_tasks_back_to_back_each_see_only_their_own_rows(engine, nordvik, sorvik):
    results = {}
    for tenant in (nordvik, sorvik, nordvik):
        with tenancy.activated(tenant):
            JobRun.objects.get_or_create(name=f"engine-{tenant.slug}")
    for tenant in (nordvik, sorvik, nordvik, sorvik):
        with tenancy.activated(tenant):
            results.setdefault(tenant.slug, []).append(engine_tasks.rows_seen.enqueue().id)
    for tenant in (nordvik, sorvik):
        for result_id in results[tenant.slug]:
            row = finished(tenant, result_id)
            assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
            assert row.return_value == [f"engine-{tenant.slug}"]
    assert [slug for slug, _ in engine_tasks.RUNS] == ["nordvik", "sorvik", "nordvik", "sorvik"]


def test_a_message_without_a_tenant_or_with_an_unknown_one_runs_nothing(
    engine,
    nordvik,
    sorvik,
    caplog,
):
    with tenancy.activated(nordvik):
        # A row no relay has sent (inserted as the backend does, without the relay).
        row = DBTaskResult.objects.create(
            args_kwargs={"args": ["refused"], "kwargs": {}},
            task_path="samtale.work.tests.engine_tasks.remind",
            run_after=timezone.now(),
            backend_name="default",
        )
    mail = kinds.queue_of(kinds.MAIL)
    with caplog.at_level(logging.ERROR, logger="samtale.work.engine"):
        for args in ([], [None, str(row.pk)], ["", str(row.pk)], ["atlantis", str(row.pk)]):
            engine_app.configured().send_task(engine_app.TASK, args=args, queue=mail)
        engine_app.configured().send_task(
            engine_app.TASK, kwargs={"result": str(row.pk)}, queue=mail
        )
        # Behind them in the same queue, on the one worker: a message that names its tenant.
        with tenancy.activated(sorvik):
            after = engine_tasks.remind.enqueue("after")
        finished(sorvik, after.id)
    refused = [r for r in caplog.records if "is refused" in r.getMessage()]
    assert len(refused) == 5
    assert "no tenant 'atlantis'" in refused[3].getMessage()
    with tenancy.activated(nordvik):
        assert DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.READY
    assert engine_tasks.RUNS == [("sorvik", "after")]


class RolledBack(Exception):
    pass


def test_a_rolled_back_enqueue_never_runs_and_a_committed_one_runs_once(engine, nordvik):
    published = relay.sent_count["published"]
    with tenancy.activated(nordvik):
        with pytest.raises(RolledBack), transaction.atomic():
            engine_tasks.remind.enqueue("rolled back")
            raise RolledBack
        assert not DBTaskResult.objects.exists()
        assert relay.sent_count["published"] == published  # nothing was sent
        with transaction.atomic():
            kept = engine_tasks.remind.enqueue("kept")
            assert relay.sent_count["published"] == published  # not before the commit
        assert relay.sent_count["published"] == published + 1
        # Its message sent a second time (a sweep that thought it lost, say):
        assert relay.publish("nordvik", kept.id, kinds.MAIL)
        last = engine_tasks.remind.enqueue("last")
    finished(nordvik, kept.id)
    finished(nordvik, last.id)  # behind both messages of `kept`, on the one worker
    assert [what for _, what in engine_tasks.RUNS] == ["kept", "last"]
    with tenancy.activated(nordvik):
        assert len(DBTaskResult.objects.get(pk=kept.id).worker_ids) == 1
    assert dispatched_none(nordvik)


def test_rows_whose_message_was_never_sent_or_lost_are_sent_again_by_the_sweep(
    engine,
    nordvik,
    settings,
):
    with tenancy.activated(nordvik):
        never = DBTaskResult.objects.create(
            args_kwargs={"args": ["never sent"], "kwargs": {}},
            task_path="samtale.work.tests.engine_tasks.remind",
            run_after=timezone.now(),
            backend_name="default",
        )
        lost = DBTaskResult.objects.create(
            args_kwargs={"args": ["lost"], "kwargs": {}},
            task_path="samtale.work.tests.engine_tasks.remind",
            run_after=timezone.now(),
            backend_name="default",
        )
        long_ago = timezone.now() - timedelta(seconds=settings.SAMTALE_WORK_RESEND_SECONDS + 1)
        Dispatch.objects.create(result_id=lost.pk, kind=kinds.MAIL, sent_at=long_ago)
        # Both within nordvik's share of the kind: sent (a row whose commit is sending it
        # at the same moment is sent once: the record's key lets one of the two win).
        assert relay.sweep() == 2
        assert relay.sweep() == 0  # sent: recorded, not sent again
    assert finished(nordvik, never.pk).status == TaskResultStatus.SUCCESSFUL
    assert finished(nordvik, lost.pk).status == TaskResultStatus.SUCCESSFUL
    assert sorted(what for _, what in engine_tasks.RUNS) == ["lost", "never sent"]


def test_a_broker_that_is_away_loses_no_task(settings, nordvik, monkeypatch, caplog):
    settings.TASKS = {
        "default": {"BACKEND": "samtale.work.engine.backend.RelayedBackend", "QUEUES": ["default"]}
    }
    settings.SAMTALE_WORK_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    monkeypatch.setitem(relay._broker, "down_until", 0.0)
    try:
        with caplog.at_level(logging.WARNING, "samtale.work.engine"), tenancy.activated(nordvik):
            result = engine_tasks.remind.enqueue("waits")  # the caller is not failed
            row = DBTaskResult.objects.get(pk=result.id)
            assert row.status == TaskResultStatus.READY
            assert not Dispatch.objects.exists()  # for the sweep to send when it answers
    finally:
        with tenancy.activated(nordvik):
            DBTaskResult.objects.all().delete()
    assert any("did not take" in r.getMessage() for r in caplog.records)


def test_the_transports_sweep_takes_each_tenant_once_a_turn_and_its_lost_rows_run(
    engine,
    nordvik,
    settings,
):
    """The sweep is the transport's own (its workers run it), not the scheduler's: of all
    workers one sweeps a tenant per turn; a row never sent, and one whose worker died
    while it ran, run."""
    settings.SAMTALE_HEARTBEAT_SECONDS = 15
    with tenancy.activated(nordvik):
        stranded, orphaned = (
            DBTaskResult.objects.create(
                args_kwargs={"args": [what], "kwargs": {}},
                task_path="samtale.work.tests.engine_tasks.remind",
                run_after=timezone.now(),
                backend_name="default",
            )
            for what in ("stranded", "orphaned")
        )
        # Longer ago than a sweep's turn and a worker's heartbeat limit, whichever is longer.
        ago = max(settings.SAMTALE_WORK_SWEEP_SECONDS, settings.SAMTALE_HEARTBEAT_LIMIT_SECONDS)
        gone = timezone.now() - timedelta(seconds=ago + 1)
        DBTaskResult.objects.filter(pk=stranded.pk).update(enqueued_at=gone)
        # Taken by a worker that is gone (no heartbeat), its message acknowledged or lost.
        DBTaskResult.objects.filter(pk=orphaned.pk).update(
            status=TaskResultStatus.RUNNING,
            started_at=gone,
            worker_ids=["gone:1"],
            enqueued_at=gone,
        )
        Dispatch.objects.create(result_id=orphaned.pk, kind=kinds.MAIL, sent_at=gone)
        JobRun.objects.filter(name=relay.SWEEP_JOB).delete()
    swept = relay.sent_count["swept"]
    assert "nordvik" in relay.sweep_every_tenant()
    assert "nordvik" not in relay.sweep_every_tenant()  # its turn is taken
    assert finished(nordvik, stranded.pk).status == TaskResultStatus.SUCCESSFUL
    again = finished(nordvik, orphaned.pk)
    assert again.status == TaskResultStatus.SUCCESSFUL
    assert again.worker_ids[0] == "gone:1" and len(again.worker_ids) == 2
    assert relay.sent_count["swept"] == swept + 2
    assert sorted(what for _, what in engine_tasks.RUNS) == ["orphaned", "stranded"]
    with tenancy.activated(nordvik):
        JobRun.objects.filter(name=relay.SWEEP_JOB).delete()


def test_a_heavy_kinds_commit_relays_it_after_a_savepoint_with_one_rolled_back(engine, nordvik):
    with tenancy.activated(nordvik):
        with transaction.atomic():
            with pytest.raises(RolledBack), transaction.atomic():
                engine_tasks.export_one.enqueue(1)
                raise RolledBack
            kept = engine_tasks.export_one.enqueue(2)
        assert finished(nordvik, kept.id).status == TaskResultStatus.SUCCESSFUL
        assert DBTaskResult.objects.count() == 1
    assert engine_tasks.RUNS == [("nordvik", 2)]
