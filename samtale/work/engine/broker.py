"""The Celery application, configured from the settings: where messages are published
(work.engine.relay) and taken (work.engine.app, whose task it runs by name)."""

import ssl
import threading
from typing import Any

from celery import Celery, signals
from django.conf import settings
from kombu import Queue

from samtale.work.engine import kinds


@signals.setup_logging.connect  # type: ignore[untyped-decorator]  # Celery ships no types
def _logging_is_djangos(**kwargs: Any) -> None:
    """Celery configures no logging of its own when anyone answers this signal: the lines of
    a worker go where Django's LOGGING sends every other line (its console handler, its
    format), and a worker started in a test process leaves that process's logging as it was."""


# The one task a message asks for (work.engine.app runs it).
TASK = "samtale.engine.run"

# One Celery app per broker, its CA and queue prefix, made once and never changed after (the tests
# use a prefix of their own, and point one at a broker that is away): nothing of Celery's
# inside is reset. Its one task is shared (work.engine.app): every app made has it.
_apps: dict[tuple[str, str, str], Celery] = {}
_making = threading.Lock()


def tls_options() -> dict[str, Any]:
    """py-amqp's TLS options for an amqps:// broker: its certificate verified against
    SAMTALE_BROKER_CA (or the system's CAs), its host name the URL's."""
    return {
        "ca_certs": settings.SAMTALE_BROKER_CA or None,
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": None,
    }


def configured() -> Celery:
    """The app for the settings as they are: the broker and the queues they name."""
    broker = settings.SAMTALE_WORK_BROKER_URL or settings.AMQP_URL
    key = (broker, settings.SAMTALE_WORK_QUEUE_PREFIX, settings.SAMTALE_BROKER_CA)
    with _making:
        app = _apps.get(key)
        if app is not None:
            return app
        # Without Celery's Django fixup: it would run the system checks and close connections
        # outside any tenant, where the tenant guard refuses queries. This module does both.
        app = Celery("samtale", fixups=[], set_as_current=False)
        app.conf.update(
            broker_url=broker,
            # amqps://: the broker's certificate checked, and its host name (the URL's).
            broker_use_ssl=tls_options() if broker.startswith("amqps://") else None,
            broker_connection_retry_on_startup=True,
            # A publish from a request waits at most this long for a broker that is away:
            # the row is in the table, and the sweep sends it later.
            broker_connection_timeout=3,
            task_queues=[
                Queue(kinds.queue_of(kind), routing_key=kinds.queue_of(kind), durable=True)
                for kind in kinds.EVERY_KIND
            ],
            task_default_queue=kinds.queue_of(kinds.DEFAULT),
            # One message at a time per worker process, acknowledged when it is done: a
            # worker that dies leaves its message to another (whose claim then finds the
            # row taken or done), and a long task holds no other message back.
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            worker_prefetch_multiplier=1,
            task_ignore_result=True,
            worker_hijack_root_logger=False,
            worker_send_task_events=False,
            task_send_sent_event=False,
        )
        _apps[key] = app
        return app
