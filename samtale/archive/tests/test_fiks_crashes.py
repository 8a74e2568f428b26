"""The Fiks Arkiv channel when the broker restarts or a worker dies in the middle of a
delivery: the form is filed once, nothing lost (archive.fiks.channel; the channel end to
end: test_fiks_channel)."""

import os
import shutil
import signal
import subprocess
import traceback
import warnings

import pytest
from django.utils.translation import gettext

from samtale.archive.fiks import channel
from samtale.archive.fiks import messages as m
from samtale.archive.models import Delivery
from samtale.core.models import AuditEntry

from . import test_fiks_channel as end_to_end
from .test_fiks_channel import Beside, delivery_of, retry, take_answers, worker_round

pytestmark = pytest.mark.xdist_group("amqp")

# The end-to-end tests' fixtures: the archive simulator beside a real RabbitMQ, and its keys.
archive, pems = end_to_end.archive, end_to_end.pems


def rabbitmqctl(*args: str) -> None:
    command = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    done = subprocess.run([command, *args], capture_output=True, text=True)
    assert done.returncode == 0, f"rabbitmqctl {' '.join(args)} failed: {done.stderr}"


@pytest.mark.django_db(transaction=True)
def test_a_broker_restarted_in_the_middle_loses_nothing(archive, sign):
    """RabbitMQ stopped and started again (its application, as a restart of the service
    does) while one form's search waits in the archive's queue and another form is
    signed: the message outlives the restart, the second delivery waits with the reason,
    and both are filed once when the broker is back."""
    first = sign()  # the search waits in the archive's queue, nobody answering yet
    rabbitmqctl("stop_app")
    try:
        second = sign()
        waiting = delivery_of(second)
        assert waiting.status == Delivery.Status.FAILED
        assert waiting.error.startswith(
            gettext("The archive could not be reached: %(error)s") % {"error": ""}
        )
        worker_round()  # the broker is away: nothing is raised, nothing lost
        assert delivery_of(first).status == Delivery.Status.WAITING
    finally:
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
    archive.via.close()  # its connection died with the broker; the archive connects again
    beside = Beside(archive)
    try:
        worker_round()
        assert retry(waiting).status == Delivery.Status.DELIVERED
    finally:
        beside.stop()
    assert delivery_of(first).status == Delivery.Status.DELIVERED
    assert len(archive.records()) == 2
    assert AuditEntry.objects.filter(action="archive.delivered").count() == 2


_KEPT: list[object] = []  # the inherited connections, never closed (below)


def _database_of_its_own() -> None:
    """In a forked worker: a database server's connection is a socket shared with the
    parent, so the child opens its own (the inherited one kept, never closed, so the parent's
    goes on); SQLite's database in memory is the child's own copy already."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor != "sqlite" and connection.connection is not None:
            _KEPT.append(connection.connection)
            connection.connection = None


def killed_in_the_middle(work, *, action: str, message_type: str | None = None) -> None:
    """Run `work` in a forked worker process that is killed with SIGKILL when it has written
    the audit entry `action` (of `message_type`, for a message sent): inside the transaction
    that handles a message, after what it sent and before it commits or acknowledges. The
    kernel closes its sockets, so the broker takes back the message it held and the database
    its transaction, as after `kill -9` or the OOM killer. No timing: the child says through
    a pipe that it got there, and waits there until it is killed. The child handles one
    message, so that it commits nothing before: SQLite's database in memory is the child's
    own copy, and would lose what a database server keeps."""
    reached_r, reached_w = os.pipe()
    hold_r, hold_w = os.pipe()
    with warnings.catch_warnings():
        # pytest-xdist's own thread is in this process; the child touches none of its locks.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the worker
        try:
            os.close(reached_r)
            os.close(hold_w)
            _database_of_its_own()
            real = channel.audit_log

            def stops_there(**kwargs):
                written = real(**kwargs)
                if kwargs["action"] == action and message_type in (None, kwargs.get("type")):
                    os.write(reached_w, b"!")
                    os.read(hold_r, 1)  # nobody writes: held here until killed
                return written

            channel.audit_log = stops_there
            work()
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(reached_w)
    os.close(hold_r)
    try:
        reached = os.read(reached_r, 1)  # "" when the child ended without getting there
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(reached_r)
        os.close(hold_w)
    assert reached == b"!", f"the worker ended without writing {action}"
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_it_sent_the_filing_files_the_form_once(archive, sign):
    """Killed after the arkivmelding went out and before the search result's handling
    committed: Samtale does not know it sent it, the broker gives the search result again,
    and the form goes again with the same external key: one record in the archive."""
    conversation = sign()
    assert archive.serve(wait=5) == 1  # answers the search: no personnel file yet
    killed_in_the_middle(
        lambda: take_answers(limit=1), action="archive.fiks_sent", message_type=m.ARKIVMELDING
    )
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage) == ("waiting", "searching")
    assert archive.serve(wait=5) == 1  # files the one the killed worker sent
    assert len(archive.records()) == 1
    # The search result again (the filing goes again); the answers to the killed worker's
    # filing answer no message in flight and are left alone.
    assert take_answers() == 3
    assert archive.serve(wait=5) == 1  # the same form again: answered as the one it has
    take_answers()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.DELIVERED
    [file] = archive.files.values()
    [record] = file["records"].values()
    assert delivery.target == f"{record['journalaar']}/{record['journalsekvensnummer']}"
    assert archive.handled == [m.SOK, m.ARKIVMELDING, m.ARKIVMELDING]
    assert AuditEntry.objects.filter(action="archive.delivered").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_it_takes_the_receipt_files_the_form_once(archive, sign):
    """Killed with the receipt in hand, before its transaction committed: the form is not
    shown as archived, the broker gives the receipt again, and it counts once; nothing is
    sent to the archive again."""
    conversation = sign()
    assert archive.serve(wait=5) == 1  # the search
    assert take_answers() == 1  # the filing goes
    assert archive.serve(wait=5) == 1  # mottatt and kvittering come back
    assert take_answers(limit=1) == 1  # mottatt
    killed_in_the_middle(lambda: take_answers(limit=1), action="archive.delivered")
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage) == ("waiting", "received")
    assert take_answers() == 1  # the receipt, given again
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(archive.records()) == 1
    assert archive.handled == [m.SOK, m.ARKIVMELDING]
    assert AuditEntry.objects.filter(action="archive.delivered").count() == 1
