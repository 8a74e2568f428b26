"""How a Fiks Arkiv message travels, behind one small interface (`Transport`).

A message has a type (archive.fiks.messages), a sender and a receiver account id (UUIDs),
an optional reply-to message id, a lifetime and a few headers of the sender's own
("egendefinerte headere": Samtale's id of the message, which the archive echoes in its
answers as KS's clients do); its payload is sealed (archive.fiks.asic). Messages for an
account wait in that account's queue until it takes them, and a message not taken within
its lifetime is dropped, as Fiks IO does.

Two implementations:

- `archive.fiks.fiksio.FiksIoTransport`: KS's Fiks IO itself, sending over HTTPS with a
  Maskinporten token and receiving over AMQP with TLS (production);
- `AmqpTransport` here: the same queues on a broker of one's own (RabbitMQ, `AMQP_URL`: a
  laptop's archive simulator, the tests): each account's queue is
  ``fiksio.konto.<account id>``, a message is published persistent with publisher confirms.

Both take a message off its queue only when its handler has returned (a worker that dies
in the middle leaves it for the next), and read it the way KS's clients do
(ks-no/fiks-io-commons: ``melding-id``, ``type``, ``avsender-id``, ``svar-til``, the
sender's own headers as ``egendefinert-header.<name>``, the lifetime as the expiration).
"""

from __future__ import annotations

import contextlib
import re
import ssl
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

QUEUE_PREFIX = "fiksio.konto."
# The sender's own headers travel with this prefix (ks-no/fiks-io-commons FiksIOHeaders).
OWN_HEADER = "egendefinert-header."
# Samtale's id of a message, in its own headers: KS's clients call the first the client's
# message id and echo the second in every answer (SvarSender, Java and .NET); the older name
# of the second is echoed too.
CLIENT_MESSAGE_ID = "klientMeldingId"
CORRELATION = "klientKorrelasjonsId"
CORRELATION_OLD = "klientKorrelasjonId"
# A payload too large for a message waits in Fiks Dokumentlager, named by this header.
DOCUMENT_STORE = "dokumentlager-id"


class Unavailable(RuntimeError):
    """The transport cannot be reached now: whatever was to go waits and is tried again.

    `cause` names why, where it is one the archive staff are told in their own language
    (archive.causes.FIKS: a certificate that did not verify, no delegation, …), with the
    `params` its sentence takes; the message says it in English for the log."""

    def __init__(self, message: str, *, cause: str = "", **params: str) -> None:
        super().__init__(message)
        self.cause = cause
        self.params = params


class Uncertain(Unavailable):
    """The message was handed over but its receipt never came back (the answer timed out):
    it may have arrived. Its sender waits for an answer to it rather than send it again."""


@dataclass(frozen=True)
class Message:
    type: str
    sender: str
    receiver: str
    payload: bytes = b""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    reply_to: str | None = None
    lifetime: timedelta = timedelta(hours=1)
    # The sender's own headers (names without the egendefinert-header. prefix).
    headers: Mapping[str, str] = field(default_factory=dict)
    # Given before and not acknowledged (a handler that failed, a connection lost).
    redelivered: bool = False

    @property
    def correlation(self) -> str:
        """The sender's id of the message this one answers, where the sender echoed it."""
        return self.headers.get(CORRELATION) or self.headers.get(CORRELATION_OLD) or ""


class Transport(Protocol):
    def send(self, message: Message) -> str:
        """Hand the message over; returns the id it travels under (Fiks IO gives its own)
        once the transport has it, or raises Unavailable (Uncertain: it may have)."""

    def public_key(self, account: str) -> bytes | None:
        """The PEM certificate a message for `account` is encrypted for, where the
        transport has a catalogue of them (Fiks IO's); None: the one configured."""

    def receive(
        self, account: str, handle: Callable[[Message], None], *, limit: int = 100, wait: float = 0
    ) -> int:
        """Give each message waiting for `account` to `handle`, at most `limit`, waiting up
        to `wait` seconds for the first; a message is gone only once `handle` returned (one
        it raised for is given again, `redelivered`). Returns how many were handled."""

    def close(self) -> None: ...


def _text(value: object, limit: int = 200) -> str:
    """A header as text: whoever wrote the message may have put bytes, a number or a table
    there, or a very long string."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value[:limit] if isinstance(value, str) else ""


def tls_reason(error: BaseException) -> str:
    """Why a TLS certificate did not verify, in OpenSSL's few words ("unable to get local
    issuer certificate", "Hostname mismatch, …"), from an error however deeply wrapped."""
    found = re.search(r"certificate verify failed: ([^(\'\"]+)", repr(error))
    return found.group(1).strip().rstrip(".") if found else type(error).__name__


def queue_of(account: str) -> str:
    return f"{QUEUE_PREFIX}{uuid.UUID(account)}"


def amqp_headers(message: Message, *, receiver: bool = True) -> dict[str, str]:
    """The AMQP headers Fiks IO puts on a message it delivers."""
    headers = {"melding-id": message.id, "avsender-id": message.sender, "type": message.type}
    if receiver:
        headers["mottaker-id"] = message.receiver
    if message.reply_to:
        headers["svar-til"] = message.reply_to
    for name, value in message.headers.items():
        headers[OWN_HEADER + name] = value
    return headers


def message_of(account: str, properties: Any, body: bytes | None, redelivered: bool) -> Message:
    """A delivered message as KS's clients read it (FiksIOMeldingParser): the receiver is the
    queue's account; the sender's own headers without their prefix."""
    raw = properties.headers if isinstance(properties.headers, dict) else {}
    own = {
        _text(name)[len(OWN_HEADER) :]: _text(value)
        for name, value in list(raw.items())[:50]
        if _text(name).startswith(OWN_HEADER)
    }
    if DOCUMENT_STORE in raw:
        own[DOCUMENT_STORE] = _text(raw[DOCUMENT_STORE])
    return Message(
        type=_text(raw.get("type")) or _text(properties.type),
        sender=_text(raw.get("avsender-id")),
        receiver=_text(raw.get("mottaker-id")) or account,
        payload=body or b"",
        id=_text(raw.get("melding-id")) or _text(properties.message_id),
        reply_to=_text(raw.get("svar-til")) or None,
        headers=own,
        redelivered=redelivered,
    )


class Broker:
    """A connection to a broker that holds the accounts' queues, and the loop that takes
    their messages (AmqpTransport's, and FiksIoTransport's receiving side): a subclass says
    how to connect (`_connect`) and whether it may declare a queue (`declares`)."""

    declares = True

    def __init__(self) -> None:
        self._connection: Any = None
        self._channel: Any = None
        self._declared: set[str] = set()

    def _connect(self) -> Any:
        """A new pika BlockingConnection, or raise Unavailable."""
        raise NotImplementedError

    def _open(self) -> Any:
        import pika.exceptions

        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        try:
            self._connection = self._connect()
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            # A consumer waiting for the first message is given one at a time.
            self._channel.basic_qos(prefetch_count=1)
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise Unavailable(f"The message broker does not answer: {error!r}") from None
        self._declared.clear()
        return self._channel

    def _queue(self, channel: Any, account: str) -> str:
        queue = queue_of(account)
        if self.declares and queue not in self._declared:
            channel.queue_declare(queue=queue, durable=True)
            self._declared.add(queue)
        return queue

    def public_key(self, account: str) -> bytes | None:
        return None

    def receive(
        self, account: str, handle: Callable[[Message], None], *, limit: int = 100, wait: float = 0
    ) -> int:
        import pika.exceptions

        handled = 0
        try:
            channel = self._open()
            queue = self._queue(channel, account)
            while handled < limit:
                method, properties, body = channel.basic_get(queue=queue, auto_ack=False)
                if method is None:
                    if wait <= 0 or handled:
                        break
                    # Wait once for the first message, then take what is there.
                    consumer = channel.consume(queue, inactivity_timeout=wait)
                    method, properties, body = next(consumer)
                    # Pending deliveries go back to the queue; the one taken stays ours.
                    channel.cancel()
                    wait = 0
                    if method is None:
                        break
                message = message_of(account, properties, body, bool(method.redelivered))
                try:
                    handle(message)
                except Exception:
                    channel.basic_nack(method.delivery_tag, requeue=True)
                    raise
                channel.basic_ack(method.delivery_tag)
                handled += 1
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise Unavailable(f"The messages could not be fetched: {error!r}") from None
        return handled

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            # Closing a connection that broke: nothing is lost by failing to.
            with contextlib.suppress(Exception):
                connection.close()


class AmqpTransport(Broker):
    """Fiks IO's queues on a broker of one's own (see the module's notes)."""

    def __init__(self, url: str, *, ca: str = ""):
        super().__init__()
        self.url = url
        # amqps://: the certificate authority the broker's certificate is checked against
        # (SAMTALE_BROKER_CA); empty, the system's.
        self.ca = ca

    def _connect(self) -> Any:
        import pika

        parameters = pika.URLParameters(self.url)
        if self.url.startswith("amqps://"):
            # The broker's certificate and host name checked.
            context = ssl.create_default_context(cafile=self.ca or None)
            parameters.ssl_options = pika.SSLOptions(context, server_hostname=parameters.host)
        parameters.connection_attempts = 1
        parameters.socket_timeout = 5
        parameters.blocked_connection_timeout = 10
        return pika.BlockingConnection(parameters)

    def send(self, message: Message) -> str:
        import pika
        import pika.exceptions

        try:
            channel = self._open()
            queue = self._queue(channel, message.receiver)
            channel.basic_publish(
                exchange="",
                routing_key=queue,
                body=message.payload,
                properties=pika.BasicProperties(
                    message_id=message.id,
                    type=message.type,
                    headers=amqp_headers(message),
                    delivery_mode=pika.DeliveryMode.Persistent,
                    expiration=str(int(message.lifetime.total_seconds() * 1000)),
                ),
                mandatory=True,
            )
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise Unavailable(f"The message could not be handed over: {error!r}") from None
        return message.id
