"""A worker of the Celery engine (SAMTALE_WORK_ENGINE=celery; docs/running/work-engine.md):
Celery's worker on the queues of the kinds of work named, each message run in the tenant it
names (work.engine.app). Start as many as the work needs, on any machine that reaches the
broker and the databases: each takes one message at a time per process.

It beats (core.health) every SAMTALE_HEARTBEAT_SECONDS while it runs, each process of its pool
too (a row whose process is gone is given again: work.engine.runner.reclaim), and it sweeps
the tenants' tables for the transport (work.engine.relay.sweep_every_tenant: of all workers,
one per tenant at a time), so that what was never sent, got lost, or lost its worker runs."""

import logging
import secrets
import threading
import time
from typing import Any

from celery.signals import worker_process_init, worker_ready
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from samtale import tenancy
from samtale.tenancy.commands import TenantAware
from samtale.work.engine import kinds, relay, runner


class Command(TenantAware, BaseCommand):
    help = "Run a worker of the Celery engine for some kinds of work (all, unless told)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kinds",
            dest="named",
            default=",".join(kinds.EVERY_KIND),
            help=f"The kinds of work, comma-separated, of: {', '.join(kinds.EVERY_KIND)}.",
        )
        parser.add_argument(
            "--concurrency", type=int, default=1, help="Processes (prefork) or threads."
        )
        # Not Celery's "solo": with one message at a time (the prefetch of 1 that keeps a long
        # task from holding others back) it waited ~10 s between messages here (Celery 5.7).
        parser.add_argument(
            "--pool", default="prefork", choices=("prefork", "threads"), help="How."
        )
        parser.add_argument(
            "--hostname",
            default="",
            help="Celery's node name (%%h: the host's name); by default the kinds, a few "
            "random characters and the host's name.",
        )

    def handle(
        self, *args: Any, named: str, concurrency: int, pool: str, hostname: str, **options: Any
    ) -> None:
        from samtale.work.engine.app import configured

        if settings.SAMTALE_WORK_ENGINE != "celery":
            raise CommandError(
                "SAMTALE_WORK_ENGINE is not celery: no task reaches this worker "
                "(`manage.py worker` runs them)."
            )
        chosen = [kind.strip() for kind in named.split(",") if kind.strip()]
        unknown = sorted(set(chosen) - set(kinds.EVERY_KIND))
        if unknown or not chosen:
            raise CommandError(f"Unknown kinds of work: {', '.join(unknown) or '(none)'}.")
        queues = ",".join(kinds.queue_of(kind) for kind in chosen)
        argv = ["worker", "-Q", queues, "-c", str(concurrency), "-P", pool, "-l", "INFO"]
        argv += ["--without-gossip", "--without-mingle"]
        # A node name of its own: two workers under one host name (containers sharing the
        # host's network, or `--scale`) with Celery's default one would contend for its
        # remote-control queue, and all but one stop.
        argv += ["-n", hostname or f"{'+'.join(chosen)}.{secrets.token_hex(3)}@%h"]
        # Nothing of this process's connections is handed to the pool's processes it forks
        # (the system checks' to the control database): a child closing one would close
        # the parent's too. The heartbeat starts once the pool is up.
        connections.close_all()
        worker_ready.connect(_beating_and_sweeping, weak=False)
        worker_process_init.connect(_beating, weak=False)
        configured().worker_main(argv)


def _beating(**signal: Any) -> None:
    """A process of the pool beats as a worker: the rows it takes name it."""
    runner.beating()


def _beating_and_sweeping(**signal: Any) -> None:
    """The worker's heartbeat and the transport's sweep, from threads of the main process."""
    runner.beating()

    def sweeping() -> None:
        while True:
            time.sleep(settings.SAMTALE_WORK_SWEEP_SECONDS / 2)
            try:
                relay.sweep_every_tenant()
            except Exception as error:  # noqa: BLE001 - the register away: said, tried again
                logging.getLogger("samtale.work.engine").warning("No sweep: %s", error)
            finally:
                tenancy.connections.close_thread_connections()

    threading.Thread(target=sweeping, name="sweep", daemon=True).start()
