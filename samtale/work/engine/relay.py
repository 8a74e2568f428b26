"""The RabbitMQ transport's sending end, the relay: each task row in a tenant's table sent
as a message to its kind's queue, once its transaction commits, every kind held to a fair
share per tenant; and the transport's own sweep, run by its workers (`manage.py
engine_worker`, one of them per tenant at a time), which makes ready again the rows whose
worker is gone (work.engine.runner.reclaim) and sends again what was never sent or got lost.

The fair share (SAMTALE_WORK_FAIR_SHARE): a tenant has at most that many messages of a kind
in its queue at once; the rest wait in its table and are sent one by one as its messages
are done (`after_run`). So 10,000 reminders or exports of one municipality occupy that many
places in the queue, not 10,000, and another municipality's reminder waits behind at most
the share of each municipality with work of that kind (docs/developing/decision-work-engine.md).

What was sent is recorded (work.models.Dispatch, keyed by the row) before the message goes:
the record's key makes one relay of the row win where two try at once (the commit's and the
sweep's, two workers relaying a tenant's next), and the share counts the records. A
publish that fails deletes its record, and the row waits for the sweep; a broker that does
not answer is not asked again for BROKER_REST_SECONDS, so a request that enqueues an e-mail
meanwhile does not wait for it."""

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samtale import tenancy
from samtale.work import schedule
from samtale.work.engine import kinds, runner
from samtale.work.engine.broker import TASK, configured
from samtale.work.models import Dispatch

logger = logging.getLogger("samtale.work.engine")

BROKER_REST_SECONDS = 10.0

_broker: dict[str, Any] = {"down_until": 0.0}
# What this process sent (the benchmark and the tests read it).
sent_count: dict[str, int] = {"published": 0, "swept": 0}


def after_commit(row: DBTaskResult[Any, Any]) -> None:
    """Send the tenant's next rows of the row's kind, within its fair share, once the row's
    transaction commits (at once outside one); never if it rolls back. A row not yet due is
    sent by the sweep once it is."""
    tenant = tenancy.current()
    kind = kinds.kind_of(row.task_path)
    connection = transaction.get_connection()
    if _relay_pending(connection, kind):
        return  # this transaction's commit sends the kind's next already: 10,000 rows, once

    def relay() -> None:
        with tenancy.activated(tenant):
            relay_next(kind)

    if connection.in_atomic_block:
        connection.__dict__.setdefault("samtale_relay", {})[kind] = relay
    # Robust: a failure is logged, the commit stands, and the sweep sends the row later.
    transaction.on_commit(relay, robust=True)


def _relay_pending(connection: Any, kind: str) -> bool:
    """Whether a relay of the heavy kind waits for this transaction's commit (not one of a
    transaction that ended, or of a savepoint rolled back: Django dropped those)."""
    relay = connection.__dict__.get("samtale_relay", {}).get(kind)
    return relay is not None and any(waiting[1] is relay for waiting in connection.run_on_commit)


def relay_next(kind: str) -> int:
    """Send the active tenant's next ready rows of a kind, in the table's order (the most
    urgent, the longest due, the oldest first), as many as its fair share leaves room for.
    Returns how many were sent."""
    free = settings.SAMTALE_WORK_FAIR_SHARE - Dispatch.objects.filter(kind=kind).count()
    if free <= 0:
        return 0
    rows = DBTaskResult.objects.ready().exclude(pk__in=Dispatch.objects.values("result_id"))
    if kind == kinds.DEFAULT:
        rows = rows.exclude(task_path__in=list(kinds.KINDS))
    else:
        rows = rows.filter(task_path__in=kinds.paths_of(kind))
    return send([(pk, kind) for pk in rows.values_list("pk", flat=True)[:free]])


def send(rows: Any) -> int:
    """Record and publish each (row id, kind) in the active tenant, skipping a row another
    relay has just sent. Stops at the first publish that fails. Returns how many were sent."""
    slug = tenancy.current().slug
    sent = 0
    for result_id, kind in rows:
        if not _recorded(result_id, kind):
            continue
        if not publish(slug, result_id, kind):
            Dispatch.objects.filter(pk=result_id).delete()
            break
        sent += 1
    return sent


def _recorded(result_id: Any, kind: str) -> bool:
    try:
        with transaction.atomic():
            Dispatch.objects.create(result_id=result_id, kind=kind, sent_at=timezone.now())
    except IntegrityError:
        return False
    return True


def publish(slug: str, result_id: Any, kind: str) -> bool:
    """The message {tenant, row} to the kind's queue; False when the broker did not take it
    (or was found away less than BROKER_REST_SECONDS ago)."""
    if time.monotonic() < _broker["down_until"]:
        return False
    try:
        # By the task's name: the worker's module (work.engine.app) is not this one's.
        configured().send_task(
            TASK,
            args=[slug, str(result_id)],
            queue=kinds.queue_of(kind),
            retry=False,
        )
    except Exception as error:  # noqa: BLE001 - any failure to publish: the sweep sends it later
        _broker["down_until"] = time.monotonic() + BROKER_REST_SECONDS
        logger.warning(
            "The broker did not take a %s task of %s (%s); the sweep sends it later.",
            kind,
            slug,
            _first_line(error),
        )
        return False
    sent_count["published"] += 1
    return True


def after_run(result_id: str, ran: bool) -> None:
    """What the relay keeps of a row its message brought, once the runner is through with it:
    its record forgotten (or, when it was not there to take, kept while another worker runs
    it), and the tenant's next rows of its kind sent."""
    if not ran:
        dispatch_done(result_id, again_when_due=True)
        return
    kind = Dispatch.objects.filter(pk=result_id).values_list("kind", flat=True).first()
    dispatch_done(result_id)
    if kind is not None:
        relay_next(kind)


def dispatch_done(result_id: str, *, again_when_due: bool = False) -> None:
    """The row's record deleted: it ran (or failed). `again_when_due`: the message found the
    row not there to take; the record is deleted unless the row runs (taken by another
    worker), so a row not yet due is sent again by the sweep once it is."""
    done = Dispatch.objects.filter(pk=result_id)
    if again_when_due:
        done = done.exclude(
            result_id__in=DBTaskResult.objects.running().filter(pk=result_id).values("pk")
        )
    done.delete()


def sweep(now: Any = None) -> int:
    """In the active tenant: forget the records of rows that are done, and of ready rows sent
    longer ago than SAMTALE_WORK_RESEND_SECONDS (their message lost); then send each kind's
    next ready rows within the tenant's share (a row come due, one never sent, one whose
    message was lost). Returns how many were sent."""
    now = now or timezone.now()
    # A row whose worker is gone is ready again, and its message is sent again now.
    Dispatch.objects.filter(pk__in=runner.reclaim(now)).delete()
    live = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values("pk")
    Dispatch.objects.exclude(result_id__in=live).delete()
    resend = now - timedelta(seconds=settings.SAMTALE_WORK_RESEND_SECONDS)
    Dispatch.objects.filter(
        sent_at__lt=resend, result_id__in=DBTaskResult.objects.ready().values("pk")
    ).delete()
    sent = sum(relay_next(kind) for kind in kinds.EVERY_KIND)
    if sent:
        sent_count["swept"] += sent
        logger.info("Tenant %s: %s tasks sent again by the sweep.", tenancy.current().slug, sent)
    return sent


def sweep_every_tenant(now: Any = None) -> list[str]:
    """The sweep of each tenant whose turn it is (every SAMTALE_WORK_SWEEP_SECONDS), claimed
    in its own database so that of all the transport's workers one sweeps it. A tenant that
    cannot be swept is said and passed over. Returns the tenants swept."""
    job = schedule.Periodic(
        name=SWEEP_JOB, task=None, every=timedelta(seconds=settings.SAMTALE_WORK_SWEEP_SECONDS)
    )
    swept = []
    for tenant in tenancy.every_tenant():
        try:
            with tenancy.activated(tenant):
                if schedule.claim(job, now or timezone.now()):
                    sweep(now)
                    swept.append(tenant.slug)
        except Exception as error:  # noqa: BLE001 - said, and the next tenant's sweep goes on
            logger.warning("Tenant %s is not swept (%s).", tenant.slug, _first_line(error))
    return swept


SWEEP_JOB = "samtale.work.engine.relay.sweep"


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
