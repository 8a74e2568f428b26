"""How a Fiks Arkiv message travels: sealed in a signed ASiC-E container encrypted for the
receiver (archive.fiks.asic), through a real RabbitMQ (archive.fiks.transport, AMQP_URL).

Without a broker the transport's tests are skipped and say why; under CI=true they fail
instead, as a missing browser does."""

import io
import os
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings

from samtale.archive.fiks import asic, keys
from samtale.archive.fiks.transport import AmqpTransport, Message, Unavailable, queue_of

pytestmark = pytest.mark.xdist_group("amqp")


@pytest.fixture(scope="module")
def samtale_side():
    certificate, key = keys.generate("Samtale")
    return asic.Identity.from_pem(certificate, key)


@pytest.fixture(scope="module")
def archive_side():
    certificate, key = keys.generate("Arkivet")
    return asic.Identity.from_pem(certificate, key)


FILES = {"arkivmelding.xml": b"<arkivmelding/>", "skjema.pdf": bytes(range(256)) * 64}


def test_only_the_receiver_opens_what_was_sealed_for_it(samtale_side, archive_side):
    sealed = asic.seal(FILES, sender=samtale_side, receiver=asic.Identity(archive_side.certificate))
    assert b"arkivmelding" not in sealed  # encrypted, not merely zipped
    assert asic.unseal(sealed, receiver=archive_side) == FILES
    with pytest.raises(asic.InvalidContainer, match="decrypt"):
        asic.unseal(sealed, receiver=samtale_side)


def test_the_container_is_asic_e_with_a_manifest_and_a_signature(samtale_side):
    data = asic.container(FILES, samtale_side)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.etsi.asic-e+zip"
        names = set(archive.namelist())
    assert names == {"mimetype", *FILES, asic.MANIFEST, asic.SIGNATURE}
    assert asic.open_container(data) == FILES


def test_a_container_whose_file_was_changed_is_refused(samtale_side):
    data = asic.container(FILES, samtale_side)
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "skjema.pdf":
                content = b"%PDF another document"
            target.writestr(info, content)
    with pytest.raises(asic.InvalidContainer, match="skjema.pdf"):
        asic.open_container(changed.getvalue())
    with pytest.raises(asic.InvalidContainer):
        asic.open_container(b"not a zip")


# Through the broker ---------------------------------------------------------------------


def _broker_missing() -> str | None:
    transport = AmqpTransport(settings.AMQP_URL)
    try:
        transport._open()
    except Unavailable as error:
        return f"no message broker at AMQP_URL ({error})"
    finally:
        transport.close()
    return None


@pytest.fixture
def broker():
    reason = _broker_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the Fiks Arkiv tests must run in CI")
        pytest.skip(reason)
    transport = AmqpTransport(settings.AMQP_URL)
    accounts = []

    def account() -> str:
        accounts.append(str(uuid.uuid4()))
        return accounts[-1]

    yield transport, account
    channel = transport._open()
    for name in accounts:
        channel.queue_delete(queue=queue_of(name))
    transport.close()


def test_a_message_reaches_its_receiver_with_its_headers(broker, samtale_side, archive_side):
    transport, account = broker
    sender, receiver = account(), account()
    payload = asic.seal(FILES, sender=samtale_side, receiver=archive_side)
    sent = Message(
        type="no.ks.fiks.arkiv.v1.innsyn.sok", sender=sender, receiver=receiver, payload=payload
    )
    transport.send(sent)
    received = []
    assert transport.receive(receiver, received.append, wait=5) == 1
    [message] = received
    assert (message.id, message.type, message.sender, message.receiver) == (
        sent.id,
        sent.type,
        sender,
        receiver,
    )
    assert asic.unseal(message.payload, receiver=archive_side) == FILES
    # Nothing for the sender, nothing left for the receiver.
    assert transport.receive(sender, received.append) == 0
    assert transport.receive(receiver, received.append) == 0


def test_a_reply_names_the_message_it_answers(broker):
    transport, account = broker
    samtale, archive = account(), account()
    question = Message(type="q", sender=samtale, receiver=archive)
    transport.send(question)
    transport.send(Message(type="a", sender=archive, receiver=samtale, reply_to=question.id))
    replies = []
    transport.receive(samtale, replies.append, wait=5)
    assert [reply.reply_to for reply in replies] == [question.id]


def test_a_message_is_gone_only_once_it_was_handled(broker):
    transport, account = broker
    receiver = account()
    transport.send(Message(type="t", sender=account(), receiver=receiver, payload=b"1"))

    def fails(message):
        raise RuntimeError("the worker died in the middle")

    with pytest.raises(RuntimeError):
        transport.receive(receiver, fails, wait=5)
    again = []
    assert transport.receive(receiver, again.append, wait=5) == 1
    assert again[0].payload == b"1"


def test_a_message_not_taken_within_its_lifetime_is_dropped(broker):
    transport, account = broker
    receiver = account()
    # A lifetime of nothing: with nobody taking it at that moment the broker drops it as
    # it arrives (RabbitMQ's per-message TTL of 0), with no clock to race.
    transport.send(Message(type="t", sender=account(), receiver=receiver, lifetime=timedelta(0)))
    transport.send(Message(type="t", sender=account(), receiver=receiver, payload=b"kept"))
    kept = []
    transport.receive(receiver, kept.append, wait=5)
    assert [message.payload for message in kept] == [b"kept"]


def test_a_broker_that_does_not_answer_is_unavailable_not_a_crash():
    transport = AmqpTransport("amqp://guest:guest@127.0.0.1:9/%2F")
    with pytest.raises(Unavailable):
        transport.send(Message(type="t", sender=str(uuid.uuid4()), receiver=str(uuid.uuid4())))
    with pytest.raises(Unavailable):
        transport.receive(str(uuid.uuid4()), lambda message: None)


def test_a_message_that_comes_while_the_receiver_waits_is_taken(broker):
    import threading

    transport, account = broker
    receiver, sender = account(), account()
    late = AmqpTransport(settings.AMQP_URL)
    timer = threading.Timer(
        0.3, lambda: late.send(Message(type="t", sender=sender, receiver=receiver, payload=b"late"))
    )
    timer.start()
    got = []
    try:
        assert transport.receive(receiver, got.append, wait=10) == 1
    finally:
        timer.join()
        late.close()
    assert got[0].payload == b"late"
    assert transport.receive(receiver, got.append) == 0
