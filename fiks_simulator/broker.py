"""The publishing side of Fiks IO's RabbitMQ: messages go to an account's queue through the
default exchange (the routing key is the queue, from which fiks-io-commons'
FiksIOMeldingParser reads the receiver), persistent, with publisher confirms so a 202 means
the broker has the message."""

import contextlib
import threading
from typing import Any

import pika
import pika.exceptions


class Broker:
    """One publishing connection to RabbitMQ with publisher confirms, shared by the HTTP
    threads under a lock (pika's BlockingConnection is not thread-safe), reopened when lost."""

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.Lock()
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None

    def _open(self) -> Any:
        if self._channel is None or not self._channel.is_open:
            self._close()
            parameters = pika.URLParameters(self.url)
            parameters.heartbeat = 0  # idle between tests; no thread is there to answer
            self._connection = pika.BlockingConnection(parameters)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
        return self._channel

    def _close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(pika.exceptions.AMQPError):
                connection.close()

    def run(self, action: Any) -> Any:
        """`action(channel)` under the lock; a failure drops the connection and re-raises."""
        with self._lock:
            try:
                return action(self._open())
            except (pika.exceptions.AMQPError, OSError):
                self._close()
                raise

    def publish(self, queue: str, body: bytes, headers: dict[str, str], ttl: int) -> None:
        properties = pika.BasicProperties(
            headers=headers, delivery_mode=2, expiration=str(ttl), message_id=headers["melding-id"]
        )
        self.run(
            lambda channel: channel.basic_publish(
                "", queue, body, properties=properties, mandatory=True
            )
        )

    def close(self) -> None:
        with self._lock:
            self._close()
