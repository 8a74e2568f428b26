"""Fiks Arkiv on this machine.

`--setup` prepares make run's Fiks IO (demo.fiks): the certificates and keys of both
municipalities' accounts, their archives and the installation's Maskinporten client, and
the configuration `python -m fiks_simulator` serves them from (KS's Fiks IO, Maskinporten
and each municipality's archive, played by code that shares none of Samtale's).

Without it, it plays the archive system on a broker of one's own (SAMTALE_FIKS_TRANSPORT=amqp,
demo.archive_simulator): it answers Samtale's messages at AMQP_URL until stopped."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from samtale.archive.fiks import keys
from samtale.archive.fiks.transport import AmqpTransport, Unavailable
from samtale.demo import fiks
from samtale.demo.archive_simulator import ArchiveSimulator
from samtale.tenancy.commands import TenantAware


class Command(TenantAware, BaseCommand):
    help = "Play the archive system for Fiks Arkiv: answer Samtale's messages (see --setup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--setup",
            action="store_true",
            help="Make the certificates and keys of Samtale, the archives and the "
            "installation's Maskinporten client in var/fiks/ (once; existing ones are kept) "
            "and the Fiks IO simulator's configuration (var/fiks/simulator.json), and stop.",
        )
        parser.add_argument("--once", action="store_true", help="Answer what waits, and stop.")
        parser.add_argument(
            "--fail-next", type=int, default=0, help="Answer the next N messages with serverfeil."
        )

    def handle(self, *, setup, once, fail_next, **options):
        folder = settings.FIKS_DIR
        if setup:
            path = fiks.setup(folder)
            self.stdout.write(f"archive simulator: certificates, keys and {path} in {folder}")
            return
        simulator = ArchiveSimulator(
            via=AmqpTransport(settings.AMQP_URL, ca=settings.SAMTALE_BROKER_CA),
            account=settings.SAMTALE_FIKS_ARCHIVE_ACCOUNT,
            identity=keys.load(folder / "arkiv.crt", folder / "arkiv.key"),
            correspondents={
                settings.SAMTALE_FIKS_ACCOUNT: keys.load(settings.SAMTALE_FIKS_CERTIFICATE)
            },
            store=folder / "arkiv.json",
        )
        simulator.fail_next = fail_next
        running = [True]
        signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
        self.stdout.write(
            f"archive simulator: answering account {simulator.account} at AMQP_URL, "
            f"{len(simulator.files)} personnel files in {simulator.store}"
        )
        while running[0]:
            try:
                answered = simulator.serve(wait=1)
            except Unavailable as error:
                self.stderr.write(f"archive simulator: {error}; trying again")
                time.sleep(2)
                continue
            except KeyboardInterrupt:
                break
            if answered:
                self.stdout.write(
                    f"archive simulator: answered {answered} message(s); "
                    f"{len(simulator.records())} records filed"
                )
            if once and not answered:
                break
