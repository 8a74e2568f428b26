"""How a Fiks Arkiv message travels, behind one small interface (`Transport`).

A message has a type (archive.fiks.messages), a sender and a receiver account id (UUIDs),
an optional reply-to message id and a lifetime; its payload is sealed (archive.fiks.asic).
Messages for an account wait in that account's queue until it takes them, and a message
not taken within its lifetime is dropped, as Fiks IO does.

`AmqpTransport` is the implementation on a broker of one's own (RabbitMQ, `AMQP_URL`):
each account's queue is ``fiksio.konto.<account id>``, a message is published persistent
with publisher confirms, and taken off only when its handler has returned (a worker that
dies in the middle leaves it for the next). Fiks IO itself receives over AMQP in the same
way; it sends over HTTPS and signs in with Maskinporten — docs/integrating/archive.md says
what a municipality configures for that, and it belongs behind this same interface.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

QUEUE_PREFIX = "fiksio.konto."


class Unavailable(RuntimeError):
    """The transport cannot be reached now: whatever was to go waits and is tried again."""


@dataclass(frozen=True)
class Message:
    type: str
    sender: str
    receiver: str
    payload: bytes = b""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    reply_to: str | None = None
    lifetime: timedelta = timedelta(hours=1)
    # Given before and not acknowledged (a handler that failed, a connection lost).
    redelivered: bool = False


class Transport(Protocol):
    def send(self, message: Message) -> None:
        """Hand the message over; returns once the transport has it (or raises Unavailable)."""

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


def queue_of(account: str) -> str:
    return f"{QUEUE_PREFIX}{uuid.UUID(account)}"


class AmqpTransport:
    """Fiks IO's way on a broker of one's own (see the module's notes)."""

    def __init__(self, url: str):
        self.url = url
        self._connection = None
        self._channel = None
        self._declared: set[str] = set()

    def _open(self):
        import pika
        import pika.exceptions

        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        parameters = pika.URLParameters(self.url)
        parameters.connection_attempts = 1
        parameters.socket_timeout = 5
        parameters.blocked_connection_timeout = 10
        try:
            self._connection = pika.BlockingConnection(parameters)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            # A consumer waiting for the first message is given one at a time.
            self._channel.basic_qos(prefetch_count=1)
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise Unavailable(f"The message broker does not answer: {error!r}") from None
        self._declared.clear()
        return self._channel

    def _queue(self, channel, account: str) -> str:
        queue = queue_of(account)
        if queue not in self._declared:
            channel.queue_declare(queue=queue, durable=True)
            self._declared.add(queue)
        return queue

    def send(self, message: Message) -> None:
        import pika
        import pika.exceptions

        try:
            channel = self._open()
            queue = self._queue(channel, message.receiver)
            headers = {
                "melding-id": message.id,
                "avsender-id": message.sender,
                "mottaker-id": message.receiver,
                "type": message.type,
            }
            if message.reply_to:
                headers["svar-til"] = message.reply_to
            channel.basic_publish(
                exchange="",
                routing_key=queue,
                body=message.payload,
                properties=pika.BasicProperties(
                    message_id=message.id,
                    type=message.type,
                    headers=headers,
                    delivery_mode=pika.DeliveryMode.Persistent,
                    expiration=str(int(message.lifetime.total_seconds() * 1000)),
                ),
                mandatory=True,
            )
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise Unavailable(f"The message could not be handed over: {error!r}") from None

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
                headers = properties.headers if isinstance(properties.headers, dict) else {}
                message = Message(
                    type=_text(headers.get("type")) or _text(properties.type),
                    sender=_text(headers.get("avsender-id")),
                    receiver=_text(headers.get("mottaker-id")) or account,
                    payload=body or b"",
                    id=_text(headers.get("melding-id")) or _text(properties.message_id),
                    reply_to=_text(headers.get("svar-til")) or None,
                    redelivered=bool(method.redelivered),
                )
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
