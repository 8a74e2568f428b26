"""The background worker: django-tasks-db's `db_worker`, kept running while the database
is away.

`db_worker` exits on any database error but a locked SQLite file, so a PostgreSQL restart
or failover would stop e-mail and every other background task until someone started it
again. This worker waits and tries again instead (every RETRY_SECONDS, saying so in the
log), and takes up its work when the database answers. A task that was running when the
database went away is not taken up again by django-tasks-db; the e-mail outbox reclaims
its messages itself (samtale.notifications.outbox). Same options as `db_worker`.

It beats (core.health) between tasks, so /health/ready sees a worker that is gone or stuck.
"""

import logging
import time

from django.db import DatabaseError, close_old_connections
from django_tasks_db.management.commands import db_worker

from samtale.core import health

logger = logging.getLogger("django_tasks_db")

RETRY_SECONDS = 2


class Worker(db_worker.Worker):
    # db_worker's loop asks `self.running` at the top of each round (`while self.running:`),
    # after a task and after each wait for one: the heartbeat rides on that question, and is
    # written at most every SAMTALE_HEARTBEAT_SECONDS. Not while a task runs (the signal
    # handler asks too), so a task that runs longer than SAMTALE_HEARTBEAT_LIMIT_SECONDS
    # shows as a worker that stopped.
    @property
    def running(self) -> bool:
        if self._running and not getattr(self, "running_task", False):
            health.beat("worker")
        return self._running

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DatabaseError as error:
                if not self._running:
                    raise
                logger.warning(
                    "The database is not answering (%s); trying again in %s s.",
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    RETRY_SECONDS,
                )
                close_old_connections()
                time.sleep(RETRY_SECONDS)
                self.startup_delay = False


class Command(db_worker.Command):
    help = "Run the background worker (db_worker that outlasts a database restart)."

    def handle(self, *args, **options) -> None:
        # db_worker.Command.handle builds its worker from the module's Worker class.
        original = db_worker.Worker
        db_worker.Worker = Worker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
