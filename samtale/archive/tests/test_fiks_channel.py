"""The Fiks Arkiv channel end to end: a signed form from Samtale's worker through a real
RabbitMQ to the archive simulator and back to a receipt (archive.fiks.channel,
demo.archive_simulator), and what happens when the archive fails, refuses or is silent, or
the broker goes away."""

import contextlib
import os
import shutil
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from samtale.archive import services
from samtale.archive.fiks import asic, channel, keys
from samtale.archive.fiks import messages as m
from samtale.archive.fiks.transport import AmqpTransport, Message, Unavailable, queue_of
from samtale.archive.models import Delivery, SignedForm
from samtale.core.models import AuditEntry
from samtale.demo.archive_simulator import ArchiveSimulator

from .test_fiks_transport import _broker_missing

pytestmark = pytest.mark.xdist_group("amqp")


@pytest.fixture(scope="module")
def pems(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fiks")
    for name in ("samtale", "arkiv"):
        certificate, key = keys.generate(name)
        (folder / f"{name}.crt").write_bytes(certificate)
        (folder / f"{name}.key").write_bytes(key)
    return folder


class Beside:
    """The archive simulator running beside Samtale, as its own process would: a thread
    that answers what waits for the archive's account, with its own broker connection,
    until stopped; `paused` holds it back, and `held()` returns once it is held (its
    round under way finished), for a test that changes the simulator itself."""

    def __init__(self, simulator):
        self.simulator = simulator
        self.paused = threading.Event()
        self._idle = threading.Event()
        self._stop = threading.Event()
        self.errors: list[Exception] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            if self.paused.is_set():
                self._idle.set()
                time.sleep(0.05)
                continue
            self._idle.clear()
            try:
                self.simulator.serve(wait=0.2)
            except Unavailable:
                time.sleep(0.2)  # the broker cut it off: connect again
            except Exception as error:  # noqa: BLE001 - kept for the test to see
                self.errors.append(error)
                time.sleep(0.2)

    @contextlib.contextmanager
    def held(self):
        self.paused.set()
        try:
            assert self._idle.wait(timeout=30), "the simulator's round did not finish"
            yield
        finally:
            self._idle.clear()
            self.paused.clear()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)
        assert self.errors == []


@pytest.fixture
def archive(settings, pems, monkeypatch):
    """Samtale on the Fiks Arkiv channel with fresh accounts, and the archive simulator on
    the real broker, answering only when a test calls its `serve`."""
    reason = _broker_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the Fiks Arkiv tests must run in CI")
        pytest.skip(reason)
    settings.SAMTALE_ARCHIVE_CHANNEL = "fiks"
    # A broker of one's own: Fiks IO itself is test_fiks_io's.
    settings.SAMTALE_FIKS_TRANSPORT = "amqp"
    settings.SAMTALE_FIKS_ACCOUNT = str(uuid.uuid4())
    settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT = str(uuid.uuid4())
    settings.SAMTALE_FIKS_CERTIFICATE = str(pems / "samtale.crt")
    settings.SAMTALE_FIKS_PRIVATE_KEY = str(pems / "samtale.key")
    settings.SAMTALE_FIKS_ARCHIVE_CERTIFICATE = str(pems / "arkiv.crt")
    # A round of the worker's waits this long at most for answers that do not come.
    monkeypatch.setattr(channel, "EXCHANGE_SECONDS", 3)
    url = django_settings.AMQP_URL
    simulator = ArchiveSimulator(
        via=AmqpTransport(url),
        account=settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
        identity=keys.load(pems / "arkiv.crt", pems / "arkiv.key"),
        correspondents={settings.SAMTALE_FIKS_ACCOUNT: keys.load(pems / "samtale.crt")},
    )
    yield simulator
    simulator.via.close()
    cleanup = AmqpTransport(url)
    for account in (settings.SAMTALE_FIKS_ACCOUNT, settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT):
        cleanup._open().queue_delete(queue=queue_of(account))
    cleanup.close()


@pytest.fixture
def fiks(archive):
    """The archive simulator answering beside Samtale as its own process would. Yields
    (simulator, its runner)."""
    beside = Beside(archive)
    yield archive, beside
    beside.stop()


def worker_round(seconds: float = 60) -> None:
    """What the worker's periodic fiks_exchange does, once: it returns as soon as no
    message waits for an answer (`seconds` only bounds a test that would otherwise hang)."""
    channel.exchange(
        due=services.deliveries_due, attempt=services.delivery_attempt, seconds=seconds
    )


def retry(delivery: Delivery) -> Delivery:
    """The back-off is over: the worker begins the delivery again, and takes the answers."""
    delivery.refresh_from_db()
    via = channel.transport()
    try:
        services.delivery_attempt(delivery=delivery, via=via)
    finally:
        via.close()
    worker_round()
    delivery.refresh_from_db()
    return delivery


def delivery_of(conversation) -> Delivery:
    return SignedForm.objects.get(conversation=conversation).deliveries.get()


def test_a_signed_form_goes_to_a_receipt_through_the_broker(fiks, sign):
    simulator, _ = fiks
    # Signing renders the form after commit, and the worker's task files it: the next
    # round takes whatever answers were still on their way.
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    assert (delivery.channel, delivery.status, delivery.stage) == ("fiks", "delivered", "received")
    [file] = simulator.files.values()
    [record] = file["records"].values()
    assert delivery.archive_record_id == record["systemID"]
    assert delivery.archive_file_id == file["systemID"]
    assert delivery.target == f"{record['journalaar']}/{record['journalsekvensnummer']}"
    assert simulator.handled == [m.SOK, m.ARKIVMELDING]
    # Filed under the employee's classification, the name only in the title not shown.
    form = SignedForm.objects.get(conversation=conversation)
    assert list(simulator.files) == [f"ANSATTNR/{form.content['employee']['number']}"]
    assert form.content["employee"]["name"] not in record["offentligTittel"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="archive.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "archive.fiks_sent",
        "archive.fiks_sent",
        "archive.fiks_received",
        "archive.delivered",
    ]


def test_the_second_form_goes_into_the_personnel_file_the_first_created(fiks, sign):
    simulator, _ = fiks
    first = sign()
    worker_round()
    second = sign()
    worker_round()
    assert delivery_of(first).status == delivery_of(second).status == Delivery.Status.DELIVERED
    [file] = simulator.files.values()
    assert len(file["records"]) == 2
    assert delivery_of(first).archive_file_id == delivery_of(second).archive_file_id


def test_a_server_error_is_tried_again_and_filed_once(fiks, sign):
    simulator, _ = fiks
    simulator.fail_next = 1
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.FAILED
    assert "midlertidig nede" in delivery.error
    assert retry(delivery).status == Delivery.Status.DELIVERED
    assert len(simulator.records()) == 1


def test_no_answer_within_the_lifetime_is_sent_again_and_filed_once(fiks, sign):
    simulator, _ = fiks
    simulator.silent_next = 1  # takes the search and answers nothing
    conversation = sign()
    worker_round(seconds=2)  # no answer comes, however long it waits
    delivery = delivery_of(conversation)
    assert (delivery.status, delivery.stage) == ("waiting", "searching")
    assert channel.expire() == 0  # within its lifetime, it waits
    later = timezone.now() + channel.lifetime() + timedelta(seconds=1)
    assert channel.expire(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == gettext("The archive did not answer in time.")
    assert retry(delivery).status == Delivery.Status.DELIVERED
    assert len(simulator.records()) == 1


def test_a_form_the_archive_filed_but_samtale_did_not_hear_of_is_filed_once(fiks, sign):
    """The receipt was lost: sent again, the form is recognised by its external key and
    answered as existing, with the same ids."""
    simulator, _ = fiks
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    first = (delivery.archive_record_id, delivery.target)
    channel._failed(delivery, "the receipt was lost")
    again = retry(delivery)
    assert again.status == Delivery.Status.DELIVERED
    assert (again.archive_record_id, again.target) == first
    assert len(simulator.records()) == 1
    assert AuditEntry.objects.filter(action="archive.delivered").latest("pk").data["existing"]


def test_a_message_the_archive_refuses_is_shown_in_its_words_and_not_sent_again(fiks, sign):
    simulator, beside = fiks
    beside.paused.set()
    conversation = sign()  # the search waits in the archive's queue
    # Meanwhile the form's PDF is no longer the one signed.
    form = SignedForm.objects.get(conversation=conversation)
    SignedForm.objects.filter(pk=form.pk).update(pdf=bytes(form.pdf) + b"%tampered")
    beside.paused.clear()
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.REFUSED
    assert "sjekksum" in delivery.error
    assert delivery not in services.deliveries_due()
    assert simulator.records() == []
    assert AuditEntry.objects.filter(action="archive.refused").exists()


def test_a_reply_to_no_message_in_flight_is_left_alone(fiks, sign):
    simulator, beside = fiks
    conversation = sign()
    worker_round()
    delivered = delivery_of(conversation)
    stray = m.kvittering(
        registrering_system_id=str(uuid.uuid4()),
        journalaar=2026,
        journalsekvensnummer=99,
        mappe_system_id=None,
        external_key="x",
        created=True,
    )
    question = Message(
        type=m.ARKIVMELDING, sender=django_settings.SAMTALE_FIKS_ACCOUNT, receiver=simulator.account
    )
    replier = AmqpTransport(django_settings.AMQP_URL)
    # Its thread must not serve through the transport lent here (nor after it is closed).
    with beside.held():
        simulator_via, simulator.via = simulator.via, replier
        try:
            simulator._reply(question, m.KVITTERING, {"arkivmelding-kvittering.xml": stray})
        finally:
            simulator.via = simulator_via
            replier.close()
    via = channel.transport()
    try:
        assert channel.receive(via, wait=5) == 1
    finally:
        via.close()
    assert delivery_of(conversation).target == delivered.target


def test_the_broker_away_leaves_the_delivery_waiting_with_the_reason(fiks, sign, settings):
    simulator, _ = fiks
    good = settings.AMQP_URL
    settings.AMQP_URL = "amqp://guest:guest@127.0.0.1:9/%2F"
    conversation = sign()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error.startswith(
        gettext("The archive could not be reached: %(error)s") % {"error": ""}
    )
    worker_round()  # the broker is still away: nothing is lost, nothing is raised
    settings.AMQP_URL = good
    assert retry(delivery).status == Delivery.Status.DELIVERED
    assert len(simulator.records()) == 1


def test_the_broker_cutting_every_connection_in_the_middle_loses_nothing(fiks, sign):
    simulator, beside = fiks
    beside.paused.set()
    conversation = sign()  # the search is sent, the archive not yet answering
    rabbitmqctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    closed = subprocess.run(
        [rabbitmqctl, "close_all_connections", "cut by the fault test"],
        capture_output=True,
        text=True,
    )
    assert closed.returncode == 0, f"rabbitmqctl could not cut the connections: {closed.stderr}"
    beside.paused.clear()
    worker_round()
    delivery = delivery_of(conversation)
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(simulator.records()) == 1


def test_a_worker_that_dies_while_it_handles_the_receipt_files_it_once(fiks, sign, monkeypatch):
    """The receipt's handling fails half-way (the transaction rolls back, the message is
    not acknowledged): the broker gives it again, and it counts once."""
    simulator, beside = fiks
    beside.paused.set()
    conversation = sign()  # the search waits in the archive's queue
    real = channel.audit_log
    died = []

    def dies_once(*, action, **kwargs):
        if action == "archive.delivered" and not died:
            died.append(action)
            raise RuntimeError("the worker died")
        return real(action=action, **kwargs)

    monkeypatch.setattr(channel, "audit_log", dies_once)
    beside.paused.clear()
    # A round that loses its connection (the broker's own doing) leaves the rest to the
    # next: the rounds go on until the receipt's handling dies.
    for _ in range(5):
        try:
            worker_round()
        except RuntimeError as error:
            assert str(error) == "the worker died"
            break
    assert died
    monkeypatch.setattr(channel, "audit_log", real)
    assert delivery_of(conversation).status != Delivery.Status.DELIVERED
    worker_round()
    assert delivery_of(conversation).status == Delivery.Status.DELIVERED
    assert len(simulator.records()) == 1
    assert AuditEntry.objects.filter(action="archive.delivered").count() == 1


def take_answers(limit: int = 100) -> int:
    """The worker takes the archive's answers that wait for it (at most `limit`), once."""
    via = channel.transport()
    try:
        return channel.receive(via, wait=5, limit=limit)
    finally:
        via.close()


def test_every_message_samtale_sends_is_valid_and_sealed_for_the_archive(fiks, sign):
    """What crossed the broker, opened as the archive opens it."""
    simulator, _ = fiks
    seen = []
    original = simulator.handle

    def spy(message):
        files = asic.unseal(
            message.payload,
            receiver=simulator.identity,
            sender=keys.load(django_settings.SAMTALE_FIKS_CERTIFICATE),
        )
        m.validate(message.type, files[m.PAYLOADS[message.type][0]])
        seen.append(message.type)
        original(message)

    simulator.handle = spy
    sign()
    worker_round()
    assert seen == [m.SOK, m.ARKIVMELDING]


def test_the_parties_see_the_archives_journal_number_in_the_forms_history(fiks, sign, client):
    conversation = sign()
    worker_round()
    delivery = delivery_of(conversation)
    client.force_login(conversation.employee)
    page = client.get(reverse("conversation_detail", args=[conversation.pk])).content.decode()
    assert f"journalnummer {delivery.target}" in page
    assert "I personalmappen siden" in page
