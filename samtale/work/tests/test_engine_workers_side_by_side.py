"""Two `manage.py engine_worker` processes under one host name, as two containers sharing the
host's network (or `--scale`) are, both consume their queue on the real RabbitMQ at
127.0.0.1:5672. With Celery's default node name (celery@<host>) they contended for its
remote-control queue and all but one stopped: the compose stack's mail worker never started.
In the broker's group (`amqp`): the Fiks Arkiv crash tests restart it, never beside this."""

import time
import uuid

import pytest
from kombu import Connection

from testkit.live import manage, shared_database

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("amqp")]

BROKER = "amqp://guest:guest@127.0.0.1:5672/"


def _consumers(queue: str) -> int:
    with Connection(BROKER, connect_timeout=5) as connection:
        channel = connection.channel()
        try:
            return channel.queue_declare(queue, passive=True).consumer_count
        except Exception:  # noqa: BLE001 - not declared yet: nobody consumes it
            return 0


def test_two_workers_on_one_host_both_consume(tmp_path):
    prefix = f"samtale_side_by_side_{uuid.uuid4().hex[:8]}."
    env = shared_database(tmp_path).env(
        SAMTALE_WORK_ENGINE="celery",
        SAMTALE_WORK_BROKER_URL=BROKER,
        SAMTALE_WORK_QUEUE_PREFIX=prefix,
        SAMTALE_HEARTBEAT_SECONDS="0",
    )
    log = open(tmp_path / "workers.log", "w")  # noqa: SIM115 - closed in finally
    workers = [
        manage("engine_worker", "--kinds", "default", "--pool", "threads", env=env, log=log)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _consumers(f"{prefix}default") < 2:
            assert all(w.poll() is None for w in workers), (tmp_path / "workers.log").read_text()
            time.sleep(1)
        time.sleep(3)  # one that lost a contention stops after it had consumed
        assert _consumers(f"{prefix}default") == 2, (tmp_path / "workers.log").read_text()
        assert all(w.poll() is None for w in workers), (tmp_path / "workers.log").read_text()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        log.close()
        with Connection(BROKER, connect_timeout=5) as connection:
            connection.channel().queue_delete(f"{prefix}default")
